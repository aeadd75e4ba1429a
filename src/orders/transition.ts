/**
 * The one way an existing order changes state, inside the caller's transaction: the move is
 * checked against the lifecycle, reserved stock returned to ATP when the new state releases it
 * (or consumed and taken off on hand when the order ships),
 * promotion budgets and coupon uses given back when it ends unfulfilled, the status written,
 * the event appended, the dealer's credit exposure adjusted when the order enters or leaves the
 * states that count against credit, and the ERP told when an order it has (or may have) is cancelled.
 */
import type { Queryable } from '../core/db/index.js';
import { NotFoundError } from '../core/errors.js';
import { assertTransition, consumesReservation, countsAgainstCredit, knownToErp, releasesRedemptions, releasesReservation, type OrderStatus } from '../ordering/lifecycle.js';
import { releaseRedemptions } from '../promotions/redemptions.js';
import { ediAfterTransition } from '../edi/transport/responses.js';

export interface LockedOrder {
  id: string;
  number: string;
  status: OrderStatus;
  dealerId: number;
  dealerCode: string;
  shipTo: string;
  net: string;
  currency: string;
}

const NO_ORDER = '00000000-0000-0000-0000-000000000000';

/** Order ids are UUIDs; anything else can name no order (and must not reach a ::uuid cast). */
export function asOrderId(id: string): string | null {
  return /^[0-9a-f-]{36}$/i.test(id) ? id : null;
}

/** Locks the order row for a state change; `dealerId` null = any dealer (admin). 404 otherwise. */
export async function lockOrder(q: Queryable, id: string, dealerId: number | null): Promise<LockedOrder> {
  const { rows } = await q.query<LockedOrder>(
    `SELECT o.id, o.number, o.status, o.dealer_id AS "dealerId", d.code AS "dealerCode", s.code AS "shipTo", o.net::text AS net, o.currency
       FROM orders o JOIN dealers d ON d.id = o.dealer_id JOIN ship_tos s ON s.id = o.ship_to_id
      WHERE o.id = $1 AND ($2::bigint IS NULL OR o.dealer_id = $2) FOR UPDATE OF o`,
    [asOrderId(id) ?? NO_ORDER, dealerId],
  );
  const order = rows[0];
  if (!order) throw new NotFoundError(`no order ${id}`);
  return order;
}

/** Adds the order's net amount to (+1) or takes it from (−1) its dealer's open orders. */
export async function adjustExposure(q: Queryable, orderId: string, sign: 1 | -1): Promise<void> {
  await q.query(
    `UPDATE credit_accounts c SET open_orders = c.open_orders + $2 * o.net FROM orders o WHERE o.id = $1 AND c.dealer_id = o.dealer_id`,
    [orderId, sign],
  );
}

/** How the state change is recorded: the event type defaults to the new status. */
export interface TransitionEvent {
  type?: string;
  /** Machine-readable reasons (review findings), stored on the event. */
  reasons?: readonly unknown[];
}

export async function transitionOrder(q: Queryable, order: LockedOrder, to: OrderStatus, actor: string, message: string | null, event: TransitionEvent = {}): Promise<void> {
  assertTransition(order.status, to);
  if (releasesReservation(to)) {
    await q.query(
      `WITH released AS (
         UPDATE reservations r SET status = 'released', released_at = now()
           FROM order_lines ol WHERE ol.id = r.order_line_id AND ol.order_id = $1 AND r.status = 'active'
         RETURNING r.stock_lot_id, r.qty)
       UPDATE stock_lots l SET reserved = l.reserved - x.qty
         FROM (SELECT stock_lot_id, sum(qty)::int AS qty FROM released GROUP BY stock_lot_id) x WHERE l.id = x.stock_lot_id`,
      [order.id],
    );
  }
  if (consumesReservation(to)) {
    // greatest(0, …): a stock sync that already saw the shipment may have lowered on hand first.
    await q.query(
      `WITH consumed AS (
         UPDATE reservations r SET status = 'consumed', released_at = now()
           FROM order_lines ol WHERE ol.id = r.order_line_id AND ol.order_id = $1 AND r.status = 'active'
         RETURNING r.stock_lot_id, r.qty)
       UPDATE stock_lots l SET on_hand = greatest(0, l.on_hand - x.qty), reserved = greatest(0, l.reserved - x.qty)
         FROM (SELECT stock_lot_id, sum(qty)::int AS qty FROM consumed GROUP BY stock_lot_id) x WHERE l.id = x.stock_lot_id`,
      [order.id],
    );
  }
  if (releasesRedemptions(to)) await releaseRedemptions(q, order.id);
  await q.query(`UPDATE orders SET status = $2, updated_at = now() WHERE id = $1`, [order.id, to]);
  await q.query(`INSERT INTO order_events (order_id, type, from_status, to_status, actor, message, reasons) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`, [
    order.id,
    event.type ?? to,
    order.status,
    to,
    actor,
    message,
    JSON.stringify(event.reasons ?? []),
  ]);
  const before = countsAgainstCredit(order.status);
  const after = countsAgainstCredit(to);
  if (before !== after) await adjustExposure(q, order.id, after ? 1 : -1);
  if (to === 'cancelled') await announceCancellation(q, order);
  // An EDI order's partner hears a person's decision (855 / ORDRSP) in the same transaction.
  await ediAfterTransition(q, order, to, message);
}

/**
 * The ERP is told of a cancellation when it has the order or may have it: known to it by status,
 * or announced to it at all (an `order.approved` row exists, delivered or not — a delivery in
 * flight may already have created it). The relay delivers the cancel only after the rows before
 * it; when the ERP turns out not to have the order, the cancel is a no-op (src/delivery).
 */
async function announceCancellation(q: Queryable, order: LockedOrder): Promise<void> {
  await q.query(
    `INSERT INTO outbox (event, aggregate_type, aggregate_id, target, payload)
     SELECT 'order.cancelled', 'order', $1, 'erp', $2::jsonb
      WHERE $3 OR EXISTS (SELECT 1 FROM outbox WHERE aggregate_type = 'order' AND aggregate_id = $1 AND event = 'order.approved')`,
    [order.id, JSON.stringify({ orderId: order.id, number: order.number }), knownToErp(order.status)],
  );
}
