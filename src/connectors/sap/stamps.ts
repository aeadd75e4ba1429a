/**
 * Change stamps of SAP entities. A_Product has one Edm.DateTimeOffset (LastChangeDateTime);
 * A_BusinessPartner has a date and a time field (LastChangeDate + LastChangeTime), empty until
 * the first change, so CreationDate + CreationTime stand in for never-changed partners.
 * The effective stamp is epoch ms; filters are "≥ stamp" (see shared/high-water.ts).
 */
import type { SourceRecord } from '../contract.js';
import { andOf, DAY_MS, dateTimeLiteral, dateTimeOffsetLiteral, orOf, sapDateMs, sapTimeMs, timeLiteral } from './odata.js';

export type StampPart = { kind: 'datetimeoffset'; field: string } | { kind: 'datetime'; date: string; time?: string };

export interface StampSpec {
  primary: StampPart;
  /** Used when the primary date is empty (never changed). */
  fallback?: StampPart;
}

function partMs(record: SourceRecord, part: StampPart): number | undefined {
  if (part.kind === 'datetimeoffset') return sapDateMs(record[part.field]);
  const day = sapDateMs(record[part.date]);
  if (day === undefined) return undefined;
  return day + (part.time ? (sapTimeMs(record[part.time]) ?? 0) : 0);
}

/** The record's effective change stamp in epoch ms, if it has one. */
export function recordStampMs(record: SourceRecord, spec: StampSpec): number | undefined {
  return partMs(record, spec.primary) ?? (spec.fallback ? partMs(record, spec.fallback) : undefined);
}

function partGe(part: StampPart, ms: number): string {
  if (part.kind === 'datetimeoffset') return `${part.field} ge ${dateTimeOffsetLiteral(ms)}`;
  const day = Math.floor(ms / DAY_MS) * DAY_MS;
  if (!part.time) return `${part.date} ge ${dateTimeLiteral(day)}`;
  const sameDay = `${part.date} eq ${dateTimeLiteral(day)} and ${part.time} ge ${timeLiteral(ms - day)}`;
  return `(${part.date} gt ${dateTimeLiteral(day)} or (${sameDay}))`;
}

const primaryField = (part: StampPart) => (part.kind === 'datetimeoffset' ? part.field : part.date);

/** `$filter` for records whose effective stamp is ≥ `ms`. */
export function stampFilter(spec: StampSpec, ms: number): string {
  const parts = [partGe(spec.primary, ms)];
  if (spec.fallback) parts.push(`(${andOf([`${primaryField(spec.primary)} eq null`, partGe(spec.fallback, ms)])})`);
  return orOf(parts)!;
}

/** `$orderby` fields for the stamp (primary first), before the key tie-breaker. */
export function stampOrderBy(spec: StampSpec): string[] {
  const p = spec.primary;
  return p.kind === 'datetimeoffset' ? [p.field] : [p.date, ...(p.time ? [p.time] : [])];
}
