/**
 * The PO1 fast path of the 850 decoder: reads a PO1 line straight from the interchange text by
 * character codes, without splitting the segment into an array of element strings that die at once
 * (100,000 lines in a 10 MB file). It handles the common shape only — ASCII elements with nothing
 * for `trim` to remove, an unsigned integer quantity, an unsigned plain decimal price — and returns
 * null for anything else, so the generic decoder (with its warnings and errors) decides those; both
 * give the same line for what the fast path accepts.
 */
import type { ItemRef, PurchaseOrderLine } from '../types.js';
import { internSlice } from './segment.js';

const MAX_ELEMENTS = 64;
/** Element m of the current segment is text[at[m], at[m + 1] - 1). */
const at = new Int32Array(MAX_ELEMENTS + 2);
const items: ItemRef[] = [];

/** Neither blank nor non-ASCII: `trim` would leave an element starting and ending so unchanged. */
const plain = (c: number) => c > 32 && c < 127;

/** Element m is empty, or starts and ends with a plain character. */
function untrimmed(text: string, m: number): boolean {
  const s = at[m]!;
  const e = at[m + 1]! - 1;
  return s === e || (plain(text.charCodeAt(s)) && plain(text.charCodeAt(e - 1)));
}

/** The PO1 at text[start, end) (tag included) as a line, or null: let the generic decoder do it. */
export function fastPo1(text: string, start: number, end: number, sep: number): PurchaseOrderLine | null {
  let n = 0;
  at[0] = start;
  for (let p = start; p < end; p++) {
    if (text.charCodeAt(p) === sep) {
      if (++n > MAX_ELEMENTS) return null;
      at[n] = p + 1;
    }
  }
  at[n + 1] = end + 1;
  const count = n + 1;
  if (count < 3) return null;

  // PO101 line number: present (else the generic path numbers it and warns).
  if (at[2]! - 1 === at[1] || !untrimmed(text, 1)) return null;
  const lineNo = internSlice(text, at[1]!, at[2]! - 1);

  // PO102 quantity: 1–9 digits (exact as a number; signs, decimals and blanks go the generic way).
  const qs = at[2]!;
  const qe = at[3]! - 1;
  if (qe === qs || qe - qs > 9) return null;
  let qty = 0;
  for (let p = qs; p < qe; p++) {
    const d = text.charCodeAt(p) - 48;
    if (d < 0 || d > 9) return null;
    qty = qty * 10 + d;
  }

  // PO103 unit, PO104 price (digits with at most one point, not leading).
  let unit: string | null = null;
  if (count > 3) {
    if (!untrimmed(text, 3)) return null;
    unit = at[4]! - 1 > at[3]! ? internSlice(text, at[3]!, at[4]! - 1) : null;
  }
  let unitPrice: string | null = null;
  if (count > 4 && at[5]! - 1 > at[4]!) {
    const ps = at[4]!;
    const pe = at[5]! - 1;
    let dot = false;
    for (let p = ps; p < pe; p++) {
      const c = text.charCodeAt(p);
      if (c === 46 && !dot && p > ps) dot = true;
      else if (c < 48 || c > 57) return null;
    }
    unitPrice = text.slice(ps, pe);
  }

  // PO106/07, 08/09 …: qualifier and id pairs, both present.
  items.length = 0;
  for (let m = 6; m + 1 < count; m += 2) {
    if (!untrimmed(text, m) || !untrimmed(text, m + 1)) return null;
    const qs2 = at[m]!;
    const ids = at[m + 1]!;
    const ide = at[m + 2]! - 1;
    if (ids - 1 > qs2 && ide > ids) items.push({ qualifier: internSlice(text, qs2, ids - 1), id: text.slice(ids, ide) });
  }
  return { lineNo, items: sized(), qty, unit, unitPrice, requestedDate: null };
}

/**
 * The scratch items as an array of their own size: a pushed-to array keeps room for 16, and every
 * line is kept until the order is stored. Literals for the usual one or two ids.
 */
function sized(): ItemRef[] {
  switch (items.length) {
    case 0:
      return [];
    case 1:
      return [items[0]!];
    case 2:
      return [items[0]!, items[1]!];
    default:
      return items.slice();
  }
}
