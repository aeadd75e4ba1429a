/**
 * README §2: the cart as the engine works on it (lines in SKU order, in whole cents) and each
 * promotion's eligible lines.
 */
import { toCents, toPrice4 } from './cents.js';
import type { Compiled } from './compiled.js';
import type { GiftPrices, LineState } from './rules.js';
import type { CartLine, PromotionContext } from './types.js';

export interface Cart {
  /** Cart lines in SKU order. */
  lines: LineState[];
  /** Cart position of each SKU-ordered line. */
  positions: number[];
  bySku: Map<string, number>;
  /** false when a SKU appears on two lines (carts do not, but eligibleLines must not assume it). */
  uniqueSkus: boolean;
  /** Lines per category, made when a promotion first asks. */
  byCategory: Map<string, number[]> | null;
  gross: number[];
  /** 0 … lines − 1: the eligible lines of a promotion open to every line. */
  every: number[];
  gifts: GiftPrices;
}

export function prepareCart(cart: readonly CartLine[], context: PromotionContext): Cart {
  const positions = skuOrder(cart);
  const lines: LineState[] = [];
  const gross: number[] = [];
  const every: number[] = [];
  const bySku = new Map<string, number>();
  for (let i = 0; i < positions.length; i += 1) {
    const l = cart[positions[i]!]!;
    const line: LineState = { sku: l.sku, qty: l.qty, price4: toPrice4(l.unitPrice), gross: toCents(l.gross), category: l.category };
    lines.push(line);
    gross.push(line.gross);
    every.push(i);
    bySku.set(l.sku, i);
  }
  return {
    lines,
    positions,
    bySku,
    uniqueSkus: bySku.size === lines.length,
    byCategory: null,
    gross,
    every,
    gifts: new ContextGiftPrices(context.giftProducts),
  };
}

/** Cart positions in ascending SKU order; equal SKUs (none in a valid cart) keep cart order. */
function skuOrder(cart: readonly CartLine[]): number[] {
  const order = new Array<number>(cart.length);
  for (let i = 0; i < cart.length; i += 1) order[i] = i;
  if (cart.length > 64) return order.sort((a, b) => compareSku(cart[a]!.sku, cart[b]!.sku));
  // Insertion sort (stable): for a cart's few dozen lines it beats sort()'s comparator calls.
  for (let i = 1; i < cart.length; i += 1) {
    const sku = cart[i]!.sku;
    let k = i;
    while (k > 0 && cart[order[k - 1]!]!.sku > sku) {
      order[k] = order[k - 1]!;
      k -= 1;
    }
    order[k] = i;
  }
  return order;
}

const compareSku = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Gift prices in 1/10000, parsed when a gift rule asks: the context holds every product of the
 * order, most of which are never a gift.
 */
class ContextGiftPrices implements GiftPrices {
  constructor(private readonly products: PromotionContext['giftProducts']) {}

  priceOf(sku: string): number | null | undefined {
    const product = this.products.get(sku);
    if (product === undefined) return undefined;
    return product.unitPrice === null ? null : toPrice4(product.unitPrice);
  }
}

/**
 * README §2. A promotion's lists are usually a few entries against a cart of many lines: then
 * its lines are gathered by looking the entries up in the cart, rather than every line in the
 * lists (when the lists are longer than the cart, or a SKU repeats, line by line).
 */
export function eligibleLines(c: Compiled, cart: Cart): readonly number[] {
  if (c.everyLine) return cart.every;
  const n = cart.lines.length;
  if (!cart.uniqueSkus || c.productList.length + c.categoryList.length + c.excludedList.length > n) return eligibleByLine(c, cart);
  if (c.products === null && c.categories === null) return eligibleByLine(c, cart); // every line but the excluded
  if (c.products === null && c.excluded === null && c.categoryList.length === 1) {
    // One category and nothing else (the usual case): its lines, already in order.
    return categoryLines(cart).get(c.categoryList[0]!) ?? NO_LINES;
  }
  const out: number[] = [];
  for (const sku of c.productList) {
    const i = cart.bySku.get(sku);
    if (i !== undefined) out.push(i);
  }
  if (c.categoryList.length > 0) {
    const byCategory = categoryLines(cart);
    for (const category of c.categoryList) for (const i of byCategory.get(category) ?? NO_LINES) out.push(i);
  }
  const listed = sortedUnique(out);
  if (c.excluded === null) return listed;
  const excluded = c.excluded;
  return listed.filter((i) => !excluded.has(cart.lines[i]!.sku));
}

/** Sorts line indices ascending and drops repeats, in place (a line can be listed twice). */
function sortedUnique(indices: number[]): number[] {
  if (indices.length > 64) indices.sort((a, b) => a - b);
  else {
    for (let k = 1; k < indices.length; k += 1) {
      const x = indices[k]!;
      let j = k;
      while (j > 0 && indices[j - 1]! > x) {
        indices[j] = indices[j - 1]!;
        j -= 1;
      }
      indices[j] = x;
    }
  }
  let repeats = false;
  for (let k = 1; k < indices.length; k += 1) if (indices[k] === indices[k - 1]) repeats = true;
  return repeats ? indices.filter((i, k) => k === 0 || i !== indices[k - 1]) : indices;
}

const NO_LINES: readonly number[] = [];

/** The cart's lines per category, ascending (made when a promotion first asks). */
function categoryLines(cart: Cart): ReadonlyMap<string, readonly number[]> {
  return (cart.byCategory ??= linesByCategory(cart.lines));
}

function linesByCategory(lines: readonly LineState[]): Map<string, number[]> {
  const byCategory = new Map<string, number[]>();
  for (let i = 0; i < lines.length; i += 1) {
    const category = lines[i]!.category;
    if (category === null) continue;
    const listed = byCategory.get(category);
    if (listed === undefined) byCategory.set(category, [i]);
    else listed.push(i);
  }
  return byCategory;
}

/** README §2 as written: each line against the promotion's lists. */
function eligibleByLine(c: Compiled, cart: Cart): readonly number[] {
  const out: number[] = [];
  const { products, categories, excluded } = c;
  const open = products === null && categories === null;
  for (let i = 0; i < cart.lines.length; i += 1) {
    const l = cart.lines[i]!;
    const listed = open || (products !== null && products.has(l.sku)) || (categories !== null && l.category !== null && categories.has(l.category));
    if (listed && !(excluded !== null && excluded.has(l.sku))) out.push(i);
  }
  return out;
}
