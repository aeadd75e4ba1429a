import type { Store } from '../core/db/index.js';
import { getOrder, type OrderView } from './queries.js';
import { lockOrder, transitionOrder } from './transition.js';

/**
 * Cancels an open order in one transaction (see transitionOrder: its reservations go back to
 * ATP, its credit exposure is released, and the ERP is asked to cancel if it has the order).
 */
export async function cancelOrder(store: Store, dealerId: number | null, id: string, actor: string, reason: string | undefined): Promise<OrderView> {
  const orderId = await store.tx(async (q) => {
    const order = await lockOrder(q, id, dealerId);
    await transitionOrder(q, order, 'cancelled', actor, reason ?? null);
    return order.id;
  });
  return (await getOrder(store, dealerId, orderId))!;
}
