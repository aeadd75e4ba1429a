/** Runs and findings as the admin API shows them. */
import type { Queryable } from '../core/db/index.js';
import type { FindingKind } from './findings.js';

export interface RunSummary {
  id: number;
  trigger: string;
  status: 'running' | 'succeeded' | 'failed';
  windowFrom: Date;
  windowTo: Date;
  erpConnector: string | null;
  settings: unknown;
  checks: unknown;
  counts: Record<string, unknown>;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

export interface Finding {
  id: number;
  runId: number;
  kind: FindingKind;
  orderId: string | null;
  orderNumber: string | null;
  outboxId: number | null;
  erpReference: string | null;
  sku: string | null;
  warehouseCode: string | null;
  lot: string | null;
  dealerCode: string | null;
  field: string | null;
  ours: string | null;
  theirs: string | null;
  detail: string;
  resolved: boolean;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: string | null;
  replayOutboxId: number | null;
  replayedAt: Date | null;
  replayedBy: string | null;
  /** Status of the replayed outbox row (pending … delivered), while there is one. */
  replayStatus: string | null;
  createdAt: Date;
}

const RUN_COLUMNS = `r.id, r.trigger, r.status, r.window_from AS "windowFrom", r.window_to AS "windowTo", r.erp_connector AS "erpConnector", r.settings,
  r.checks, r.counts, r.started_at AS "startedAt", r.finished_at AS "finishedAt", r.error`;

const FINDING_COLUMNS = `f.id, f.run_id AS "runId", f.kind, f.order_id AS "orderId", f.order_number AS "orderNumber", f.outbox_id AS "outboxId",
  f.erp_reference AS "erpReference", f.sku, f.warehouse_code AS "warehouseCode", f.lot, f.dealer_code AS "dealerCode", f.field, f.ours, f.theirs,
  f.detail, f.resolved, f.resolved_at AS "resolvedAt", f.resolved_by AS "resolvedBy", f.resolution, f.replay_outbox_id AS "replayOutboxId",
  f.replayed_at AS "replayedAt", f.replayed_by AS "replayedBy", (SELECT o.status FROM outbox o WHERE o.id = f.replay_outbox_id) AS "replayStatus",
  f.created_at AS "createdAt"`;

/** One run; without an id the latest. */
export async function getRun(q: Queryable, id?: number): Promise<RunSummary | null> {
  const { rows } = await q.query<RunSummary>(
    `SELECT ${RUN_COLUMNS} FROM reconciliation_runs r WHERE ($1::bigint IS NULL OR r.id = $1) ORDER BY r.id DESC LIMIT 1`,
    [id ?? null],
  );
  return rows[0] ?? null;
}

export async function listRuns(q: Queryable, filter: { cursor?: number | undefined; limit: number }): Promise<{ items: RunSummary[]; nextCursor: string | null }> {
  const { rows } = await q.query<RunSummary>(
    `SELECT ${RUN_COLUMNS} FROM reconciliation_runs r WHERE ($1::bigint IS NULL OR r.id < $1) ORDER BY r.id DESC LIMIT $2`,
    [filter.cursor ?? null, filter.limit + 1],
  );
  const more = rows.length > filter.limit;
  const items = rows.slice(0, filter.limit);
  return { items, nextCursor: more ? String(items.at(-1)!.id) : null };
}

export interface FindingFilter {
  runId: number;
  kind?: FindingKind | undefined;
  resolved?: boolean | undefined;
  /** Keyset: the id of the last finding of the previous page. */
  cursor?: number | undefined;
  limit: number;
}

/** Findings of one run in the order they were found. */
export async function listFindings(q: Queryable, filter: FindingFilter): Promise<{ items: Finding[]; nextCursor: string | null }> {
  const { rows } = await q.query<Finding>(
    `SELECT ${FINDING_COLUMNS} FROM reconciliation_findings f
      WHERE f.run_id = $1 AND ($2::text IS NULL OR f.kind = $2) AND ($3::boolean IS NULL OR f.resolved = $3) AND ($4::bigint IS NULL OR f.id > $4)
      ORDER BY f.id LIMIT $5`,
    [filter.runId, filter.kind ?? null, filter.resolved ?? null, filter.cursor ?? null, filter.limit + 1],
  );
  const more = rows.length > filter.limit;
  const items = rows.slice(0, filter.limit);
  return { items, nextCursor: more ? String(items.at(-1)!.id) : null };
}

export async function getFinding(q: Queryable, id: number): Promise<Finding | null> {
  const { rows } = await q.query<Finding>(`SELECT ${FINDING_COLUMNS} FROM reconciliation_findings f WHERE f.id = $1`, [id]);
  return rows[0] ?? null;
}
