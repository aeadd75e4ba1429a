/**
 * The decision for an order, from facts, with no I/O: price → promotions → allocate (FEFO, gift
 * lines included) → review on the promoted net. Used by quotes (without locks) and by order
 * placement (on locked facts, inside the transaction).
 */
import type { InventoryConfig } from '../core/config/schema-inventory.js';
import { UserError } from '../core/errors.js';
import { allocationPlan } from '../inventory/allocation.js';
import type { Money } from '../ordering/types.js';
import { allocateOrder, chooseWarehouse } from '../ordering/availability.js';
import { choosePrice, priceOrder } from '../ordering/pricing.js';
import { evaluatePromotions } from '../ordering/promotions/engine.js';
import type { CartLine, LineDiscount, PromotionContext, PromotionResult } from '../ordering/promotions/types.js';
import { review } from '../ordering/review/index.js';
import { liveCredit } from '../credit/exposure.js';
import { riskContext } from '../risk/context.js';
import type { RiskSettings } from '../risk/types.js';
import type { LineAvailability, OrderLineRequest, PricedLine, PricingResult, ReviewPolicy, ReviewResult } from '../ordering/types.js';
import type { OrderFacts } from './facts.js';

export interface OrderingSettings {
  timeZone: string;
  policy: ReviewPolicy;
  /** Warehouse codes tried after the ones nearest the ship-to (config ordering.warehouseFallback). */
  warehouseFallback: readonly string[];
  /** Expiry tiers, shelf-life minimums and channel quotas (config inventory; unset: defaults, no channels). */
  inventory?: InventoryConfig;
  /** The review's risk rule (config risk; unset: not scored). */
  risk?: RiskSettings;
}

/** A line as it will be ordered: priced, with its promotions' discounts; or a gift line. */
export interface OrderLine extends PricedLine {
  isGift: boolean;
  /** The promotion that gave a gift line. */
  giftOf: { id: number; code: string } | null;
  discounts: LineDiscount[];
}

export interface Evaluation {
  /** List prices before promotions. */
  pricing: PricingResult;
  promotions: PromotionResult;
  /** Cart lines with their discounts, then gift lines. */
  lines: OrderLine[];
  totals: { gross: Money; discount: Money; net: Money; currency: string };
  availability: LineAvailability[];
  review: ReviewResult;
}

/** Who is ordering through which channel, with which codes, at which instant. */
export interface PromotionInputs {
  now: Date;
  channel: PromotionContext['channel'];
  couponCodes: readonly string[];
  /** How the dealer says it will pay (optional; the risk rule compares it with its usual one). */
  paymentMethod?: string | undefined;
}

export function evaluateOrder(
  requests: OrderLineRequest[],
  facts: OrderFacts,
  settings: Pick<OrderingSettings, 'policy' | 'warehouseFallback' | 'inventory' | 'risk'>,
  today: string,
  inputs: PromotionInputs,
): Evaluation {
  const pricing = priceOrder(requests, { products: facts.products, prices: facts.prices, currency: facts.dealer.currency }, today);
  if (pricing.problems.length > 0) {
    const first = pricing.problems[0]!;
    throw new UserError(first.message, { code: 'invalid_lines', problems: pricing.problems });
  }
  const promotions = evaluatePromotions(toCart(pricing.lines, facts), facts.promotions, promotionContext(facts, today, inputs));
  const lines = orderLines(pricing.lines, promotions, facts);
  const availability = allocateLines(lines, facts, today, settings.warehouseFallback, settings.inventory);
  const result = review(
    {
      lines,
      availability,
      orderNet: promotions.totals.net,
      currency: promotions.totals.currency,
      credit: liveCredit(facts.credit, facts.arPastDue, today),
      shipTo: facts.shipTo,
      authorisations: facts.authorisations,
      policy: settings.policy,
      risk: riskContext(settings.risk, facts.riskHistory, { at: inputs.now, net: promotions.totals.net, shipTo: facts.shipTo, paymentMethod: inputs.paymentMethod, lines }),
    },
    today,
  );
  return { pricing, promotions, lines, totals: promotions.totals, availability, review: result };
}

function toCart(lines: PricedLine[], facts: OrderFacts): CartLine[] {
  return lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, qty: l.qty, unitPrice: l.unitPrice, gross: l.gross, category: facts.products.get(l.sku)?.category ?? null }));
}

function promotionContext(facts: OrderFacts, today: string, inputs: PromotionInputs): PromotionContext {
  // A gift is valued at what the dealer would pay for one unit (only to compare promotions).
  const giftProducts = new Map<string, { unitPrice: Money | null }>();
  for (const product of facts.products.values()) {
    if (product.status !== 'active') continue;
    giftProducts.set(product.sku, { unitPrice: choosePrice(facts.prices, product.sku, 1, facts.dealer.currency, today)?.unitPrice ?? null });
  }
  return {
    now: inputs.now,
    today,
    channel: inputs.channel,
    dealer: { code: facts.dealer.code, tier: facts.dealer.tier, group: facts.dealer.group, cooperationSince: facts.dealer.cooperationSince, priorOrders: facts.priorOrders },
    regionCode: facts.shipTo.regionCode,
    currency: facts.dealer.currency,
    couponCodes: inputs.couponCodes,
    coupons: facts.coupons,
    dealerUses: facts.dealerUses,
    giftProducts,
  };
}

function orderLines(priced: PricedLine[], result: PromotionResult, facts: OrderFacts): OrderLine[] {
  const byLineNo = new Map(priced.map((l) => [l.lineNo, l]));
  const promotionIds = new Map(facts.promotions.map((p) => [p.code, p.id]));
  return result.lines.map((line): OrderLine => {
    const base = byLineNo.get(line.lineNo);
    if (base !== undefined && !line.isGift) return { ...base, discount: line.discount, net: line.net, isGift: false, giftOf: null, discounts: line.discounts };
    const code = line.giftOf!;
    return {
      lineNo: line.lineNo,
      sku: line.sku,
      qty: line.qty,
      requestedQty: line.qty,
      unitPrice: line.unitPrice,
      gross: line.gross,
      discount: line.discount,
      net: line.net,
      priceListCode: `gift:${code}`,
      isGift: true,
      giftOf: { id: promotionIds.get(code)!, code },
      discounts: [],
    };
  });
}

/**
 * FEFO allocation of each line in the warehouse preferred for the ship-to, each with its own
 * product's minimum remaining shelf life. Lines are allocated in order against what earlier
 * lines took: a gift line can share its SKU (and lots) with an ordered line. src/inventory adds
 * computed expiries, fractional shelf-life minimums, channel caps and the lines' expiry tiers.
 */
export function allocateLines(
  lines: Array<{ lineNo: number; sku: string; qty: number }>,
  facts: OrderFacts,
  today: string,
  warehouseFallback: readonly string[] = [],
  inventory?: InventoryConfig,
): LineAvailability[] {
  const warehouses = chooseWarehouse(facts.shipTo.regionCode, facts.warehouses, [...warehouseFallback]);
  const plan = allocationPlan(facts, today, inventory);
  return plan.annotate(allocateOrder(lines, plan.lots, warehouses, plan.rules), warehouses);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date in the business's time zone: expiry and validity are dates there. */
export function businessDate(now: Date, timeZone: string): string {
  // Building a DateTimeFormat costs more than an order's pricing; keep one per zone.
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  return format.format(now);
}
