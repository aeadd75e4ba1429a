/**
 * The order as an ERP target receives it (OrderDocument), read from the store in one
 * statement, and the corrections an operator may make when replaying a delivery (overrides:
 * texts and codes the ERP refused — never quantities or money, which must stay what the dealer
 * was quoted and what the store holds).
 */
import { z } from 'zod';
import type { OrderDocument } from '../connectors/contract.js';
import type { Queryable } from '../core/db/index.js';
import type { OrderStatus } from '../ordering/lifecycle.js';

const text = (max: number) => z.string().trim().min(1).max(max);

export const documentOverridesSchema = z
  .object({
    externalRef: text(64).nullable().optional(),
    note: z.string().max(2000).nullable().optional(),
    requestedDate: z.iso.date().nullable().optional(),
    dealer: z.object({ code: text(64), name: text(200) }).partial().strict().optional(),
    shipTo: z
      .object({ code: text(64), name: text(200), address: text(500), regionCode: text(12), contact: text(100).nullable(), phone: text(50).nullable() })
      .partial()
      .strict()
      .optional(),
    lines: z
      .array(z.object({ lineNo: z.number().int().positive(), sku: text(64).optional(), uom: text(16).optional(), warehouseCode: text(64).nullable().optional() }).strict())
      .max(500)
      .optional(),
  })
  .strict();

export type DocumentOverrides = z.infer<typeof documentOverridesSchema>;

/** The payload of an order's outbox rows (order.approved, order.cancelled). */
export const orderEventPayloadSchema = z
  .object({
    orderId: z.uuid(),
    number: z.string().min(1),
    /** Set by a replay with an edited payload; applied over the document built from the store. */
    overrides: documentOverridesSchema.optional(),
  })
  .strict();

export type OrderEventPayload = z.infer<typeof orderEventPayloadSchema>;

export interface StoredOrder {
  document: OrderDocument;
  status: OrderStatus;
  erpOrderNo: string | null;
}

/** The order's document, status and ERP number; null when there is no such order. */
export async function loadOrderDocument(q: Queryable, orderId: string, timeZone: string): Promise<StoredOrder | null> {
  const { rows } = await q.query<StoredOrder>(
    `SELECT o.status, o.erp_order_no AS "erpOrderNo",
            json_build_object(
              'orderId', o.id, 'number', o.number, 'externalRef', o.external_ref,
              'dealer', json_build_object('code', d.code, 'name', d.name),
              'shipTo', json_build_object('code', s.code, 'name', s.name, 'address', s.address, 'regionCode', s.region_code, 'contact', s.contact, 'phone', s.phone),
              'currency', o.currency,
              'orderDate', to_char(o.created_at AT TIME ZONE $2, 'YYYY-MM-DD'),
              'requestedDate', to_char(o.requested_date, 'YYYY-MM-DD'),
              'note', o.note,
              'lines', coalesce((
                SELECT json_agg(json_build_object(
                         'lineNo', ol.line_no, 'sku', p.sku, 'qty', ol.qty, 'uom', p.uom, 'unitPrice', ol.unit_price::text,
                         'gross', ol.gross::text, 'discount', ol.discount::text, 'net', ol.net::text, 'isGift', ol.is_gift, 'warehouseCode', w.code,
                         'lots', coalesce((
                           SELECT json_agg(json_build_object('lot', l.lot, 'qty', r.qty, 'expiryDate', to_char(l.expiry_date, 'YYYY-MM-DD'))
                                           ORDER BY l.expiry_date NULLS LAST, l.lot)
                             FROM reservations r JOIN stock_lots l ON l.id = r.stock_lot_id
                            WHERE r.order_line_id = ol.id AND r.status <> 'released'), '[]'::json))
                       ORDER BY ol.line_no)
                  FROM order_lines ol JOIN products p ON p.id = ol.product_id LEFT JOIN warehouses w ON w.id = ol.warehouse_id
                 WHERE ol.order_id = o.id), '[]'::json),
              'totals', json_build_object('gross', o.gross::text, 'discount', o.discount::text, 'net', o.net::text)
            ) AS document
       FROM orders o JOIN dealers d ON d.id = o.dealer_id JOIN ship_tos s ON s.id = o.ship_to_id
      WHERE o.id = $1`,
    [orderId, timeZone],
  );
  return rows[0] ?? null;
}

/** The document with an operator's corrections applied (objects merged, lines matched by lineNo). */
export function applyOverrides(document: OrderDocument, overrides: DocumentOverrides | undefined): OrderDocument {
  if (!overrides) return document;
  const { dealer, shipTo, lines, ...scalars } = overrides;
  const byLine = new Map((lines ?? []).map(({ lineNo, ...fields }) => [lineNo, fields]));
  return {
    ...document,
    ...scalars,
    dealer: { ...document.dealer, ...dealer },
    shipTo: { ...document.shipTo, ...shipTo },
    lines: document.lines.map((line) => ({ ...line, ...byLine.get(line.lineNo) })),
  };
}
