/**
 * Shipment requests to the WMS (outbox target `wms`). When the ERP confirms an order, the
 * transaction that records it (record.ts) writes an `order.confirmed` row for the WMS — only
 * when `delivery.wms` is configured, so a deployment without a WMS accumulates no rows it will
 * never deliver, and a WMS configured later is not sent orders confirmed (and maybe shipped)
 * before it. The relay delivers the row like any other: find the outbound order by our number
 * first, request it only when the WMS has none and the order is still confirmed.
 */
import type { ShipmentRequest, ShipmentTarget } from '../connectors/contract.js';
import type { Queryable } from '../core/db/index.js';
import type { OrderEventPayload, StoredOrder } from './document.js';
import type { Outcome } from './record.js';

export const SHIPMENT_EVENT = 'order.confirmed';
export const WMS_TARGET = 'wms';

/** A shipment is requested only for an order in this state (cancelled or shipped meanwhile: not sent). */
const SHIPPABLE = new Set(['confirmed']);

/** Outbox targets told of a confirmed order, given the delivery targets configured. */
export function confirmationTargets(targets: Readonly<Record<string, string>>): string[] {
  return WMS_TARGET in targets ? [WMS_TARGET] : [];
}

/** Writes the order's `order.confirmed` rows (inside the caller's transaction), at most one per target. */
export async function announceConfirmation(q: Queryable, order: { id: string; number: string }, targets: readonly string[]): Promise<void> {
  if (targets.length === 0) return;
  await q.query(
    `INSERT INTO outbox (event, aggregate_type, aggregate_id, target, payload)
     SELECT $4, 'order', $1, t.target, $2::jsonb FROM unnest($3::text[]) AS t(target)
      WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.aggregate_type = 'order' AND o.aggregate_id = $1 AND o.event = $4 AND o.target = t.target)`,
    [order.id, JSON.stringify({ orderId: order.id, number: order.number }), targets, SHIPMENT_EVENT],
  );
}

/** The shipment request of a stored order (its document with an operator's overrides applied). */
export function shipmentRequest(stored: StoredOrder, document: StoredOrder['document']): ShipmentRequest {
  return {
    orderId: document.orderId,
    number: document.number,
    erpOrderNo: stored.erpOrderNo,
    externalRef: document.externalRef,
    dealer: document.dealer,
    shipTo: document.shipTo,
    requestedDate: document.requestedDate,
    note: document.note,
    lines: document.lines.map(({ lineNo, sku, qty, uom, warehouseCode, lots, isGift }) => ({ lineNo, sku, qty, uom, warehouseCode, lots, isGift })),
  };
}

/** One try of a shipment delivery: find, else request (when the order is still confirmed). */
export function shipmentCall(target: ShipmentTarget, stored: StoredOrder, document: StoredOrder['document'], payload: OrderEventPayload, connector: string, signal: AbortSignal): () => Promise<Outcome> {
  const ref = { orderId: payload.orderId, number: payload.number };
  return async () => {
    const found = await target.find(ref, signal);
    if (found) return { kind: 'delivered', how: 'found', ref: { erpOrderNo: found.shipmentId, detail: found.detail }, message: `${connector} has outbound order ${found.shipmentId} already` };
    if (!SHIPPABLE.has(stored.status)) return { kind: 'delivered', how: 'skipped', ref: null, message: `shipment not requested: the order is ${stored.status}` };
    const created = await target.request(shipmentRequest(stored, document), signal);
    return { kind: 'delivered', how: 'created', ref: { erpOrderNo: created.shipmentId, detail: created.detail }, message: `outbound order ${created.shipmentId} requested from ${connector}` };
  };
}
