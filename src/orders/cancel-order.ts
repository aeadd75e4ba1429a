import type { Store } from '../core/db/index.js';
import { NotFoundError } from '../core/errors.js';
import { assertTransition } from '../ordering/lifecycle.js';
import { getOrder, type OrderView } from './queries.js';

/**
 * Cancels an open order in one transaction: the status change, the release of its
 * reservations back to ATP, the audit event, and — if the ERP already has it — the outbox row
 * that asks the ERP to cancel too.
 */
export async function cancelOrder(store: Store, dealerId: number | null, id: string, actor: string, reason: string | undefined): Promise<OrderView> {
  await store.tx(async (q) => {
    const { rows } = await q.query<{ status: string; number: string }>(
      `SELECT status, number FROM orders WHERE id = $1 AND ($2::bigint IS NULL OR dealer_id = $2) FOR UPDATE`,
      [/^[0-9a-f-]{36}$/i.test(id) ? id : '00000000-0000-0000-0000-000000000000', dealerId],
    );
    const order = rows[0];
    if (!order) throw new NotFoundError(`no order ${id}`);
    assertTransition(order.status as never, 'cancelled');
    await q.query(
      `WITH released AS (
         UPDATE reservations r SET status = 'released', released_at = now()
           FROM order_lines ol WHERE ol.id = r.order_line_id AND ol.order_id = $1 AND r.status = 'active'
         RETURNING r.stock_lot_id, r.qty)
       UPDATE stock_lots l SET reserved = l.reserved - x.qty
         FROM (SELECT stock_lot_id, sum(qty)::int AS qty FROM released GROUP BY stock_lot_id) x WHERE l.id = x.stock_lot_id`,
      [id],
    );
    await q.query(`UPDATE orders SET status = 'cancelled', updated_at = now() WHERE id = $1`, [id]);
    if (['approved', 'released', 'confirmed'].includes(order.status)) {
      await q.query('UPDATE credit_accounts c SET open_orders = c.open_orders - o.net FROM orders o WHERE o.id = $1 AND c.dealer_id = o.dealer_id', [id]);
    }
    await q.query(
      `INSERT INTO order_events (order_id, type, from_status, to_status, actor, message) VALUES ($1, 'cancelled', $2, 'cancelled', $3, $4)`,
      [id, order.status, actor, reason ?? null],
    );
    if (['released', 'confirmed'].includes(order.status)) {
      await q.query(`INSERT INTO outbox (event, aggregate_type, aggregate_id, target, payload) VALUES ('order.cancelled', 'order', $1, 'erp', $2::jsonb)`, [
        id,
        JSON.stringify({ orderId: id, number: order.number }),
      ]);
    }
  });
  return (await getOrder(store, dealerId, id))!;
}
