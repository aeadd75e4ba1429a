/** Small helpers both flavors share: deterministic message ids, exact prices, code maps, short texts. */
import { createHash } from 'node:crypto';
import { Decimal } from 'decimal.js';

/**
 * A name-based UUID (RFC 9562 version 5 layout over SHA-1): the same order and step always give
 * the same id, so a repeated request is recognisably the same message (ByD's idempotent
 * MaintainBundle keys on BasicMessageHeader/UUID).
 */
export function stableUuid(name: string): string {
  const bytes = createHash('sha1').update(`dealer-hub:${name}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A line amount as a rate the ERP multiplies back exactly: per one unit when `amount / qty` is
 * exact to 6 decimals ("30.00" for 3 → 10 per 1), else the whole amount per `qty` units
 * ("100.00" for 3 → 100.00 per 3), so the booked amount is ours to the cent either way.
 * `maxPer` caps the per-quantity (BAPICOND-COND_P_UNT has 5 digits); beyond it the unit rate is rounded to 9 places.
 */
export function priceRate(amount: string, qty: number, maxPer = Number.MAX_SAFE_INTEGER): { rate: string; per: string } {
  const total = new Decimal(amount);
  if (!(qty > 0)) return { rate: total.toFixed(), per: '1' };
  const unit = total.div(qty);
  if (unit.decimalPlaces() <= 6 && unit.mul(qty).eq(total)) return { rate: unit.toFixed(), per: '1' };
  if (qty <= maxPer) return { rate: total.toFixed(), per: String(qty) };
  return { rate: unit.toDecimalPlaces(9).toFixed(), per: '1' };
}

/** A code through its map; codes the map does not name are sent unchanged. */
export const mapCode = (map: Record<string, string>, value: string): string => map[value] ?? value;

/** Trims a summary to the outbox row's limit (≤ 500 characters). */
export function clip(textValue: string, max = 500): string {
  return textValue.length <= max ? textValue : `${textValue.slice(0, max - 1)}…`;
}

/** Drops undefined members so node-soap emits no empty elements (XSD sequences: keys stay in schema order). */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
