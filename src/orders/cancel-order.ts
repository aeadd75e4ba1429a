import type { Store } from '../core/db/index.js';
import { getOrder, type OrderView } from './queries.js';
import { lockOrder, transitionOrder } from './transition.js';

/**
 * Cancels an open order in one transaction: its reservations go back to ATP, then the
 * transition (status, event, credit exposure, and the ERP cancellation if the ERP has it).
 */
export async function cancelOrder(store: Store, dealerId: number | null, id: string, actor: string, reason: string | undefined): Promise<OrderView> {
  const orderId = await store.tx(async (q) => {
    const order = await lockOrder(q, id, dealerId);
    await q.query(
      `WITH released AS (
         UPDATE reservations r SET status = 'released', released_at = now()
           FROM order_lines ol WHERE ol.id = r.order_line_id AND ol.order_id = $1 AND r.status = 'active'
         RETURNING r.stock_lot_id, r.qty)
       UPDATE stock_lots l SET reserved = l.reserved - x.qty
         FROM (SELECT stock_lot_id, sum(qty)::int AS qty FROM released GROUP BY stock_lot_id) x WHERE l.id = x.stock_lot_id`,
      [order.id],
    );
    await transitionOrder(q, order, 'cancelled', actor, reason ?? null);
    return order.id;
  });
  return (await getOrder(store, dealerId, orderId))!;
}
