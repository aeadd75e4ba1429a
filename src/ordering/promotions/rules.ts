/**
 * One evaluator per promotion type (README §3), compiled once per promotion into whole-number
 * form. An evaluator reads the pass state and returns what the promotion would do; it never
 * changes the state (the pass applies the outcome).
 */
import { formatCents, mulDivRound, splitLargestRemainder, toBasisPoints, toCents, toPrice4 } from './cents.js';
import type { PromotionRule } from './definition.js';
import { reason, type Reason } from './explain.js';

export interface LineState {
  sku: string;
  qty: number;
  /** Unit price in 1/10000 of the currency unit. */
  price4: number;
  gross: number;
  category: string | null;
}

export interface PassView {
  /** Cart lines in SKU order. */
  lines: readonly LineState[];
  bySku: ReadonlyMap<string, number>;
  /** Current net per line, in cents. */
  remaining: readonly number[];
  /** Net per line after the line-level stage (order-level promotions only). */
  afterLineStage: readonly number[] | null;
  /** Indices of this promotion's eligible lines, ascending (= SKU order). */
  eligible: readonly number[];
  giftPrices: ReadonlyMap<string, { price4: number | null }>;
  /**
   * false in a pass that only needs each outcome's discount (a candidate alone, to know whether it
   * applies and its benefit): order-level discounts then skip the split over the lines.
   */
  needParts: boolean;
}

export interface GiftOut {
  sku: string;
  qty: number;
}

export interface Outcome {
  applied: boolean;
  discount: number;
  /** [line index, cents] for each line that receives part of the discount. */
  parts: Array<[number, number]>;
  gifts: GiftOut[];
  giftValue: number;
  reason: Reason;
  hint: Reason | null;
}

export type Evaluator = (view: PassView) => Outcome;

const NO_PARTS: Array<[number, number]> = [];
const NO_GIFTS: GiftOut[] = [];

export function notApplied(why: Reason, hint: Reason | null = null): Outcome {
  return { applied: false, discount: 0, parts: NO_PARTS, gifts: NO_GIFTS, giftValue: 0, reason: why, hint };
}

function discounted(parts: Array<[number, number]>, discount: number, what: string, hint: Reason | null = null): Outcome {
  if (discount === 0) return notApplied(reason('nothing_left'));
  return { applied: true, discount, parts, gifts: NO_GIFTS, giftValue: 0, reason: reason('applied_amount', { what, discount: formatCents(discount) }), hint };
}

function gifted(gifts: GiftOut[], giftValue: number): Outcome {
  const list = gifts.map((g) => `${g.sku} × ${g.qty}`).join(', ');
  return { applied: true, discount: 0, parts: NO_PARTS, gifts, giftValue, reason: reason('applied_gift', { gifts: list }), hint: null };
}

/** Splits `discount` over `indices` by largest remainder of `weights`, capped at Σ weights. */
function split(indices: readonly number[], weights: number[], discount: number): { parts: Array<[number, number]>; total: number } {
  let capacity = 0;
  for (const w of weights) capacity += w;
  const total = Math.min(discount, capacity);
  const shares = splitLargestRemainder(total, weights);
  const parts: Array<[number, number]> = [];
  for (let k = 0; k < indices.length; k += 1) if (shares[k]! > 0) parts.push([indices[k]!, shares[k]!]);
  return { parts, total };
}

function sumOver(indices: readonly number[], values: readonly number[]): number {
  let sum = 0;
  for (const i of indices) sum += values[i]!;
  return sum;
}

// ---- line-level ---------------------------------------------------------------------------

function lineDiscount(rule: Extract<PromotionRule, { type: 'line_discount' }>): Evaluator {
  const bp = rule.percentOff === undefined ? null : toBasisPoints(rule.percentOff);
  const amount = rule.amountOff === undefined ? 0 : toCents(rule.amountOff);
  const maxQty = rule.maxQty ?? Number.POSITIVE_INFINITY;
  const what = bp !== null ? `${rule.percentOff}% off` : `${rule.amountOff} off per ${rule.per}`;
  return ({ lines, remaining, eligible }) => {
    if (eligible.length === 0) return notApplied(reason('no_eligible_lines'));
    const parts: Array<[number, number]> = [];
    let total = 0;
    for (const i of eligible) {
      const line = lines[i]!;
      const n = Math.min(line.qty, maxQty);
      let d = bp !== null ? mulDivRound(line.price4, n, bp, 1_000_000) : rule.per === 'unit' ? amount * n : amount;
      d = Math.min(d, remaining[i]!);
      if (d > 0) {
        parts.push([i, d]);
        total += d;
      }
    }
    return discounted(parts, total, what);
  };
}

function quantityBreak(rule: Extract<PromotionRule, { type: 'quantity_break' }>): Evaluator {
  const breaks = rule.breaks.map((b) => ({ minQty: b.minQty, price4: toPrice4(b.unitPrice) }));
  const first = breaks[0]!.minQty;
  return ({ lines, remaining, eligible }) => {
    if (eligible.length === 0) return notApplied(reason('no_eligible_lines'));
    const parts: Array<[number, number]> = [];
    let total = 0;
    let most = 0;
    for (const i of eligible) {
      const line = lines[i]!;
      most = Math.max(most, line.qty);
      let chosen: (typeof breaks)[number] | undefined;
      for (const b of breaks) if (b.minQty <= line.qty) chosen = b;
      if (!chosen) continue;
      const d = Math.min(Math.max(0, line.gross - mulDivRound(chosen.price4, line.qty, 1, 100)), remaining[i]!);
      if (d > 0) {
        parts.push([i, d]);
        total += d;
      }
    }
    if (most < first) return notApplied(reason('break_not_reached', { most, minQty: first }));
    if (total === 0) return notApplied(reason('price_not_lower'));
    return discounted(parts, total, `quantity price from ${first} units`);
  };
}

function buyXGetY(rule: Extract<PromotionRule, { type: 'buy_x_get_y' }>): Evaluator {
  const maxFree = rule.maxFreeQty ?? Number.POSITIVE_INFINITY;
  return ({ lines, eligible }) => {
    if (eligible.length === 0) return notApplied(reason('no_eligible_lines'));
    const gifts: GiftOut[] = [];
    let given = 0;
    let value = 0;
    let most = 0;
    let mostSku = '';
    for (const i of eligible) {
      const line = lines[i]!;
      if (line.qty > most) {
        most = line.qty;
        mostSku = line.sku;
      }
      const free = Math.min(Math.floor(line.qty / rule.buy) * rule.get, maxFree - given);
      if (free <= 0) continue;
      gifts.push({ sku: line.sku, qty: free });
      given += free;
      value += mulDivRound(line.price4, free, 1, 100);
    }
    if (gifts.length === 0) {
      const why = given >= maxFree ? reason('nothing_left') : reason('buy_not_reached', { buy: rule.buy, get: rule.get, most });
      return notApplied(why, most < rule.buy ? reason('buy_more', { more: rule.buy - most, sku: mostSku }) : null);
    }
    return gifted(gifts, value);
  };
}

function bundle(rule: Extract<PromotionRule, { type: 'bundle' }>): Evaluator {
  const components = rule.components.map((c) => ({ sku: c.sku, qty: c.qty }));
  const price = toCents(rule.price);
  return ({ lines, remaining, bySku }) => {
    const indices: number[] = [];
    let sets = rule.maxSets ?? Number.POSITIVE_INFINITY;
    let shortest: { sku: string; have: number; need: number } | null = null;
    for (const c of components) {
      const i = bySku.get(c.sku);
      const have = i === undefined ? 0 : lines[i]!.qty;
      const possible = Math.floor(have / c.qty);
      if (possible === 0 && shortest === null) shortest = { sku: c.sku, have, need: c.qty };
      sets = Math.min(sets, possible);
      if (i !== undefined) indices.push(i);
    }
    if (sets === 0 || shortest !== null) return notApplied(reason('bundle_incomplete', shortest ?? { sku: components[0]!.sku, have: 0, need: components[0]!.qty }));
    indices.sort((a, b) => a - b);
    const need = new Map(components.map((c) => [c.sku, c.qty]));
    let list = 0;
    const weights = indices.map((i) => {
      const line = lines[i]!;
      const g = mulDivRound(line.price4, need.get(line.sku)! * sets, 1, 100);
      list += g;
      return Math.min(g, remaining[i]!);
    });
    const d = list - price * sets;
    if (d <= 0) return notApplied(reason('bundle_not_cheaper', { price: formatCents(price * sets), list: formatCents(list) }));
    const { parts, total } = split(indices, weights, d);
    return discounted(parts, total, `${sets} bundle set(s) at ${rule.price}`);
  };
}

function mixMatch(rule: Extract<PromotionRule, { type: 'mix_match' }>): Evaluator {
  const price = rule.price === undefined ? null : toCents(rule.price);
  const bp = rule.percentOff === undefined ? 0 : toBasisPoints(rule.percentOff);
  return ({ lines, remaining, eligible }) => {
    if (eligible.length === 0) return notApplied(reason('no_eligible_lines'));
    const have = sumOver(eligible, lines.map((l) => l.qty));
    const sets = Math.min(Math.floor(have / rule.quantity), rule.maxSets ?? Number.POSITIVE_INFINITY);
    if (sets === 0) return notApplied(reason('mix_not_reached', { have, need: rule.quantity }), reason('buy_more_items', { more: rule.quantity - (have % rule.quantity) }));
    // Most expensive units first (best for the dealer); eligible is in SKU order and the sort is stable.
    const byPrice = [...eligible].sort((a, b) => lines[b]!.price4 - lines[a]!.price4);
    const taken = new Map<number, number>();
    let left = sets * rule.quantity;
    for (const i of byPrice) {
      if (left === 0) break;
      const t = Math.min(lines[i]!.qty, left);
      taken.set(i, t);
      left -= t;
    }
    const indices = [...taken.keys()].sort((a, b) => a - b);
    if (price === null) {
      const parts: Array<[number, number]> = [];
      let total = 0;
      for (const i of indices) {
        const d = Math.min(mulDivRound(lines[i]!.price4, taken.get(i)!, bp, 1_000_000), remaining[i]!);
        if (d > 0) {
          parts.push([i, d]);
          total += d;
        }
      }
      return discounted(parts, total, `${rule.percentOff}% off ${sets} set(s) of ${rule.quantity}`);
    }
    let list = 0;
    const weights = indices.map((i) => {
      const p = mulDivRound(lines[i]!.price4, taken.get(i)!, 1, 100);
      list += p;
      return Math.min(p, remaining[i]!);
    });
    const d = list - price * sets;
    if (d <= 0) return notApplied(reason('mix_not_cheaper', { price: formatCents(price * sets), list: formatCents(list) }));
    const { parts, total } = split(indices, weights, d);
    return discounted(parts, total, `${sets} set(s) of any ${rule.quantity} at ${rule.price}`);
  };
}

// ---- order-level --------------------------------------------------------------------------

/** The order-level discount `d`, capped by what is left on the eligible lines and split over them. */
function orderDiscount(view: PassView, d: number, what: string, hint: Reason | null = null): Outcome {
  if (!view.needParts) return discounted(NO_PARTS, Math.min(d, sumOver(view.eligible, view.remaining)), what, hint);
  const weights = view.eligible.map((i) => view.remaining[i]!);
  const { parts, total } = split(view.eligible, weights, d);
  return discounted(parts, total, what, hint);
}

function subtotal(view: PassView): number {
  return sumOver(view.eligible, view.afterLineStage ?? view.remaining);
}

function spendMore(subtotalCents: number, thresholdCents: number, reward: string): Reason {
  return reason('spend_more', { more: formatCents(thresholdCents - subtotalCents), reward });
}

function threshold(rule: Extract<PromotionRule, { type: 'threshold' }>): Evaluator {
  const t = toCents(rule.threshold);
  const a = toCents(rule.amountOff);
  return (view) => {
    const s = subtotal(view);
    if (s < t) return notApplied(reason('threshold_not_reached', { subtotal: formatCents(s), threshold: rule.threshold }), spendMore(s, t, rule.amountOff));
    return orderDiscount(view, a, `spent ${formatCents(s)} ≥ ${rule.threshold}`);
  };
}

function tiered(rule: Extract<PromotionRule, { type: 'tiered' }>): Evaluator {
  const tiers = rule.tiers.map((x) => ({ t: toCents(x.threshold), a: toCents(x.amountOff), amountOff: x.amountOff, threshold: x.threshold }));
  return (view) => {
    const s = subtotal(view);
    let reached = -1;
    for (let k = 0; k < tiers.length; k += 1) if (s >= tiers[k]!.t) reached = k;
    const next = tiers[reached + 1];
    const hint = next ? spendMore(s, next.t, next.amountOff) : null;
    if (reached === -1) return notApplied(reason('threshold_not_reached', { subtotal: formatCents(s), threshold: tiers[0]!.threshold }), hint);
    const tier = tiers[reached]!;
    return orderDiscount(view, tier.a, `spent ${formatCents(s)} ≥ ${tier.threshold}`, hint);
  };
}

function repeating(rule: Extract<PromotionRule, { type: 'repeating' }>): Evaluator {
  const every = toCents(rule.every);
  const a = toCents(rule.amountOff);
  const cap = rule.maxAmountOff === undefined ? Number.POSITIVE_INFINITY : toCents(rule.maxAmountOff);
  return (view) => {
    const s = subtotal(view);
    const m = Math.floor(s / every);
    if (m === 0) return notApplied(reason('threshold_not_reached', { subtotal: formatCents(s), threshold: rule.every }), spendMore(s, every, rule.amountOff));
    const d = Math.min(m * a, cap);
    const hint = m * a < cap ? spendMore(s, (m + 1) * every, formatCents(Math.min((m + 1) * a, cap))) : null;
    return orderDiscount(view, d, `${m} × ${rule.amountOff} for every ${rule.every}`, hint);
  };
}

function orderPercent(rule: Extract<PromotionRule, { type: 'order_percent' }>): Evaluator {
  const bp = toBasisPoints(rule.percentOff);
  const min = rule.minSubtotal === undefined ? 0 : toCents(rule.minSubtotal);
  return (view) => {
    const s = subtotal(view);
    if (s === 0) return notApplied(reason('no_eligible_amount'));
    if (s < min) return notApplied(reason('minimum_not_reached', { subtotal: formatCents(s), minimum: rule.minSubtotal! }), spendMore(s, min, `${rule.percentOff}%`));
    return orderDiscount(view, mulDivRound(s, bp, 1, 10_000), `${rule.percentOff}% of ${formatCents(s)} after line discounts`);
  };
}

function gift(rule: Extract<PromotionRule, { type: 'gift' }>): Evaluator {
  const min = rule.minSubtotal === undefined ? null : toCents(rule.minSubtotal);
  return (view) => {
    const s = subtotal(view);
    const q = sumOver(view.eligible, view.lines.map((l) => l.qty));
    const amountMet = min === null || s >= min;
    const qtyMet = rule.minQty === undefined || q >= rule.minQty;
    if (!amountMet || !qtyMet) {
      const condition = !amountMet ? `${formatCents(s)} < ${rule.minSubtotal}` : `${q} < ${rule.minQty} items`;
      const hint = !amountMet ? reason('spend_more_gift', { more: formatCents(min! - s) }) : reason('buy_more_items', { more: rule.minQty! - q });
      return notApplied(reason('gift_condition_not_met', { condition }), hint);
    }
    let sets = 1;
    if (rule.perMultiple) {
      sets = Number.POSITIVE_INFINITY;
      if (min !== null) sets = Math.floor(s / min);
      if (rule.minQty !== undefined) sets = Math.min(sets, Math.floor(q / rule.minQty));
    }
    sets = Math.min(sets, rule.maxSets ?? Number.POSITIVE_INFINITY);
    let value = 0;
    const gifts: GiftOut[] = [];
    for (const g of rule.gifts) {
      const product = view.giftPrices.get(g.sku);
      if (!product) return notApplied(reason('gift_not_orderable', { sku: g.sku }));
      gifts.push({ sku: g.sku, qty: g.qty * sets });
      if (product.price4 !== null) value += mulDivRound(product.price4, g.qty * sets, 1, 100);
    }
    return gifted(gifts, value);
  };
}

export function compileRule(rule: PromotionRule): Evaluator {
  switch (rule.type) {
    case 'line_discount':
      return lineDiscount(rule);
    case 'quantity_break':
      return quantityBreak(rule);
    case 'buy_x_get_y':
      return buyXGetY(rule);
    case 'bundle':
      return bundle(rule);
    case 'mix_match':
      return mixMatch(rule);
    case 'threshold':
      return threshold(rule);
    case 'tiered':
      return tiered(rule);
    case 'repeating':
      return repeating(rule);
    case 'order_percent':
      return orderPercent(rule);
    case 'gift':
      return gift(rule);
  }
}
