/**
 * A person's decision on a held order. Approval overrides the review's credit, region and risk
 * findings — that is what the review queue is for — but never stock: the lines are allocated
 * again on locked lots and reserved, or the approval is refused with the shortfalls.
 */
import type { Queryable, Store } from '../core/db/index.js';
import { ConflictError } from '../core/errors.js';
import { assertTransition } from '../ordering/lifecycle.js';
import { stockRule } from '../ordering/review/index.js';
import { allocateLines, businessDate, type OrderingSettings } from './evaluate.js';
import { loadOrderFacts } from './facts.js';
import { announceApproval, reserve } from './place-order.js';
import { getOrder, type OrderView } from './queries.js';
import { lockOrder, transitionOrder, type LockedOrder } from './transition.js';

export async function approveHeldOrder(store: Store, id: string, actor: string, comment: string | undefined, settings: OrderingSettings, now: Date): Promise<OrderView> {
  const orderId = await store.tx(async (q) => {
    const order = await lockOrder(q, id, null);
    await approveLocked(q, order, actor, comment, settings, now);
    await announceApproval(q, order.id, order.number);
    return order.id;
  });
  return (await getOrder(store, null, orderId))!;
}

/**
 * Approves a held order locked by the caller's transaction: stock allocated again on locked lots
 * and reserved, or a ConflictError with the shortfalls. The caller announces it (a new outbox
 * row, or — replaying a delivery the ERP refused — the same row again).
 */
export async function approveLocked(q: Queryable, order: LockedOrder, actor: string, comment: string | undefined, settings: OrderingSettings, now: Date): Promise<void> {
  // Checked before the stock work; transitionOrder checks again when it writes.
  assertTransition(order.status, 'approved');
  const { rows: lines } = await q.query<{ lineNo: number; sku: string; qty: number }>(
    `SELECT ol.line_no AS "lineNo", p.sku, ol.qty FROM order_lines ol JOIN products p ON p.id = ol.product_id WHERE ol.order_id = $1 ORDER BY ol.line_no`,
    [order.id],
  );
  const today = businessDate(now, settings.timeZone);
  const facts = await loadOrderFacts(q, { dealerId: order.dealerId, dealerCode: order.dealerCode }, order.shipTo, lines.map((l) => l.sku), { lock: true, inventory: settings.inventory });
  const availability = allocateLines(lines, facts, today, settings.warehouseFallback, settings.inventory);
  const short = stockRule(
    { lines: [], availability, orderNet: order.net, currency: order.currency, credit: facts.credit, shipTo: facts.shipTo, authorisations: facts.authorisations, policy: { ...settings.policy, stockPolicy: 'hold' } },
    today,
  );
  if (short.length > 0) {
    throw new ConflictError(`order ${order.number} cannot be approved: ${short.map((f) => f.message.en).join('; ')}`, { code: 'stock_short', findings: short });
  }
  await reserve(q, order.id, availability);
  await transitionOrder(q, order, 'approved', actor, comment ?? null);
}

export async function rejectHeldOrder(store: Store, id: string, actor: string, comment: string): Promise<OrderView> {
  const orderId = await store.tx(async (q) => {
    const order = await lockOrder(q, id, null);
    await transitionOrder(q, order, 'rejected', actor, comment);
    return order.id;
  });
  return (await getOrder(store, null, orderId))!;
}
