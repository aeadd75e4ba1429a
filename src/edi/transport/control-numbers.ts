/**
 * Our own EDI control numbers, one counter per partner and kind (ISA13, GS06, ST02, UNB 0020,
 * UNH 0062). Taken inside the caller's transaction with one upsert: the counter row stays locked
 * until that transaction ends, so concurrent documents queue for it, a committed number is never
 * handed out again (the counter only grows, and survives restarts), and a rolled-back document
 * gives its number back together with everything else it wrote.
 */
import type { Queryable } from '../../core/db/index.js';

export type ControlKind = 'x12.isa' | 'x12.gs' | 'x12.st' | 'edifact.unb' | 'edifact.unh';

/** ISA13 and GS06 are at most 9 digits; UNB 0020 is 14 characters, kept to the same range. */
const MAX = 999_999_999;

export async function takeControlNumbers<K extends ControlKind>(q: Queryable, partner: string, kinds: readonly K[]): Promise<Record<K, number>> {
  // Sorted, so two transactions taking several counters always lock them in the same order.
  const sorted = [...new Set(kinds)].sort();
  const { rows } = await q.query<{ kind: K; value: string }>(
    `INSERT INTO edi_control_numbers (partner, kind, last_value)
     SELECT $1, k, 1 FROM unnest($2::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n
     ON CONFLICT (partner, kind) DO UPDATE SET last_value = edi_control_numbers.last_value + 1
     RETURNING kind, last_value::text AS value`,
    [partner, sorted],
  );
  const out = {} as Record<K, number>;
  for (const row of rows) {
    const value = Number(row.value);
    if (value > MAX) throw new Error(`EDI control numbers of partner ${partner} (${row.kind}) are used up (> ${MAX}); never reused, so a person must decide`);
    out[row.kind] = value;
  }
  return out;
}
