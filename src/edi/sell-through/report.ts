/** A sell-through / stock report as read from X12 852 or EDIFACT SLSRPT/INVRPT, before SKUs are resolved. */
import type { EdiPosition, ItemRef } from '../types.js';

export interface ReportRow {
  /** "LIN 2 (segment 14)": where the figure came from, for error messages. */
  ref: string;
  items: ItemRef[];
  store: string;
  date: string | null;
  quantitySold: number | null;
  onHand: number | null;
}

export interface ActivityReport {
  documentType: '852' | 'SLSRPT' | 'INVRPT';
  /** ST02 / UNH 0062. */
  transaction: string;
  /** XQ / BGM document number, or null. */
  reference: string | null;
  position: EdiPosition;
  rows: ReportRow[];
}

/** CCYYMMDD (or CCYYMMDDHHMM…) → YYYY-MM-DD; anything else → null. */
export function compactDate(v: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(v.trim());
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}

/** A count as sent ("12", "12.0", "12,0"); NaN for anything else, so validation names it. */
export function count(v: string): number {
  const t = v.trim().replace(',', '.');
  return /^[+-]?\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
}
