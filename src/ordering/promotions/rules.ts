/**
 * One evaluator per promotion type (README §3), compiled once per promotion into whole-number
 * form. An evaluator reads the pass state and returns what the promotion would do; it never
 * changes the state (the pass applies the outcome).
 *
 * Evaluators run in two modes (PassView.detail). A detailed pass (the one whose result is
 * returned, or a stack of promotions) needs everything. Judging a candidate alone needs only
 * whether it applies, its discount and gift value, and — when it does not apply — its reason and
 * hint: so without `detail`, an applied outcome skips the split over the lines, the gift list and
 * the explanatory text, which is most of the engine's work and garbage.
 */
import { formatCents, mulDivRound, splitLargestRemainderInto, toBasisPoints, toCents, toPrice4 } from './cents.js';
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
  gifts: GiftPrices;
  /**
   * false when only the outcome's applied/discount/giftValue are needed (and reason and hint when
   * it does not apply): see the module comment.
   */
  detail: boolean;
}

export interface GiftPrices {
  /** An orderable gift SKU's unit price in 1/10000 (null: no price); undefined: not orderable. */
  priceOf(sku: string): number | null | undefined;
}

export interface GiftOut {
  sku: string;
  qty: number;
}

export interface Outcome {
  applied: boolean;
  discount: number;
  /** Flat pairs `line index, cents` for each line that receives part of the discount (detail only). */
  parts: readonly number[];
  /** Detail only. */
  gifts: readonly GiftOut[];
  giftValue: number;
  /** For an applied outcome: detail only. */
  reason: Reason;
  hint: Reason | null;
}

export type Evaluator = (view: PassView) => Outcome;

const NO_PARTS: readonly number[] = [];
const NO_GIFTS: readonly GiftOut[] = [];
/** The reason of an applied outcome outside a detailed pass: never reported (explain() rejects it). */
const APPLIED_UNEXPLAINED: Reason = Object.freeze({ code: 'applied_without_detail', data: Object.freeze({}) });

export function notApplied(why: Reason, hint: Reason | null = null): Outcome {
  return { applied: false, discount: 0, parts: NO_PARTS, gifts: NO_GIFTS, giftValue: 0, reason: why, hint };
}

/** An applied outcome without detail (see the module comment). */
function appliedAmount(discount: number, giftValue: number): Outcome {
  return { applied: true, discount, parts: NO_PARTS, gifts: NO_GIFTS, giftValue, reason: APPLIED_UNEXPLAINED, hint: null };
}

/**
 * The outcome of a discount. `what` and `parts` are read only in a detailed pass (callers that
 * build them per call pass '' and null otherwise).
 */
function discounted(view: PassView, parts: readonly number[] | null, discount: number, what: string, hint: Reason | null = null): Outcome {
  if (discount === 0) return notApplied(reason('nothing_left'));
  if (!view.detail) return appliedAmount(discount, 0);
  return { applied: true, discount, parts: parts ?? NO_PARTS, gifts: NO_GIFTS, giftValue: 0, reason: reason('applied_amount', { what, discount: formatCents(discount) }), hint };
}

function gifted(gifts: GiftOut[], giftValue: number): Outcome {
  let list = '';
  for (let k = 0; k < gifts.length; k += 1) list += `${k === 0 ? '' : ', '}${gifts[k]!.sku} × ${gifts[k]!.qty}`;
  return { applied: true, discount: 0, parts: NO_PARTS, gifts, giftValue, reason: reason('applied_gift', { gifts: list }), hint: null };
}

// ---- splitting --------------------------------------------------------------------------------

/** Weights and shares of the split in progress (reused: every order-level discount is split). */
let weightBuffer = new Float64Array(64);
let shareBuffer = new Float64Array(64);

function ensureBuffers(count: number): void {
  if (weightBuffer.length >= count) return;
  const size = Math.max(count, 2 * weightBuffer.length);
  weightBuffer = new Float64Array(size);
  shareBuffer = new Float64Array(size);
}

/**
 * Splits `total` (≤ Σ weightBuffer[0 … count)) over the lines `indices[0 … count)` by largest
 * remainder; returns the parts of the lines that receive something.
 */
function splitParts(indices: readonly number[], count: number, total: number): number[] {
  splitLargestRemainderInto(total, weightBuffer, count, shareBuffer);
  let receiving = 0;
  for (let k = 0; k < count; k += 1) if (shareBuffer[k]! > 0) receiving += 1;
  const parts = new Array<number>(2 * receiving); // sized once, rather than grown by push
  let p = 0;
  for (let k = 0; k < count; k += 1) {
    if (shareBuffer[k]! > 0) {
      parts[p] = indices[k]!;
      parts[p + 1] = shareBuffer[k]!;
      p += 2;
    }
  }
  return parts;
}

/*
 * Sorting a handful of line indices: insertion sorts, which for a cart's few dozen lines beat
 * sort() (its comparator calls and work array); larger inputs fall back to sort().
 */

/** Sorts indices[0 … count) ascending, in place. */
function sortAscending(indices: number[], count: number): void {
  if (count > 64) {
    const sorted = indices.slice(0, count).sort((a, b) => a - b);
    for (let k = 0; k < count; k += 1) indices[k] = sorted[k]!;
    return;
  }
  for (let k = 1; k < count; k += 1) {
    const x = indices[k]!;
    let j = k;
    while (j > 0 && indices[j - 1]! > x) {
      indices[j] = indices[j - 1]!;
      j -= 1;
    }
    indices[j] = x;
  }
}

/** A copy of `indices` (ascending) ordered by unit price descending, ties keeping index order. */
function byPriceDescending(indices: readonly number[], lines: readonly LineState[]): number[] {
  const out = indices.slice();
  if (out.length > 64) return out.sort((a, b) => lines[b]!.price4 - lines[a]!.price4 || a - b);
  for (let k = 1; k < out.length; k += 1) {
    const x = out[k]!;
    const price = lines[x]!.price4;
    let j = k;
    while (j > 0 && lines[out[j - 1]!]!.price4 < price) {
      out[j] = out[j - 1]!;
      j -= 1;
    }
    out[j] = x;
  }
  return out;
}

function sumOver(indices: readonly number[], values: readonly number[]): number {
  let sum = 0;
  for (let k = 0; k < indices.length; k += 1) sum += values[indices[k]!]!;
  return sum;
}

function quantityOver(indices: readonly number[], lines: readonly LineState[]): number {
  let sum = 0;
  for (let k = 0; k < indices.length; k += 1) sum += lines[indices[k]!]!.qty;
  return sum;
}

// ---- line-level ---------------------------------------------------------------------------

function lineDiscount(rule: Extract<PromotionRule, { type: 'line_discount' }>): Evaluator {
  const bp = rule.percentOff === undefined ? null : toBasisPoints(rule.percentOff);
  const amount = rule.amountOff === undefined ? 0 : toCents(rule.amountOff);
  const perUnit = rule.per === 'unit';
  const maxQty = rule.maxQty ?? Number.POSITIVE_INFINITY;
  const what = bp !== null ? `${rule.percentOff}% off` : `${rule.amountOff} off per ${rule.per}`;
  return (view) => {
    const { lines, remaining, eligible } = view;
    if (eligible.length === 0) return notApplied(reason('no_eligible_lines'));
    const parts: number[] | null = view.detail ? [] : null;
    let total = 0;
    for (let k = 0; k < eligible.length; k += 1) {
      const i = eligible[k]!;
      const line = lines[i]!;
      const n = Math.min(line.qty, maxQty);
      let d = bp !== null ? mulDivRound(line.price4, n, bp, 1_000_000) : perUnit ? amount * n : amount;
      d = Math.min(d, remaining[i]!);
      if (d > 0) {
        parts?.push(i, d);
        total += d;
      }
    }
    return discounted(view, parts, total, what);
  };
}

function quantityBreak(rule: Extract<PromotionRule, { type: 'quantity_break' }>): Evaluator {
  const breaks = rule.breaks.map((b) => ({ minQty: b.minQty, price4: toPrice4(b.unitPrice) }));
  const first = breaks[0]!.minQty;
  const what = `quantity price from ${first} units`;
  return (view) => {
    const { lines, remaining, eligible } = view;
    if (eligible.length === 0) return notApplied(reason('no_eligible_lines'));
    const parts: number[] | null = view.detail ? [] : null;
    let total = 0;
    let most = 0;
    for (let k = 0; k < eligible.length; k += 1) {
      const i = eligible[k]!;
      const line = lines[i]!;
      most = Math.max(most, line.qty);
      let chosen: (typeof breaks)[number] | undefined;
      for (const b of breaks) if (b.minQty <= line.qty) chosen = b;
      if (!chosen) continue;
      const d = Math.min(Math.max(0, line.gross - mulDivRound(chosen.price4, line.qty, 1, 100)), remaining[i]!);
      if (d > 0) {
        parts?.push(i, d);
        total += d;
      }
    }
    if (most < first) return notApplied(reason('break_not_reached', { most, minQty: first }));
    if (total === 0) return notApplied(reason('price_not_lower'));
    return discounted(view, parts, total, what);
  };
}

function buyXGetY(rule: Extract<PromotionRule, { type: 'buy_x_get_y' }>): Evaluator {
  const maxFree = rule.maxFreeQty ?? Number.POSITIVE_INFINITY;
  return (view) => {
    const { lines, eligible } = view;
    if (eligible.length === 0) return notApplied(reason('no_eligible_lines'));
    const gifts: GiftOut[] | null = view.detail ? [] : null;
    let giftLines = 0;
    let given = 0;
    let value = 0;
    let most = 0;
    let mostSku = '';
    for (let k = 0; k < eligible.length; k += 1) {
      const line = lines[eligible[k]!]!;
      if (line.qty > most) {
        most = line.qty;
        mostSku = line.sku;
      }
      const free = Math.min(Math.floor(line.qty / rule.buy) * rule.get, maxFree - given);
      if (free <= 0) continue;
      gifts?.push({ sku: line.sku, qty: free });
      giftLines += 1;
      given += free;
      value += mulDivRound(line.price4, free, 1, 100);
    }
    if (giftLines === 0) {
      const why = given >= maxFree ? reason('nothing_left') : reason('buy_not_reached', { buy: rule.buy, get: rule.get, most });
      return notApplied(why, most < rule.buy ? reason('buy_more', { more: rule.buy - most, sku: mostSku }) : null);
    }
    return gifts === null ? appliedAmount(0, value) : gifted(gifts, value);
  };
}

function bundle(rule: Extract<PromotionRule, { type: 'bundle' }>): Evaluator {
  const components = rule.components.map((c) => ({ sku: c.sku, qty: c.qty }));
  const need = new Map(components.map((c) => [c.sku, c.qty]));
  const price = toCents(rule.price);
  return (view) => {
    const { lines, remaining, bySku } = view;
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
    // g_i and w_i in SKU order (the split's order).
    sortAscending(indices, indices.length);
    ensureBuffers(indices.length);
    let list = 0;
    let capacity = 0;
    for (let k = 0; k < indices.length; k += 1) {
      const line = lines[indices[k]!]!;
      const g = mulDivRound(line.price4, need.get(line.sku)! * sets, 1, 100);
      const w = Math.min(g, remaining[indices[k]!]!);
      list += g;
      capacity += w;
      weightBuffer[k] = w;
    }
    const d = list - price * sets;
    if (d <= 0) return notApplied(reason('bundle_not_cheaper', { price: formatCents(price * sets), list: formatCents(list) }));
    const total = Math.min(d, capacity);
    if (!view.detail) return discounted(view, null, total, '');
    return discounted(view, splitParts(indices, indices.length, total), total, `${sets} bundle set(s) at ${rule.price}`);
  };
}

function mixMatch(rule: Extract<PromotionRule, { type: 'mix_match' }>): Evaluator {
  const price = rule.price === undefined ? null : toCents(rule.price);
  const bp = rule.percentOff === undefined ? 0 : toBasisPoints(rule.percentOff);
  const maxSets = rule.maxSets ?? Number.POSITIVE_INFINITY;
  return (view) => {
    const { lines, remaining, eligible } = view;
    if (eligible.length === 0) return notApplied(reason('no_eligible_lines'));
    const have = quantityOver(eligible, lines);
    const sets = Math.min(Math.floor(have / rule.quantity), maxSets);
    if (sets === 0) return notApplied(reason('mix_not_reached', { have, need: rule.quantity }), reason('buy_more_items', { more: rule.quantity - (have % rule.quantity) }));
    // Most expensive units first (best for the dealer), ties in SKU order (= index order).
    const taken = byPriceDescending(eligible, lines);
    // Whole lines are taken until the last one, which may give only part of its units.
    let left = sets * rule.quantity;
    let count = 0;
    let last = -1;
    let lastUnits = 0;
    while (count < taken.length && left > 0) {
      last = taken[count]!;
      lastUnits = Math.min(lines[last]!.qty, left);
      left -= lastUnits;
      count += 1;
    }
    // taken[0 … count) are the lines units are taken from.
    if (view.detail) sortAscending(taken, count); // parts and the split go in SKU order

    if (price === null) {
      const parts: number[] | null = view.detail ? [] : null;
      let total = 0;
      for (let k = 0; k < count; k += 1) {
        const i = taken[k]!;
        const t = i === last ? lastUnits : lines[i]!.qty;
        const d = Math.min(mulDivRound(lines[i]!.price4, t, bp, 1_000_000), remaining[i]!);
        if (d > 0) {
          parts?.push(i, d);
          total += d;
        }
      }
      return discounted(view, parts, total, view.detail ? `${rule.percentOff}% off ${sets} set(s) of ${rule.quantity}` : '');
    }
    ensureBuffers(count);
    let list = 0;
    let capacity = 0;
    for (let k = 0; k < count; k += 1) {
      const i = taken[k]!;
      const p = mulDivRound(lines[i]!.price4, i === last ? lastUnits : lines[i]!.qty, 1, 100);
      const w = Math.min(p, remaining[i]!);
      list += p;
      capacity += w;
      weightBuffer[k] = w;
    }
    const d = list - price * sets;
    if (d <= 0) return notApplied(reason('mix_not_cheaper', { price: formatCents(price * sets), list: formatCents(list) }));
    const total = Math.min(d, capacity);
    if (!view.detail) return discounted(view, null, total, '');
    return discounted(view, splitParts(taken, count, total), total, `${sets} set(s) of any ${rule.quantity} at ${rule.price}`);
  };
}

// ---- order-level --------------------------------------------------------------------------

/**
 * The order-level discount `d`, capped by what is left on the eligible lines and split over them.
 * `what` is read only in a detailed pass.
 */
function orderDiscount(view: PassView, d: number, what: string, hint: Reason | null = null): Outcome {
  const { eligible, remaining } = view;
  if (!view.detail) return discounted(view, null, Math.min(d, sumOver(eligible, remaining)), '');
  ensureBuffers(eligible.length);
  let capacity = 0;
  for (let k = 0; k < eligible.length; k += 1) {
    const w = remaining[eligible[k]!]!;
    weightBuffer[k] = w;
    capacity += w;
  }
  const total = Math.min(d, capacity);
  return discounted(view, total === 0 ? null : splitParts(eligible, eligible.length, total), total, what, hint);
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
    return orderDiscount(view, a, view.detail ? `spent ${formatCents(s)} ≥ ${rule.threshold}` : '');
  };
}

function tiered(rule: Extract<PromotionRule, { type: 'tiered' }>): Evaluator {
  const tiers = rule.tiers.map((x) => ({ t: toCents(x.threshold), a: toCents(x.amountOff), amountOff: x.amountOff, threshold: x.threshold }));
  return (view) => {
    const s = subtotal(view);
    let reached = -1;
    for (let k = 0; k < tiers.length; k += 1) if (s >= tiers[k]!.t) reached = k;
    const next = tiers[reached + 1];
    // An applied outcome's hint is reported only from a detailed pass.
    const hint = next && (reached === -1 || view.detail) ? spendMore(s, next.t, next.amountOff) : null;
    if (reached === -1) return notApplied(reason('threshold_not_reached', { subtotal: formatCents(s), threshold: tiers[0]!.threshold }), hint);
    const tier = tiers[reached]!;
    return orderDiscount(view, tier.a, view.detail ? `spent ${formatCents(s)} ≥ ${tier.threshold}` : '', hint);
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
    // An applied outcome's hint is reported only from a detailed pass.
    const hint = view.detail && m * a < cap ? spendMore(s, (m + 1) * every, formatCents(Math.min((m + 1) * a, cap))) : null;
    return orderDiscount(view, d, view.detail ? `${m} × ${rule.amountOff} for every ${rule.every}` : '', hint);
  };
}

function orderPercent(rule: Extract<PromotionRule, { type: 'order_percent' }>): Evaluator {
  const bp = toBasisPoints(rule.percentOff);
  const min = rule.minSubtotal === undefined ? 0 : toCents(rule.minSubtotal);
  return (view) => {
    if (view.eligible.length === 0) return notApplied(reason('no_eligible_lines'));
    const s = subtotal(view);
    if (s === 0) return notApplied(reason('no_eligible_amount'));
    if (s < min) return notApplied(reason('minimum_not_reached', { subtotal: formatCents(s), minimum: rule.minSubtotal! }), spendMore(s, min, `${rule.percentOff}%`));
    return orderDiscount(view, mulDivRound(s, bp, 1, 10_000), view.detail ? `${rule.percentOff}% of ${formatCents(s)} after line discounts` : '');
  };
}

function gift(rule: Extract<PromotionRule, { type: 'gift' }>): Evaluator {
  const min = rule.minSubtotal === undefined ? null : toCents(rule.minSubtotal);
  return (view) => {
    const s = subtotal(view);
    const q = quantityOver(view.eligible, view.lines);
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
    const gifts: GiftOut[] | null = view.detail ? [] : null;
    for (const g of rule.gifts) {
      const price4 = view.gifts.priceOf(g.sku);
      if (price4 === undefined) return notApplied(reason('gift_not_orderable', { sku: g.sku }));
      gifts?.push({ sku: g.sku, qty: g.qty * sets });
      if (price4 !== null) value += mulDivRound(price4, g.qty * sets, 1, 100);
    }
    return gifts === null ? appliedAmount(0, value) : gifted(gifts, value);
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
