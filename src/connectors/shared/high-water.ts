/**
 * Incremental reads use "≥ with dedupe": ask the source for records changed at or after the
 * mark, and drop the ones already delivered at exactly the mark (their keys travel in the
 * cursor). Unlike "strictly after (stamp, key)" this neither loses a record committed later in
 * the same tick with a lower key, nor re-reads forever when the source keeps more precision
 * than it returns (SAP DateTimeOffset: 100 ns stored, ms in JSON).
 */
import type { Cursor } from '../contract.js';

export interface Mark {
  /** The stamp: an ISO date-time, a date, or a number, as text. */
  at: string;
  /** Keys of the records delivered with exactly this stamp. */
  keys: string[];
}

/** Numbers numerically, dates chronologically, anything else as text. */
export function compareStamps(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  const da = Date.parse(a);
  const db = Date.parse(b);
  if (!Number.isNaN(da) && !Number.isNaN(db)) return da - db;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function markToCursor(mark: Mark | null): Cursor {
  return mark ? { at: mark.at, keys: [...mark.keys] } : null;
}

export function markFromCursor(value: unknown): Mark | null {
  if (!value || typeof value !== 'object') return null;
  const { at, keys } = value as { at?: unknown; keys?: unknown };
  if (typeof at !== 'string') return null;
  return { at, keys: Array.isArray(keys) ? keys.map(String) : [] };
}

export class HighWater {
  private readonly fromKeys: ReadonlySet<string>;
  private max: { at: string; keys: Set<string> } | null;

  /** `from`: the mark this run reads from; `running`: the maximum seen so far in this run (resume). */
  constructor(
    private readonly from: Mark | null,
    running: Mark | null = from,
    private readonly compare: (a: string, b: string) => number = compareStamps,
  ) {
    this.fromKeys = new Set(from?.keys ?? []);
    const start = running ?? from;
    this.max = start ? { at: start.at, keys: new Set(start.keys) } : null;
  }

  /** True when a previous run already delivered this record at the mark. */
  alreadyRead(stamp: string | undefined, key: string): boolean {
    return this.from !== null && stamp !== undefined && this.compare(stamp, this.from.at) === 0 && this.fromKeys.has(key);
  }

  observe(stamp: string | undefined, key: string): void {
    if (stamp === undefined) return;
    const order = this.max ? this.compare(stamp, this.max.at) : 1;
    if (order > 0) this.max = { at: stamp, keys: new Set([key]) };
    else if (order === 0) this.max!.keys.add(key);
  }

  get mark(): Mark | null {
    return this.max ? { at: this.max.at, keys: [...this.max.keys] } : null;
  }
}
