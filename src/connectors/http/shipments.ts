/**
 * The http connector's shipment target (`shipments:`): a confirmed order becomes one outbound
 * order in the WMS — POST `path` with the body below — idempotent by our order number: the
 * outbound order is looked up first (`lookup`) and/or the number is sent as an idempotency key
 * the WMS honours (`idempotencyHeader`). The client here never retries a POST by itself (its
 * retries are 0): a retry is the delivery's, which looks the order up again first.
 *
 * Body (JSON; `addFields` are added at the top level):
 * ```json
 * { "orderNumber": "DH…", "orderId": "…", "erpOrderNo": "SO…", "customerRef": "PO-1",
 *   "customer": { "code": "D001", "name": "…" },
 *   "shipTo": { "code": "D001-NS", "name": "…", "address": "…", "region": "440305", "contact": "…", "phone": "…" },
 *   "warehouse": "WH-SZ", "requestedDate": "2026-12-01", "note": null,
 *   "lines": [{ "lineNo": 1, "sku": "MLK-250-24", "qty": 24, "uom": "CS", "warehouse": "WH-SZ", "gift": false,
 *               "lots": [{ "lot": "L2611", "qty": 24, "expiryDate": "2027-05-01" }] }] }
 * ```
 * (`warehouse` at the top is the lines' warehouse when they share one, else null.)
 *
 * 4xx answers are refusals on the merits (TargetRejection with the WMS's words) — except 401/403
 * and a 404 from the POST (the configuration is wrong: retried, then dead) and a 409 after which
 * the lookup finds the outbound order (it exists: found). 5xx, 408, 429 and timeouts are transient.
 */
import { ConfigError, UpstreamRejectedError } from '../../core/errors.js';
import { TargetRejection, type ShipmentRef, type ShipmentRequest, type ShipmentTarget } from '../contract.js';
import { fieldAt } from '../shared/aggregate.js';
import type { HttpClient } from '../shared/client.js';
import { selectRecords } from './json-path.js';
import { fillTemplate, type ShipmentsOptions } from './outbound-options.js';

const text = (value: unknown): string | null => (value === null || value === undefined || value === '' || typeof value === 'object' ? null : String(value));

export function outboundOrderBody(shipment: ShipmentRequest, addFields: ShipmentsOptions['addFields'] = {}): Record<string, unknown> {
  const warehouses = new Set(shipment.lines.map((line) => line.warehouseCode));
  const [only] = warehouses;
  return {
    ...addFields,
    orderNumber: shipment.number,
    orderId: shipment.orderId,
    erpOrderNo: shipment.erpOrderNo,
    customerRef: shipment.externalRef,
    customer: { code: shipment.dealer.code, name: shipment.dealer.name },
    shipTo: {
      code: shipment.shipTo.code,
      name: shipment.shipTo.name,
      address: shipment.shipTo.address,
      region: shipment.shipTo.regionCode,
      contact: shipment.shipTo.contact,
      phone: shipment.shipTo.phone,
    },
    warehouse: warehouses.size === 1 ? (only ?? null) : null,
    requestedDate: shipment.requestedDate,
    note: shipment.note,
    lines: shipment.lines.map((line) => ({
      lineNo: line.lineNo,
      sku: line.sku,
      qty: line.qty,
      uom: line.uom,
      warehouse: line.warehouseCode,
      gift: line.isGift,
      lots: line.lots.map((lot) => ({ lot: lot.lot, qty: lot.qty, expiryDate: lot.expiryDate })),
    })),
  };
}

const statusOf = (error: unknown): number | undefined =>
  error instanceof UpstreamRejectedError || error instanceof ConfigError ? (error.details?.status as number | undefined) : undefined;

/** `client` must not retry by itself (see the file comment) and must not treat 404 as a configuration error. */
export function createShipmentTarget(options: ShipmentsOptions, client: HttpClient, system: string): ShipmentTarget {
  const idOf = (record: Record<string, unknown>, fallback: string) => text(fieldAt(record, options.id)) ?? fallback;

  async function find(order: { orderId: string; number: string }, signal: AbortSignal): Promise<ShipmentRef | null> {
    const { lookup } = options;
    if (!lookup) return null;
    let data: unknown;
    try {
      data = (await client.get(fillTemplate(lookup.path, { number: order.number, orderId: order.orderId }), signal)).data;
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
    const match = selectRecords(data, lookup.records).find((record) => text(fieldAt(record, lookup.match)) === order.number);
    return match ? { shipmentId: idOf(match, order.number), detail: `found by ${lookup.match} = ${order.number}` } : null;
  }

  return {
    find,
    async request(shipment, signal) {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (options.idempotencyHeader) headers[options.idempotencyHeader] = shipment.number;
      try {
        const response = await client.request({ method: 'POST', url: fillTemplate(options.path, { number: shipment.number, orderId: shipment.orderId }), headers, data: outboundOrderBody(shipment, options.addFields) }, signal);
        const [record] = selectRecords(response.data, options.response);
        const shipmentId = idOf(record ?? {}, shipment.number);
        return { shipmentId, detail: `${system} answered ${response.status}: outbound order ${shipmentId}` };
      } catch (error) {
        const status = statusOf(error);
        if (!(error instanceof UpstreamRejectedError)) throw error;
        if (status === 404) throw new ConfigError(`${error.message} — check shipments.path`, error.details);
        if (status === 409) {
          // A WMS that refuses a duplicate reference with 409 may hold the outbound order already: look.
          const found = await find(shipment, signal);
          if (found) return { ...found, detail: `409 on request, then ${found.detail}` };
        }
        const said = text(error.details?.upstreamMessage) ?? error.message;
        throw new TargetRejection(`${system} refused outbound order ${shipment.number}: ${said}`, said);
      }
    },
  };
}
