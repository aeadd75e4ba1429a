/**
 * A person's decision on a held order. Approval overrides the review's credit, region and risk
 * findings — that is what the review queue is for — but never stock: the lines are allocated
 * again on locked lots and reserved, or the approval is refused with the shortfalls.
 */
import type { Store } from '../core/db/index.js';
import { ConflictError, NotFoundError } from '../core/errors.js';
import { assertTransition, type OrderStatus } from '../ordering/lifecycle.js';
import { stockRule } from '../ordering/review/index.js';
import type { OrderingSettings } from './place-order.js';
import { announceApproval, reserve } from './place-order.js';
import { allocateLines, businessDate } from './evaluate.js';
import { loadOrderFacts } from './facts.js';
import { getOrder, type OrderView } from './queries.js';

interface HeldOrder {
  id: string;
  number: string;
  status: OrderStatus;
  dealer_id: number;
  dealer_code: string;
  ship_to: string;
  net: string;
  currency: string;
}

async function lockOrder(q: Parameters<Parameters<Store['tx']>[0]>[0], id: string): Promise<HeldOrder> {
  const { rows } = await q.query<HeldOrder>(
    `SELECT o.id, o.number, o.status, o.dealer_id, d.code AS dealer_code, s.code AS ship_to, o.net::text AS net, o.currency
       FROM orders o JOIN dealers d ON d.id = o.dealer_id JOIN ship_tos s ON s.id = o.ship_to_id
      WHERE o.id = $1 FOR UPDATE OF o`,
    [/^[0-9a-f-]{36}$/i.test(id) ? id : '00000000-0000-0000-0000-000000000000'],
  );
  const order = rows[0];
  if (!order) throw new NotFoundError(`no order ${id}`);
  return order;
}

export async function approveHeldOrder(store: Store, id: string, actor: string, comment: string | undefined, settings: OrderingSettings, now: Date): Promise<OrderView> {
  await store.tx(async (q) => {
    const order = await lockOrder(q, id);
    assertTransition(order.status, 'approved');
    const { rows: lines } = await q.query<{ lineNo: number; sku: string; qty: number }>(
      `SELECT ol.line_no AS "lineNo", p.sku, ol.qty FROM order_lines ol JOIN products p ON p.id = ol.product_id WHERE ol.order_id = $1 ORDER BY ol.line_no`,
      [id],
    );
    const facts = await loadOrderFacts(q, { dealerId: order.dealer_id, dealerCode: order.dealer_code }, order.ship_to, lines.map((l) => l.sku), { lock: true });
    const availability = allocateLines(lines, facts, businessDate(now, settings.timeZone), settings.warehouseFallback);
    const short = stockRule(
      { lines: [], availability, orderNet: order.net, currency: order.currency, credit: facts.credit, shipTo: facts.shipTo, authorisations: facts.authorisations, policy: { ...settings.policy, stockPolicy: 'hold' } },
      businessDate(now, settings.timeZone),
    );
    if (short.length > 0) {
      throw new ConflictError(`order ${order.number} cannot be approved: ${short.map((f) => f.message.en).join('; ')}`, { code: 'stock_short', findings: short });
    }
    await reserve(q, id, availability);
    await q.query(`UPDATE orders SET status = 'approved', updated_at = now() WHERE id = $1`, [id]);
    await q.query(`INSERT INTO order_events (order_id, type, from_status, to_status, actor, message) VALUES ($1, 'approved', $2, 'approved', $3, $4)`, [
      id,
      order.status,
      actor,
      comment ?? null,
    ]);
    await announceApproval(q, id, order.number);
  });
  return (await getOrder(store, null, id))!;
}

export async function rejectHeldOrder(store: Store, id: string, actor: string, comment: string): Promise<OrderView> {
  await store.tx(async (q) => {
    const order = await lockOrder(q, id);
    assertTransition(order.status, 'rejected');
    await q.query(`UPDATE orders SET status = 'rejected', updated_at = now() WHERE id = $1`, [id]);
    await q.query(`INSERT INTO order_events (order_id, type, from_status, to_status, actor, message) VALUES ($1, 'rejected', $2, 'rejected', $3, $4)`, [
      id,
      order.status,
      actor,
      comment,
    ]);
  });
  return (await getOrder(store, null, id))!;
}
