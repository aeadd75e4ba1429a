/** Reading the outbox: the admin list (keyset-paged, newest first), one row with its replays, and the gauges' snapshot. */
import type { Queryable } from '../core/db/index.js';
import type { OutboxSnapshot } from '../core/http/metrics.js';

export const OUTBOX_STATUSES = ['pending', 'in_flight', 'delivered', 'dead', 'rejected'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export interface OutboxItem {
  id: number;
  event: string;
  aggregateType: string;
  aggregateId: string;
  /** The order number, for order events. */
  orderNumber: string | null;
  target: string;
  status: OutboxStatus;
  attempts: number;
  claims: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastError: string | null;
  externalId: string | null;
  deliveredBy: string | null;
  response: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export interface OutboxDetail extends OutboxItem {
  payload: unknown;
  replays: Array<{ actor: string; at: Date; statusBefore: string; attemptsBefore: number; lastErrorBefore: string | null; payloadBefore: unknown; payloadAfter: unknown; comment: string | null }>;
}

const COLUMNS = `o.id, o.event, o.aggregate_type AS "aggregateType", o.aggregate_id AS "aggregateId", o.payload->>'number' AS "orderNumber",
  o.target, o.status, o.attempts, o.claims, o.next_attempt_at AS "nextAttemptAt", o.last_attempt_at AS "lastAttemptAt", o.last_error AS "lastError",
  o.external_id AS "externalId", o.delivered_by AS "deliveredBy", o.response, o.created_at AS "createdAt", o.delivered_at AS "deliveredAt"`;

export interface OutboxFilter {
  status?: OutboxStatus | undefined;
  target?: string | undefined;
  /** Rows of one order (its id). */
  aggregateId?: string | undefined;
  /** Keyset: the id of the last row of the previous page. */
  cursor?: number | undefined;
  limit: number;
}

export async function listOutbox(q: Queryable, filter: OutboxFilter): Promise<{ items: OutboxItem[]; nextCursor: string | null }> {
  const { rows } = await q.query<OutboxItem>(
    `SELECT ${COLUMNS} FROM outbox o
      WHERE ($1::text IS NULL OR o.status = $1) AND ($2::text IS NULL OR o.target = $2) AND ($3::text IS NULL OR (o.aggregate_type = 'order' AND o.aggregate_id = $3))
        AND ($4::bigint IS NULL OR o.id < $4)
      ORDER BY o.id DESC LIMIT $5`,
    [filter.status ?? null, filter.target ?? null, filter.aggregateId ?? null, filter.cursor ?? null, filter.limit + 1],
  );
  const more = rows.length > filter.limit;
  const items = rows.slice(0, filter.limit);
  return { items, nextCursor: more ? String(items.at(-1)!.id) : null };
}

export async function getOutbox(q: Queryable, id: number): Promise<OutboxDetail | null> {
  const { rows } = await q.query<Omit<OutboxDetail, 'replays'> & { replays: Array<Omit<OutboxDetail['replays'][number], 'at'> & { at: string }> }>(
    `SELECT ${COLUMNS}, o.payload,
            coalesce((SELECT json_agg(json_build_object('actor', r.actor, 'at', r.replayed_at, 'statusBefore', r.status_before, 'attemptsBefore', r.attempts_before,
                                                        'lastErrorBefore', r.last_error_before, 'payloadBefore', r.payload_before, 'payloadAfter', r.payload_after,
                                                        'comment', r.comment) ORDER BY r.id)
                        FROM outbox_replays r WHERE r.outbox_id = o.id), '[]') AS replays
       FROM outbox o WHERE o.id = $1`,
    [id],
  );
  const row = rows[0];
  return row ? { ...row, replays: row.replays.map((r) => ({ ...r, at: new Date(r.at) })) } : null;
}

/** Backlog by target and status, and the oldest undelivered row's age per target (0 for `targets` with none). */
export async function outboxSnapshot(q: Queryable, targets: readonly string[] = []): Promise<OutboxSnapshot> {
  const { rows } = await q.query<{ target: string; status: string; rows: number; oldest: number | null }>(
    `SELECT target, status, count(*)::int AS rows,
            CASE WHEN status IN ('pending', 'in_flight') THEN extract(epoch FROM now() - min(created_at))::float8 END AS oldest
       FROM outbox WHERE status <> 'delivered' GROUP BY target, status`,
  );
  const oldest = new Map<string, number>(targets.map((target) => [target, 0]));
  for (const row of rows) if (row.oldest !== null) oldest.set(row.target, Math.max(oldest.get(row.target) ?? 0, row.oldest));
  return {
    backlog: rows.map(({ target, status, rows: count }) => ({ target, status, rows: count })),
    oldestDueAgeSeconds: [...oldest].map(([target, seconds]) => ({ target, seconds })),
  };
}
