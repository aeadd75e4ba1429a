/**
 * What the evaluators of rules-line.ts and rules-order.ts share (README §3): the pass state they
 * read, the outcome they return and the helpers that build it, and the split over lines. See
 * rules.ts for the two modes (PassView.detail).
 */
import { formatCents, splitLargestRemainderInto } from './cents.js';
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
export function appliedAmount(discount: number, giftValue: number): Outcome {
  return { applied: true, discount, parts: NO_PARTS, gifts: NO_GIFTS, giftValue, reason: APPLIED_UNEXPLAINED, hint: null };
}

/**
 * The outcome of a discount. `what` and `parts` are read only in a detailed pass (callers that
 * build them per call pass '' and null otherwise).
 */
export function discounted(view: PassView, parts: readonly number[] | null, discount: number, what: string, hint: Reason | null = null): Outcome {
  if (discount === 0) return notApplied(reason('nothing_left'));
  if (!view.detail) return appliedAmount(discount, 0);
  return { applied: true, discount, parts: parts ?? NO_PARTS, gifts: NO_GIFTS, giftValue: 0, reason: reason('applied_amount', { what, discount: formatCents(discount) }), hint };
}

export function gifted(gifts: GiftOut[], giftValue: number): Outcome {
  let list = '';
  for (let k = 0; k < gifts.length; k += 1) list += `${k === 0 ? '' : ', '}${gifts[k]!.sku} × ${gifts[k]!.qty}`;
  return { applied: true, discount: 0, parts: NO_PARTS, gifts, giftValue, reason: reason('applied_gift', { gifts: list }), hint: null };
}

// ---- splitting --------------------------------------------------------------------------------

/** Weights and shares of the split in progress (reused: every order-level discount is split). */
let weightBuffer = new Float64Array(64);
let shareBuffer = new Float64Array(64);

/** The weights of a split over `count` lines, to fill before splitParts(…, count, …). */
export function splitWeights(count: number): Float64Array {
  if (weightBuffer.length < count) {
    const size = Math.max(count, 2 * weightBuffer.length);
    weightBuffer = new Float64Array(size);
    shareBuffer = new Float64Array(size);
  }
  return weightBuffer;
}

/**
 * Splits `total` (≤ Σ splitWeights(count)[0 … count)) over the lines `indices[0 … count)` by largest
 * remainder; returns the parts of the lines that receive something.
 */
export function splitParts(indices: readonly number[], count: number, total: number): number[] {
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
export function sortAscending(indices: number[], count: number): void {
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
export function byPriceDescending(indices: readonly number[], lines: readonly LineState[]): number[] {
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

export function sumOver(indices: readonly number[], values: readonly number[]): number {
  let sum = 0;
  for (let k = 0; k < indices.length; k += 1) sum += values[indices[k]!]!;
  return sum;
}

export function quantityOver(indices: readonly number[], lines: readonly LineState[]): number {
  let sum = 0;
  for (let k = 0; k < indices.length; k += 1) sum += lines[indices[k]!]!.qty;
  return sum;
}
