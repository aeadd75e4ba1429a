/**
 * Findings and runs as stored (migration 0008): the kinds, recording one finding, the run row's
 * life cycle, and settling findings whose replay has been delivered meanwhile.
 */
import type { Queryable } from '../core/db/index.js';

export const FINDING_KINDS = ['missing_in_erp', 'not_delivered', 'unknown_in_erp', 'number_mismatch', 'stock_drift', 'credit_drift'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** Kinds a replay of the order's create row can fix. */
export const REPLAYABLE_KINDS: ReadonlySet<FindingKind> = new Set(['missing_in_erp', 'not_delivered']);

export interface NewFinding {
  kind: FindingKind;
  /** Unique per run and kind: a thing two checks both see is recorded once. */
  key: string;
  orderId?: string | null;
  orderNumber?: string | null;
  outboxId?: number | null;
  erpReference?: string | null;
  field?: string | null;
  ours?: string | null;
  theirs?: string | null;
  detail: string;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Records a finding of an order check; false when the run has one for the same thing already. */
export async function addFinding(q: Queryable, runId: number, finding: NewFinding): Promise<boolean> {
  const { rowCount } = await q.query(
    `INSERT INTO reconciliation_findings (run_id, kind, key, order_id, order_number, outbox_id, erp_reference, field, ours, theirs, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (run_id, kind, key) DO NOTHING`,
    [
      runId,
      finding.kind,
      finding.key,
      finding.orderId ?? null,
      finding.orderNumber ?? null,
      finding.outboxId ?? null,
      finding.erpReference ?? null,
      finding.field ?? null,
      finding.ours ?? null,
      finding.theirs ?? null,
      clip(finding.detail, 2000),
    ],
  );
  return rowCount > 0;
}

/** One check's result, as the run's `checks` keep it. */
export interface CheckReport {
  status: 'done' | 'skipped' | 'failed';
  /** Why it was skipped, or the error it failed with. */
  reason?: string;
  /** What it looked at (orders, listed ERP orders, source records …) and what it found. */
  counts?: Record<string, number>;
  /** The first few problems that did not stop it (a lookup that failed, a record that did not map). */
  issues?: string[];
  connector?: string;
  stream?: string;
  entity?: string;
}

export interface RunStart {
  trigger: string;
  windowFrom: Date;
  windowTo: Date;
  erpConnector: string | null;
  settings: unknown;
}

export async function startRun(q: Queryable, run: RunStart): Promise<number> {
  const { rows } = await q.query<{ id: number }>(
    `INSERT INTO reconciliation_runs (trigger, status, window_from, window_to, erp_connector, settings) VALUES ($1, 'running', $2, $3, $4, $5::jsonb) RETURNING id`,
    [run.trigger, run.windowFrom, run.windowTo, run.erpConnector, JSON.stringify(run.settings)],
  );
  return rows[0]!.id;
}

/** Keeps the checks so far on the run, so GET /admin/reconciliation shows a long run's progress. */
export async function saveChecks(q: Queryable, runId: number, checks: Record<string, unknown>): Promise<void> {
  await q.query(`UPDATE reconciliation_runs SET checks = $2::jsonb WHERE id = $1`, [runId, JSON.stringify(checks)]);
}

/** Findings per kind of one run. */
export async function countFindings(q: Queryable, runId: number): Promise<Record<FindingKind, number>> {
  const { rows } = await q.query<{ kind: FindingKind; n: number }>(`SELECT kind, count(*)::int AS n FROM reconciliation_findings WHERE run_id = $1 GROUP BY kind`, [runId]);
  const counts = Object.fromEntries(FINDING_KINDS.map((kind) => [kind, 0])) as Record<FindingKind, number>;
  for (const row of rows) counts[row.kind] = row.n;
  return counts;
}

export async function finishRun(
  q: Queryable,
  runId: number,
  outcome: { status: 'succeeded' | 'failed'; checks: Record<string, unknown>; counts: Record<string, unknown>; error: string | null },
): Promise<void> {
  await q.query(`UPDATE reconciliation_runs SET status = $2, finished_at = now(), checks = $3::jsonb, counts = $4::jsonb, error = $5 WHERE id = $1`, [
    runId,
    outcome.status,
    JSON.stringify(outcome.checks),
    JSON.stringify(outcome.counts),
    outcome.error === null ? null : clip(outcome.error, 2000),
  ]);
}

/** Runs left `running` by a worker that stopped; called while holding the run lock, so none of them is live. */
export async function failAbandonedRuns(q: Queryable): Promise<number> {
  const { rowCount } = await q.query(
    `UPDATE reconciliation_runs SET status = 'failed', finished_at = now(), error = 'interrupted: the worker stopped during the run' WHERE status = 'running'`,
  );
  return rowCount;
}

/**
 * Findings replayed from (POST …/findings/:id/replay) whose outbox row has been delivered since
 * are resolved, with the delivery's summary. Cheap (a partial index on unresolved replays);
 * run before findings are read and at the start of every run.
 */
export async function settleReplays(q: Queryable): Promise<number> {
  const { rowCount } = await q.query(
    `UPDATE reconciliation_findings f
        SET resolved = true, resolved_at = o.delivered_at, resolved_by = f.replayed_by,
            resolution = left('replayed; outbox #' || o.id || ' delivered' || coalesce(': ' || o.response, ''), 2000)
       FROM outbox o
      WHERE f.replay_outbox_id = o.id AND f.replay_outbox_id IS NOT NULL AND NOT f.resolved
        AND o.status = 'delivered' AND o.delivered_at >= f.replayed_at`,
  );
  return rowCount;
}
