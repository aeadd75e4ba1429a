/**
 * Recording a delivery's outcome: one transaction each, and only while the claim still owns the
 * row (a replay or a later claim after an expired lease wins; the late outcome is dropped, and
 * the target's idempotency covers what it did). The order follows in the same transaction: its
 * ERP number and status (approved → released → confirmed, with the shipment request to the WMS
 * written when one is configured; only approved → released, without an ERP number, while the
 * ERP's answer is provisional — confirm.ts finishes it), `held` with an erp_rejected finding when
 * the ERP refused it, and an event for everything else worth knowing (a WMS's answer is an event
 * only). The confirm job reuses the confirming and holding steps below.
 */
import type { ErpOrderRef } from '../connectors/contract.js';
import type { Queryable, Store } from '../core/db/index.js';
import type { Finding } from '../ordering/types.js';
import { lockOrder, transitionOrder, type LockedOrder } from '../orders/transition.js';
import type { OwnedRow } from './claim.js';
import { announceConfirmation, SHIPMENT_EVENT } from './shipments.js';

export type Outcome =
  /** created: the target made it now; found: it had it already; skipped: nothing to send (see message). */
  | { kind: 'delivered'; how: 'created' | 'found' | 'cancelled' | 'skipped'; ref: ErpOrderRef | null; message: string }
  | { kind: 'rejected'; message: string; targetMessage: string }
  /** The row is dead once its attempts reach `limit` (0: dead now, retrying cannot help), pending again otherwise. */
  | { kind: 'failed'; message: string; delayMs: number; limit: number };

export interface RecordContext {
  row: OwnedRow;
  orderId: string | null;
  connector: string;
  /** Outbox targets told when this outcome confirms the order (`wms` when a WMS is configured; see shipments.ts). */
  confirmationTargets?: readonly string[];
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The final status of the row, or null when the claim no longer owned it (nothing written). */
export async function recordOutcome(store: Store, context: RecordContext, outcome: Outcome): Promise<string | null> {
  return store.tx(async (q) => {
    const status = await updateRow(q, context, outcome);
    if (status === null || context.orderId === null) return status;
    await followOnOrder(q, context, context.orderId, outcome, status);
    return status;
  });
}

async function updateRow(q: Queryable, { row, connector }: RecordContext, outcome: Outcome): Promise<string | null> {
  const owned = `WHERE id = $1 AND claims = $2 AND status = 'in_flight' RETURNING status`;
  let result;
  if (outcome.kind === 'delivered') {
    result = await q.query<{ status: string }>(
      `UPDATE outbox SET status = 'delivered', delivered_at = now(), external_id = $3, response = $4, delivered_by = $5, last_error = NULL ${owned}`,
      [row.id, row.claim, outcome.ref?.erpOrderNo ?? null, clip(outcome.ref?.detail ? `${outcome.message}; ${outcome.ref.detail}` : outcome.message, 500), connector],
    );
  } else if (outcome.kind === 'rejected') {
    result = await q.query<{ status: string }>(
      `UPDATE outbox SET status = 'rejected', last_error = $3, response = $4, delivered_by = $5 ${owned}`,
      [row.id, row.claim, clip(outcome.message, 2000), clip(outcome.targetMessage, 500), connector],
    );
  } else {
    result = await q.query<{ status: string }>(
      `UPDATE outbox SET status = CASE WHEN attempts >= $3 THEN 'dead' ELSE 'pending' END,
              next_attempt_at = now() + $4 * interval '1 millisecond', last_error = $5 ${owned}`,
      [row.id, row.claim, outcome.limit, outcome.delayMs, clip(outcome.message, 2000)],
    );
  }
  return result.rows[0]?.status ?? null;
}

async function addEvent(q: Queryable, orderId: string, type: string, actor: string, message: string, reasons: unknown[] = []): Promise<void> {
  await q.query(`INSERT INTO order_events (order_id, type, actor, reasons, message) VALUES ($1, $2, $3, $4::jsonb, $5)`, [
    orderId,
    type,
    actor,
    JSON.stringify(reasons),
    clip(message, 2000),
  ]);
}

async function followOnOrder(q: Queryable, { row, connector, confirmationTargets = [] }: RecordContext, orderId: string, outcome: Outcome, status: string): Promise<void> {
  const actor = `delivery:${connector}`;
  const exists = await q.query(`SELECT 1 FROM orders WHERE id = $1`, [orderId]);
  if (exists.rows.length === 0) return;
  if (outcome.kind === 'failed') {
    if (status === 'dead') {
      const type = row.event === SHIPMENT_EVENT ? 'wms_delivery_failed' : 'erp_delivery_failed';
      await addEvent(q, orderId, type, actor, `${row.event} to ${connector} failed ${row.attempts} time(s) (outbox #${row.id}); last error: ${outcome.message}`);
    }
    return;
  }
  if (row.event === SHIPMENT_EVENT) {
    // The order stays as it is (confirmed): the WMS's answer is an event, its id on the outbox row.
    if (outcome.kind === 'rejected') await addEvent(q, orderId, 'wms_rejected', actor, `${connector} refused the shipment request (outbox #${row.id}): ${outcome.targetMessage}`);
    else if (!outcome.ref) await addEvent(q, orderId, 'wms_not_sent', actor, outcome.message);
    else await addEvent(q, orderId, outcome.how === 'found' ? 'wms_shipment_found' : 'wms_shipment_requested', actor, `${outcome.message} (outbox #${row.id})`);
    return;
  }
  if (row.event === 'order.cancelled') {
    const type = outcome.kind === 'rejected' ? 'erp_cancel_rejected' : 'erp_cancelled';
    await addEvent(q, orderId, type, actor, outcome.kind === 'rejected' ? outcome.targetMessage : outcome.message);
    return;
  }
  if (row.event !== 'order.approved') return;
  const order = await lockOrder(q, orderId, null);
  if (outcome.kind === 'rejected') {
    await holdRejected(q, order, erpRejectedFinding({ outboxId: row.id, target: row.target, connector }, outcome.targetMessage), actor, outcome.targetMessage);
    return;
  }
  if (!outcome.ref) {
    await addEvent(q, orderId, 'erp_not_sent', actor, outcome.message);
    return;
  }
  const erpOrderNo = outcome.ref.erpOrderNo;
  const handed = `${outcome.how === 'found' ? 'found in' : 'handed to'} ${connector} (outbox #${row.id})`;
  if (outcome.ref.provisional) {
    // Accepted, not numbered yet: released without an ERP number (the stand-in stays on the
    // outbox row only); delivery.confirm (confirm.ts) asks again and confirms or holds it.
    if (order.status === 'approved') {
      await transitionOrder(q, order, 'released', actor, `${handed}; waiting for the ERP's order number (${erpOrderNo})`, { type: 'erp_pending_import' });
    } else if (order.status !== 'released') {
      await addEvent(q, orderId, outcome.how === 'found' ? 'erp_order_found' : 'erp_order_created', actor, `ERP order pending as ${erpOrderNo} while the order is ${order.status} (outbox #${row.id})`);
    }
    return;
  }
  if (!(await confirmWithErpNumber(q, order, erpOrderNo, actor, handed, confirmationTargets))) {
    await q.query(`UPDATE orders SET erp_order_no = $2, updated_at = now() WHERE id = $1`, [orderId, erpOrderNo]);
    await addEvent(q, orderId, outcome.how === 'found' ? 'erp_order_found' : 'erp_order_created', actor, `ERP order ${erpOrderNo} while the order is ${order.status} (outbox #${row.id})`);
  }
}

/** The finding on an order the ERP refused (`data` names the outbox row and the ERP's words). */
export function erpRejectedFinding(source: { outboxId: number; target: string; connector: string }, erpMessage: string): Finding {
  const { connector } = source;
  return {
    rule: 'erp',
    code: 'erp_rejected',
    severity: 'hold',
    data: { outboxId: source.outboxId, target: source.target, connector, erpMessage },
    message: { en: `The ERP (${connector}) refused the order: ${erpMessage}`, 'zh-CN': `ERP（${connector}）拒收该订单：${erpMessage}` },
  };
}

/**
 * An order the ERP refused: approved or released (accepted provisionally, refused later) → held,
 * the finding added to its review; in any other state an `erp_rejected` event only.
 */
export async function holdRejected(q: Queryable, order: LockedOrder, finding: Finding, actor: string, erpMessage: string): Promise<void> {
  if (order.status !== 'approved' && order.status !== 'released') {
    await addEvent(q, order.id, 'erp_rejected', actor, erpMessage, [finding]);
    return;
  }
  await transitionOrder(q, order, 'held', actor, clip(erpMessage, 2000), { type: 'erp_rejected', reasons: [finding] });
  await q.query(
    `UPDATE orders SET review = jsonb_build_object('decision', 'hold', 'findings', coalesce(review->'findings', '[]'::jsonb) || $2::jsonb) WHERE id = $1`,
    [order.id, JSON.stringify([finding])],
  );
}

/**
 * The ERP numbered the order: an approved (through released) or released order gets the number
 * and moves to confirmed, and the confirmation is announced (shipments.ts). False, with nothing
 * written, when the order is in another state.
 */
export async function confirmWithErpNumber(q: Queryable, order: LockedOrder, erpOrderNo: string, actor: string, releasedMessage: string, confirmationTargets: readonly string[]): Promise<boolean> {
  if (order.status !== 'approved' && order.status !== 'released') return false;
  await q.query(`UPDATE orders SET erp_order_no = $2, updated_at = now() WHERE id = $1`, [order.id, erpOrderNo]);
  if (order.status === 'approved') await transitionOrder(q, order, 'released', actor, releasedMessage);
  await transitionOrder(q, { ...order, status: 'released' }, 'confirmed', actor, `ERP order ${erpOrderNo}`);
  await announceConfirmation(q, order, confirmationTargets);
  return true;
}
