/**
 * TMS tracking → order state. Every tracking event — from the signed webhook
 * (POST /webhooks/tms/:connector) or the polling job (`tms.poll`) — goes through
 * `applyTrackingEvent`, inside the caller's transaction:
 *
 * - recorded once per connector and event key (tracking number or reference, status word,
 *   time): a duplicate changes nothing;
 * - matched to an order by our reference (order number or id), else by tracking number;
 *   no order → recorded as `unmatched`;
 * - picked_up / in_transit move a `confirmed` order to `shipped` (a `released` one through
 *   `confirmed`), storing carrier, tracking number, connector and shipped_at;
 * - delivered moves `shipped` to `delivered` — and a `confirmed`/`released` order through
 *   `shipped` first (the delivered event overtook the pick-up);
 * - nothing moves backwards: a pick-up after delivery, or any event for a delivered order, is
 *   `no_change`; an order in no state to ship (approved, held, cancelled …) is `ignored`, with
 *   an order event `tracking_ignored` for a person to look at.
 *
 * State changes go through `transitionOrder` (actor `tms:<connector>`), under the order's row lock.
 */
import type { TrackingEvent } from '../connectors/contract.js';
import type { Queryable } from '../core/db/index.js';
import type { OrderStatus } from '../ordering/lifecycle.js';
import { lockOrder, transitionOrder, type LockedOrder } from '../orders/transition.js';
import { announceShipNotice } from '../edi/transport/responses.js';

export type TrackingOutcome = 'shipped' | 'delivered' | 'no_change' | 'ignored' | 'unmatched' | 'duplicate';

export interface AppliedTracking {
  outcome: TrackingOutcome;
  orderId: string | null;
  number: string | null;
  /** The order's status after the event (null when no order matched). */
  status: OrderStatus | null;
  trackingNumber: string | null;
  message: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** What makes two reports the same event: the shipment, the TMS's status word and its time. */
export function eventKey(event: TrackingEvent): string {
  return clip([event.trackingNumber ?? '', event.reference ?? '', event.rawStatus.toLowerCase(), event.occurredAt?.toISOString() ?? ''].join('|'), 400);
}

/** A tracking record names a shipment (tracking number) or an order (reference); others are not tracking. */
export function isTrackingRecord(event: TrackingEvent): boolean {
  return event.trackingNumber !== null || event.reference !== null;
}

async function findOrder(q: Queryable, event: TrackingEvent, orderId: string | undefined): Promise<string | null> {
  if (orderId) return orderId;
  if (event.reference) {
    const byReference = UUID.test(event.reference)
      ? await q.query<{ id: string }>(`SELECT id FROM orders WHERE id = $1::uuid`, [event.reference])
      : await q.query<{ id: string }>(`SELECT id FROM orders WHERE number = $1`, [event.reference]);
    if (byReference.rows[0]) return byReference.rows[0].id;
  }
  if (event.trackingNumber) {
    const byTracking = await q.query<{ id: string }>(
      `SELECT id FROM orders WHERE tracking_number = $1 AND ($2::text IS NULL OR carrier IS NULL OR lower(carrier) = lower($2))
        ORDER BY shipped_at DESC NULLS LAST LIMIT 1`,
      [event.trackingNumber, event.carrier],
    );
    if (byTracking.rows[0]) return byTracking.rows[0].id;
  }
  return null;
}

function describe(event: TrackingEvent, source: string): string {
  const parcel = [event.carrier, event.trackingNumber].filter(Boolean).join(' ');
  return `${event.rawStatus || 'no status'}${parcel ? ` (${parcel})` : ''}${event.occurredAt ? ` at ${event.occurredAt.toISOString()}` : ''}, by ${source}`;
}

export interface TrackingContext {
  connector: string;
  source: 'webhook' | 'poll';
  now: Date;
  /** The order the event is about when the caller knows (polling asks about one order). */
  orderId?: string;
}

export async function applyTrackingEvent(q: Queryable, context: TrackingContext, event: TrackingEvent): Promise<AppliedTracking> {
  const { connector, source } = context;
  const inserted = await q.query<{ id: number }>(
    `INSERT INTO tracking_events (connector, source, event_key, reference, carrier, tracking_number, status, raw_status, occurred_at, outcome)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'unmatched')
     ON CONFLICT (connector, event_key) DO NOTHING RETURNING id`,
    [connector, source, eventKey(event), event.reference, event.carrier, event.trackingNumber, event.status, clip(event.rawStatus, 200), event.occurredAt],
  );
  const eventId = inserted.rows[0]?.id;
  if (eventId === undefined) {
    return { outcome: 'duplicate', orderId: null, number: null, status: null, trackingNumber: event.trackingNumber, message: `already heard: ${describe(event, source)}` };
  }

  const orderId = await findOrder(q, event, context.orderId);
  let applied: AppliedTracking;
  if (orderId === null) {
    applied = { outcome: 'unmatched', orderId: null, number: null, status: null, trackingNumber: event.trackingNumber, message: `no order for reference ${event.reference ?? '—'} / tracking number ${event.trackingNumber ?? '—'}` };
  } else {
    applied = await applyToOrder(q, context, event, await lockOrder(q, orderId, null));
  }
  await q.query(`UPDATE tracking_events SET order_id = $2, outcome = $3, message = $4 WHERE id = $1`, [eventId, applied.orderId, applied.outcome, clip(applied.message, 1000)]);
  return applied;
}

async function applyToOrder(q: Queryable, context: TrackingContext, event: TrackingEvent, order: LockedOrder): Promise<AppliedTracking> {
  const actor = `tms:${context.connector}`;
  const what = describe(event, context.source);
  const result = (outcome: TrackingOutcome, status: OrderStatus, message: string): AppliedTracking => ({
    outcome,
    orderId: order.id,
    number: order.number,
    status,
    trackingNumber: event.trackingNumber,
    message,
  });
  const at = event.occurredAt ?? context.now;
  if (event.status === null) return result('no_change', order.status, `TMS status "${event.rawStatus}" moves nothing: ${what}`);

  let current: LockedOrder = order;
  let moved: TrackingOutcome | null = null;
  if (current.status === 'released' || current.status === 'confirmed') {
    if (current.status === 'released') {
      await transitionOrder(q, current, 'confirmed', actor, `the carrier has it, so the ERP does: ${what}`);
      current = { ...current, status: 'confirmed' };
    }
    await transitionOrder(q, current, 'shipped', actor, what);
    current = { ...current, status: 'shipped' };
    moved = 'shipped';
  }
  if (current.status === 'shipped') {
    // The first carrier and tracking number heard stay; a later event only fills what is missing.
    await q.query(
      `UPDATE orders SET carrier = coalesce(carrier, $2), tracking_number = coalesce(tracking_number, $3), tms_connector = coalesce(tms_connector, $4),
              shipped_at = coalesce(shipped_at, $5), updated_at = now() WHERE id = $1`,
      [order.id, event.carrier, event.trackingNumber, context.connector, at],
    );
    // An EDI order's ship notice (856 / DESADV), once carrier and tracking number are stored.
    if (moved === 'shipped') await announceShipNotice(q, order.id, context.now);
    if (event.status === 'delivered') {
      await transitionOrder(q, current, 'delivered', actor, what);
      await q.query(`UPDATE orders SET delivered_at = $2 WHERE id = $1`, [order.id, at]);
      return result('delivered', 'delivered', moved ? `shipped and delivered: ${what}` : `delivered: ${what}`);
    }
    return moved ? result('shipped', 'shipped', `shipped: ${what}`) : result('no_change', 'shipped', `already shipped: ${what}`);
  }
  if (current.status === 'delivered') return result('no_change', 'delivered', `already delivered; nothing moves back: ${what}`);
  const message = `tracking for an order that is ${current.status} was not applied: ${what}`;
  await q.query(`INSERT INTO order_events (order_id, type, actor, message) VALUES ($1, 'tracking_ignored', $2, $3)`, [order.id, actor, clip(message, 2000)]);
  return result('ignored', current.status, message);
}
