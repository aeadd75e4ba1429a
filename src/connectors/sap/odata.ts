/**
 * OData v2 as SAP Gateway speaks it: the `{ d: { results, __next } }` JSON envelope, `/Date(ms)/`
 * and `PT13H20M05S` values, typed literals for `$filter`, and query strings with readable `$`.
 */
import { UpstreamRejectedError } from '../../core/errors.js';
import type { SourceRecord } from '../contract.js';

export interface ODataPage {
  results: SourceRecord[];
  /** Server-driven paging link (`$skiptoken`), when the server cut the result. */
  next?: string;
}

export function readEnvelope(data: unknown, where: string): ODataPage {
  const d = data && typeof data === 'object' ? (data as { d?: unknown }).d : undefined;
  const results = Array.isArray(d) ? d : d && typeof d === 'object' ? (d as { results?: unknown }).results : undefined;
  if (!Array.isArray(results)) {
    const shape = typeof data === 'string' ? `text starting "${data.slice(0, 40)}"` : JSON.stringify(data)?.slice(0, 80);
    throw new UpstreamRejectedError(`${where}: expected an OData v2 JSON envelope { d: { results } }, got ${shape}`);
  }
  const next = d && typeof d === 'object' && !Array.isArray(d) ? (d as { __next?: unknown }).__next : undefined;
  return { results: results.map(stripMetadata), next: typeof next === 'string' && next ? next : undefined };
}

/** Drops `__metadata` and `__deferred` navigation stubs; expanded navigation stays. */
function stripMetadata(value: unknown): SourceRecord {
  const record: SourceRecord = {};
  for (const [key, field] of Object.entries(value as SourceRecord)) {
    if (key === '__metadata') continue;
    if (field && typeof field === 'object' && '__deferred' in field) continue;
    if (field && typeof field === 'object' && !Array.isArray(field)) {
      const results = (field as { results?: unknown }).results;
      record[key] = Array.isArray(results) ? { results: results.map(stripMetadata) } : stripMetadata(field);
    } else record[key] = field;
  }
  return record;
}

const SAP_DATE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

/** `/Date(1606348800000)/`, `/Date(1606348800000+0000)/` or ISO text → epoch ms. */
export function sapDateMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  const match = SAP_DATE.exec(value);
  if (match) return Number(match[1]); // the ms are UTC; the offset only says where it was local
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** Edm.Time `PT13H20M05S` → ms since midnight. */
export function sapTimeMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(value);
  if (!match) return undefined;
  return (Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0)) * 1000;
}

export const DAY_MS = 86_400_000;

export function stringLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Edm.DateTime literal (no zone; SAP sends dates as UTC midnight). */
export function dateTimeLiteral(ms: number): string {
  return `datetime'${new Date(ms).toISOString().slice(0, 19)}'`;
}

export function dateTimeOffsetLiteral(ms: number): string {
  return `datetimeoffset'${new Date(ms).toISOString()}'`;
}

export function timeLiteral(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `time'PT${pad(Math.floor(s / 3600))}H${pad(Math.floor((s % 3600) / 60))}M${pad(s % 60)}S'`;
}

/** `a eq 1 or b eq 2` from parts; undefined when nothing is given. */
export function orOf(parts: readonly string[]): string | undefined {
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : `(${parts.join(' or ')})`;
}

export function andOf(parts: ReadonlyArray<string | undefined>): string | undefined {
  const present = parts.filter((part): part is string => Boolean(part));
  return present.length === 0 ? undefined : present.join(' and ');
}

/** Query string with percent-encoded values but `$` kept readable (`$filter=...`). */
export function queryString(params: Record<string, string | number | undefined>): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([name, value]) => `${encodeURIComponent(name).replaceAll('%24', '$')}=${encodeURIComponent(String(value))}`)
    .join('&');
}
