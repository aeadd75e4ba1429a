/**
 * Prices an order from plain facts: validates every requested line, applies pack-size rules,
 * chooses the price row (dealer override over tier list, quantity breaks) and totals exactly.
 * A line with a problem is reported, not priced; the caller decides whether to reject.
 */
import { formatUnitPrice, lineGross, sumMoney } from './money.js';
import type { LineProblem, OrderLineRequest, PriceFacts, PricedLine, PricingResult, ProductFacts } from './types.js';

export interface PricingFacts {
  products: Map<string, ProductFacts> | Record<string, ProductFacts>;
  /** The rows of every list that applies to the dealer; filtering by date and currency happens here. */
  prices: PriceFacts[];
  /** The order's currency; rows in other currencies are ignored. */
  currency: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function lookupProduct(products: PricingFacts['products'], sku: string): ProductFacts | undefined {
  if (products instanceof Map) return products.get(sku);
  // Own properties only: a SKU such as "constructor" must not resolve to Object.prototype.
  return Object.hasOwn(products, sku) ? products[sku] : undefined;
}

/** Pack sizes come from ERP data; anything but a positive whole number means "no pack constraint". */
function effectivePackSize(product: ProductFacts): number {
  return Number.isSafeInteger(product.packSize) && product.packSize > 0 ? product.packSize : 1;
}

function comparePriority(a: PriceFacts, b: PriceFacts): number {
  if (a.source !== b.source) return a.source === 'dealer' ? -1 : 1;
  if (a.validFrom !== b.validFrom) return a.validFrom > b.validFrom ? -1 : 1;
  if (a.priceListCode !== b.priceListCode) return a.priceListCode < b.priceListCode ? -1 : 1;
  return 0;
}

/**
 * The applicable row for `qty`, or undefined. Only rows valid on `today` in `currency` count.
 * Each list (source + code) offers its highest break ≤ qty (ties: latest validFrom); lists then
 * rank dealer before tier, latest validFrom, lowest code. A list with no break ≤ qty does not
 * compete, so an override that starts at 100 units leaves smaller orders to the tier list.
 */
export function choosePrice(rows: PriceFacts[], sku: string, qty: number, currency: string, today: string): PriceFacts | undefined {
  const best = new Map<string, PriceFacts>();
  for (const row of rows) {
    if (row.sku !== sku || row.currency !== currency || row.minQty > qty) continue;
    if (row.validFrom > today || (row.validTo !== null && row.validTo < today)) continue;
    const key = `${row.source}\u0000${row.priceListCode}`;
    const current = best.get(key);
    if (!current || row.minQty > current.minQty || (row.minQty === current.minQty && row.validFrom > current.validFrom)) {
      best.set(key, row);
    }
  }
  return [...best.values()].sort(comparePriority)[0];
}

function nearestPacks(qty: number, pack: number): string {
  const lower = Math.floor(qty / pack) * pack;
  return lower === 0 ? `order ${pack}` : `order ${lower} or ${lower + pack}`;
}

function describeQty(qty: number): string {
  return Number.isNaN(qty) ? 'NaN' : String(qty);
}

/** Why no row applied: distinguishes "no price at all" from "below the smallest break". */
function noPriceMessage(rows: PriceFacts[], sku: string, qty: number, currency: string, today: string): string {
  const current = rows.filter(
    (r) => r.sku === sku && r.currency === currency && r.validFrom <= today && (r.validTo === null || r.validTo >= today),
  );
  if (current.length === 0) return `no price valid on ${today} in ${currency}`;
  const smallest = Math.min(...current.map((r) => r.minQty));
  return `no price for quantity ${qty} in ${currency}; the smallest priced quantity is ${smallest}`;
}

/**
 * Prices `requests` on `today` ('YYYY-MM-DD'). Lines are numbered from 1 in request order; a line
 * with a problem is left out of `lines` and described in `problems` (one problem per line).
 */
export function priceOrder(requests: OrderLineRequest[], facts: PricingFacts, today: string): PricingResult {
  if (!ISO_DATE.test(today)) throw new RangeError(`priceOrder: today must be YYYY-MM-DD, got "${today}"`);
  const lines: PricedLine[] = [];
  const problems: LineProblem[] = [];
  const seen = new Map<string, number>();

  requests.forEach((request, index) => {
    const lineNo = index + 1;
    const { sku, qty: requestedQty } = request;
    const problem = (code: LineProblem['code'], what: string): void => {
      problems.push({ lineNo, sku, code, message: `line ${lineNo} (${sku}): ${what}` });
    };

    const firstLine = seen.get(sku);
    if (firstLine !== undefined) {
      problem('duplicate_sku', `${sku} is already ordered on line ${firstLine}; merge the quantities into one line`);
      return;
    }
    seen.set(sku, lineNo);

    const product = lookupProduct(facts.products, sku);
    if (!product) return problem('unknown_sku', `unknown SKU ${sku}`);
    if (product.status !== 'active') return problem('inactive_product', `product ${sku} is ${product.status} and cannot be ordered`);
    if (typeof requestedQty !== 'number' || !Number.isSafeInteger(requestedQty) || requestedQty <= 0) {
      return problem('bad_quantity', `quantity ${describeQty(requestedQty)} must be a whole number greater than 0`);
    }

    const pack = effectivePackSize(product);
    let qty = requestedQty;
    if (qty % pack !== 0) {
      if (!product.roundToPack) {
        return problem('not_pack_multiple', `quantity ${qty} is not a multiple of the pack size ${pack}; ${nearestPacks(qty, pack)}`);
      }
      qty = Math.ceil(qty / pack) * pack;
      if (!Number.isSafeInteger(qty)) return problem('bad_quantity', `quantity ${requestedQty} is too large`);
    }

    const row = choosePrice(facts.prices, sku, qty, facts.currency, today);
    if (!row) return problem('no_price', noPriceMessage(facts.prices, sku, qty, facts.currency, today));

    const gross = lineGross(row.unitPrice, qty);
    lines.push({
      lineNo,
      sku,
      qty,
      requestedQty,
      unitPrice: formatUnitPrice(row.unitPrice),
      gross,
      discount: '0.00',
      net: gross,
      priceListCode: row.priceListCode,
    });
  });

  const gross = sumMoney(lines.map((l) => l.gross));
  return {
    lines,
    problems,
    totals: { gross, discount: sumMoney(lines.map((l) => l.discount)), net: sumMoney(lines.map((l) => l.net)), currency: facts.currency },
  };
}
