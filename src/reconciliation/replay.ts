/**
 * One-click replay of a finding: the order's create row (order.approved) is sent again through
 * the delivery module's audited replay (src/delivery/replay.ts), so the relay delivers it as any
 * replayed row — find first, then create — and the finding is resolved once that row is
 * delivered (settleReplays).
 *
 *   missing_in_erp  the create row is `delivered`, yet the ERP has no order: the row is marked
 *                   dead with the finding as its error, then replayed. Both in one transaction
 *                   with the finding's update, so the audit (outbox_replays) shows why.
 *   not_delivered   the create row is dead or rejected: replayed as it is.
 *
 * Replay only re-opens a row: what the ERP gets is decided when the row is delivered again
 * (a create only while the order is approved, released or confirmed; see src/delivery).
 */
import type { Queryable, Store } from '../core/db/index.js';
import { ConflictError, NotFoundError } from '../core/errors.js';
import { replayOutbox } from '../delivery/replay.js';
import type { OutboxDetail } from '../delivery/queries.js';
import type { OrderingSettings } from '../orders/evaluate.js';
import { REPLAYABLE_KINDS, settleReplays, type FindingKind } from './findings.js';
import { getFinding, type Finding } from './queries.js';
import { ERP_OUTBOX_TARGET } from './reconcile.js';

export interface FindingAction {
  id: number;
  /** `admin:<token label>`. */
  actor: string;
  comment?: string | undefined;
}

interface LockedFinding {
  id: number;
  run_id: number;
  kind: FindingKind;
  order_id: string | null;
  order_number: string | null;
  resolved: boolean;
  replay_outbox_id: number | null;
  detail: string;
}

async function lockFinding(q: Queryable, id: number): Promise<LockedFinding> {
  const { rows } = await q.query<LockedFinding>(
    `SELECT id, run_id, kind, order_id, order_number, resolved, replay_outbox_id, detail FROM reconciliation_findings WHERE id = $1 FOR UPDATE`,
    [id],
  );
  const finding = rows[0];
  if (!finding) throw new NotFoundError(`no reconciliation finding ${id}`);
  return finding;
}

/**
 * The delivery module's replay runs inside our transaction: a Store whose transactions are
 * the one already open (statements of a nested tx are simply part of it).
 */
function inTransaction(store: Store, q: Queryable): Store {
  return {
    driver: store.driver,
    query: (sql, params) => q.query(sql, params),
    tx: (work) => work(q),
    session: (work) => work(q),
    ping: (timeoutMs) => store.ping(timeoutMs),
    close: async () => {},
  };
}

export async function replayFinding(store: Store, action: FindingAction, ordering: OrderingSettings, now: Date): Promise<{ finding: Finding; outbox: OutboxDetail }> {
  const outbox = await store.tx(async (q) => {
    // A replay delivered since is resolved first, so a second click does not send the order again.
    await settleReplays(q);
    const finding = await lockFinding(q, action.id);
    const label = `reconciliation finding #${finding.id} (${finding.kind}${finding.order_number ? ` of order ${finding.order_number}` : ''}, run #${finding.run_id})`;
    if (!REPLAYABLE_KINDS.has(finding.kind)) {
      throw new ConflictError(`${label} cannot be replayed: only missing_in_erp and not_delivered findings send an order again`, { code: 'not_replayable', kind: finding.kind });
    }
    if (finding.resolved) throw new ConflictError(`${label} is resolved already`, { code: 'resolved' });
    if (finding.order_id === null) throw new ConflictError(`${label}: its order no longer exists`, { code: 'no_order' });
    const { rows } = await q.query<{ id: number; status: string }>(
      `SELECT id, status FROM outbox
        WHERE aggregate_type = 'order' AND aggregate_id = $1 AND event = 'order.approved' AND target = $2
        ORDER BY id DESC LIMIT 1 FOR UPDATE`,
      [finding.order_id, ERP_OUTBOX_TARGET],
    );
    const row = rows[0];
    if (!row) throw new ConflictError(`${label}: the order has no create row (order.approved) to replay`, { code: 'no_outbox_row' });
    if (row.status === 'pending' || row.status === 'in_flight') {
      throw new ConflictError(`${label}: outbox #${row.id} is ${row.status} already; it is being delivered`, { code: 'in_delivery', outboxId: row.id, status: row.status });
    }
    if (row.status === 'delivered') {
      if (finding.kind !== 'missing_in_erp') {
        throw new ConflictError(`${label}: outbox #${row.id} has been delivered since the run; run the reconciliation again`, { code: 'delivered', outboxId: row.id });
      }
      await q.query(`UPDATE outbox SET status = 'dead', last_error = $2 WHERE id = $1 AND status = 'delivered'`, [
        row.id,
        `${label}: delivered before, but the ERP has no order for it; sent again`,
      ]);
    }
    const comment = `${label}${action.comment ? `: ${action.comment}` : ''}`;
    const replayed = await replayOutbox(inTransaction(store, q), { id: row.id, actor: action.actor, comment }, ordering, now);
    await q.query(`UPDATE reconciliation_findings SET replay_outbox_id = $2, replayed_at = now(), replayed_by = $3 WHERE id = $1`, [finding.id, row.id, action.actor]);
    return replayed;
  });
  return { finding: (await getFinding(store, action.id))!, outbox };
}

/** Marks a finding resolved by hand (checked in the ERP, corrected there, or accepted). */
export async function resolveFinding(store: Store, action: FindingAction): Promise<Finding> {
  await store.tx(async (q) => {
    const finding = await lockFinding(q, action.id);
    if (finding.resolved) throw new ConflictError(`reconciliation finding #${finding.id} is resolved already`, { code: 'resolved' });
    await q.query(`UPDATE reconciliation_findings SET resolved = true, resolved_at = now(), resolved_by = $2, resolution = $3 WHERE id = $1`, [
      finding.id,
      action.actor,
      action.comment ? `resolved by hand: ${action.comment}` : 'resolved by hand',
    ]);
  });
  return (await getFinding(store, action.id))!;
}
