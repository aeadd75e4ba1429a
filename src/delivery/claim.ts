/**
 * Claiming outbox rows. The relay claims due rows in one statement (FOR UPDATE SKIP LOCKED, so
 * relays in several replicas never claim the same row) and gives each claim a lease: the row is
 * `in_flight` with next_attempt_at = claim time + lease, and becomes due again only when the
 * lease runs out without an outcome (the worker died). Per aggregate, a row is due only when no
 * earlier row of the same aggregate and target is still pending or in flight: a cancel never
 * overtakes its create. (Dead and rejected rows do not hold later ones back; see README.)
 */
import type { Queryable, Store } from '../core/db/index.js';

export interface Claim {
  id: number;
  /** The claim's number (outbox.claims after it): names its deliver job and proves ownership. */
  claim: number;
  event: string;
  target: string;
  number: string | null;
}

export interface ClaimSettings {
  targets: readonly string[];
  batchSize: number;
  leaseMs: number;
  attempts: number;
}

/**
 * Rows whose last attempt started but never reported back within its lease are dead (the worker
 * stopped or hung on it every time); then up to batchSize due rows are claimed. One transaction.
 */
export async function claimDue(store: Store, settings: ClaimSettings): Promise<{ claimed: Claim[]; expired: number }> {
  if (settings.targets.length === 0) return { claimed: [], expired: 0 };
  return store.tx(async (q) => {
    const expired = await q.query(
      `UPDATE outbox SET status = 'dead',
              last_error = format('attempt %s/%s: no outcome within the %s ms lease (the worker stopped or hung)', attempts, $2::int, $3::int)
        WHERE status = 'in_flight' AND next_attempt_at <= now() AND attempts >= $2 AND target = ANY($1::text[])`,
      [settings.targets, settings.attempts, settings.leaseMs],
    );
    const { rows } = await q.query<Claim>(
      `WITH due AS (
         SELECT o.id FROM outbox o
          WHERE o.status IN ('pending', 'in_flight') AND o.next_attempt_at <= now() AND o.target = ANY($1::text[])
            AND NOT EXISTS (SELECT 1 FROM outbox e
                             WHERE e.aggregate_type = o.aggregate_type AND e.aggregate_id = o.aggregate_id AND e.target = o.target
                               AND e.id < o.id AND e.status IN ('pending', 'in_flight'))
          ORDER BY o.next_attempt_at, o.id
          LIMIT $2
          FOR UPDATE OF o SKIP LOCKED)
       UPDATE outbox o
          SET status = 'in_flight', claims = o.claims + 1, next_attempt_at = now() + $3 * interval '1 millisecond'
         FROM due WHERE o.id = due.id
       RETURNING o.id, o.claims AS claim, o.event, o.target, o.payload->>'number' AS number`,
      [settings.targets, settings.batchSize, settings.leaseMs],
    );
    return { claimed: rows.sort((a, b) => a.id - b.id), expired: expired.rowCount };
  });
}

export interface OwnedRow {
  id: number;
  claim: number;
  event: string;
  target: string;
  aggregateId: string;
  payload: unknown;
  /** Attempts so far, this one included. */
  attempts: number;
}

/**
 * The deliver job's first step: the row is still in flight under this claim (a later claim or a
 * replay has not taken it); the attempt is counted and the lease starts again from now, as the
 * attempt starts now. (Attempts count attempts that started, so a claim whose job waited in the
 * queue past its lease and was claimed again costs none.) Null when the claim was superseded.
 */
export async function takeClaim(q: Queryable, id: number, claim: number, leaseMs: number): Promise<OwnedRow | null> {
  const { rows } = await q.query<OwnedRow>(
    `UPDATE outbox SET attempts = attempts + 1, last_attempt_at = now(), next_attempt_at = now() + $3 * interval '1 millisecond'
      WHERE id = $1 AND claims = $2 AND status = 'in_flight'
      RETURNING id, claims AS claim, event, target, aggregate_id AS "aggregateId", payload, attempts`,
    [id, claim, leaseMs],
  );
  return rows[0] ?? null;
}

/** The deliver job of a claim: one per claim, so enqueueing a claim twice is a no-op. */
export function deliverJobId(id: number, claim: number): string {
  return `outbox:${id}:${claim}`;
}
