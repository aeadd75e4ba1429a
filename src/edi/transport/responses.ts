/**
 * The documents an EDI order causes later, each written in the transaction of its state change:
 * the order response (855 / ORDRSP) when the review decides — at placing, or when a person
 * approves or rejects a held order — and the ship notice (856 / DESADV) when it ships. What to
 * answer with (the partner's PO, the envelope ids, which documents) is kept in `edi_orders` when
 * the order is placed, so these hooks need no config and cost one indexed look-up for any
 * other order.
 */
import type { Queryable } from '../../core/db/index.js';
import type { ReviewResult } from '../../ordering/types.js';
import type { IntakeOutbound } from '../intake.js';
import { writeDesadv } from '../outbound/desadv.js';
import { writeOrdrsp } from '../outbound/ordrsp.js';
import { decideResponse, ResponseUndecidedError, type OrderResponse, type PoLineLink } from '../outbound/response.js';
import type { ShipNotice } from '../outbound/ship-notice.js';
import { write855 } from '../outbound/x12-855.js';
import { write856 } from '../outbound/x12-856.js';
import type { PurchaseOrder } from '../types.js';
import { queueAcks } from './acks.js';
import { queueDuplicateNotice } from './envelope-rejection.js';
import { envelopeFor, queueEdifact, queueX12, type OutboundEnvelope, type QueuedDocument } from './queue.js';

interface EdiOrderRow {
  po: PurchaseOrder;
  envelope: OutboundEnvelope;
  responseStatus: string | null;
  number: string;
  status: string;
  review: ReviewResult | null;
}

async function loadEdiOrder(q: Queryable, orderId: string): Promise<EdiOrderRow | null> {
  const { rows } = await q.query<EdiOrderRow>(
    `SELECT e.po, e.envelope, e.response_status AS "responseStatus", o.number, o.status, o.review
       FROM edi_orders e JOIN orders o ON o.id = e.order_id WHERE e.order_id = $1 FOR UPDATE OF e`,
    [orderId],
  );
  return rows[0] ?? null;
}

/** The intake's hooks: the acknowledgement after each interchange, the EDI facts and first response of each order. */
export const intakeOutbound: IntakeOutbound = {
  async interchangeReceived(q, { partner, interchange, now }) {
    const env = envelopeFor(partner, interchange.syntax, interchange.sender);
    if (env?.send.ack) await queueAcks(q, env, interchange, now);
  },
  async interchangeDuplicate(q, { partner, interchange, now }) {
    await queueDuplicateNotice(q, partner, interchange, now);
  },
  async orderPlaced(q, { partner, interchange, po, orderId, now }) {
    const env = envelopeFor(partner, interchange.syntax, interchange.sender);
    if (!env) return;
    await q.query(`INSERT INTO edi_orders (order_id, partner, syntax, po, envelope) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)`, [
      orderId, partner.id, interchange.syntax, JSON.stringify(po), JSON.stringify(env),
    ]);
    await respond(q, orderId, 'review', now);
  },
};

/** How each PO line ended up in the order: the intake keeps the PO's line order, gifts come after. */
async function lineLinks(q: Queryable, orderId: string, po: PurchaseOrder): Promise<PoLineLink[]> {
  const { rows } = await q.query<{ lineNo: number; qty: number }>(
    `SELECT line_no AS "lineNo", qty FROM order_lines WHERE order_id = $1 AND NOT is_gift ORDER BY line_no`,
    [orderId],
  );
  return po.lines.map((line, i) => ({ poLineNo: line.lineNo, orderLineNo: rows[i]?.lineNo ?? null, qty: rows[i]?.qty, rejectReason: rows[i] ? undefined : 'Line not taken into the order' }));
}

/** Every line refused: a person rejected the order (their comment is the reason). */
function rejectedByPerson(po: PurchaseOrder, why: string): OrderResponse {
  return { po, status: 'rejected', reason: null, reasonText: why, lines: po.lines.map((line) => ({ line, status: 'rejected', orderedQty: line.qty, acceptedQty: 0, reason: null, reasonText: why })) };
}

/**
 * Writes the order response when there is a decision the partner has not heard yet. `review`:
 * the order's own review (at placing); `approved` / `rejected`: a person's decision.
 */
export async function respond(q: Queryable, orderId: string, decision: 'review' | 'approved' | 'rejected', now: Date, comment?: string | null): Promise<QueuedDocument | null> {
  const row = await loadEdiOrder(q, orderId);
  if (!row || !row.envelope.send.orderResponse) return null;
  let response: OrderResponse;
  if (decision === 'rejected') {
    const review = row.review ?? { decision: 'hold', findings: [] };
    try {
      response = decideResponse(row.po, review, await lineLinks(q, orderId, row.po));
      if (response.status !== 'rejected') response = rejectedByPerson(row.po, comment || 'Rejected on review');
    } catch (error) {
      if (!(error instanceof ResponseUndecidedError)) throw error;
      response = rejectedByPerson(row.po, comment || 'Rejected on review');
    }
  } else {
    // A person's approval overrides credit, region and risk holds; stock was allocated again in full.
    const review: ReviewResult = decision === 'approved' ? { decision: 'approve', findings: [] } : (row.review ?? { decision: 'approve', findings: [] });
    try {
      response = decideResponse(row.po, review, await lineLinks(q, orderId, row.po));
    } catch (error) {
      if (error instanceof ResponseUndecidedError) return null; // held for a person: answered once decided
      throw error;
    }
  }
  if (response.status === row.responseStatus) return null;
  const env = row.envelope;
  const meta = { type: env.syntax === 'x12' ? ('855' as const) : ('ORDRSP' as const), orderId, inbound: row.po.control.interchange, now };
  const doc =
    env.syntax === 'x12'
      ? await queueX12(q, env, meta, (c) => write855(response, { ...c, orderNumber: row.number }))
      : await queueEdifact(q, env, meta, (c) => writeOrdrsp(response, { ...c, documentNumber: row.number, supplierGln: env.edifact?.supplierGln }));
  await q.query(`UPDATE edi_orders SET response_status = $2 WHERE order_id = $1`, [orderId, response.status]);
  return doc;
}

/** Hook for transitionOrder: a person's decision on a held EDI order is answered. */
export async function ediAfterTransition(q: Queryable, order: { id: string; status: string }, to: string, comment: string | null): Promise<void> {
  if (order.status !== 'held' && order.status !== 'submitted') return;
  if (to !== 'approved' && to !== 'rejected') return;
  await respond(q, order.id, to, new Date(), comment);
}

/** Hook for shipping (src/delivery/tracking.ts, after the carrier is stored): the 856 / DESADV. */
export async function announceShipNotice(q: Queryable, orderId: string, now: Date): Promise<QueuedDocument | null> {
  const row = await loadEdiOrder(q, orderId);
  if (!row || !row.envelope.send.shipNotice) return null;
  const notice = await shipNoticeFacts(q, orderId, row.po);
  const env = row.envelope;
  const meta = { type: env.syntax === 'x12' ? ('856' as const) : ('DESADV' as const), orderId, inbound: row.po.control.interchange, now };
  return env.syntax === 'x12' ? queueX12(q, env, meta, (c) => write856(notice, c)) : queueEdifact(q, env, meta, (c) => writeDesadv(notice, c));
}

/** The shipment as the order holds it: carrier data, and per line the lots its consumed reservations came from. */
export async function shipNoticeFacts(q: Queryable, orderId: string, po: PurchaseOrder): Promise<ShipNotice> {
  const { rows: [order] } = await q.query<{ number: string; shippedAt: Date | null; carrier: string | null; trackingNumber: string | null }>(
    `SELECT number, shipped_at AS "shippedAt", carrier, tracking_number AS "trackingNumber" FROM orders WHERE id = $1`,
    [orderId],
  );
  const { rows: lines } = await q.query<{ lineNo: number; sku: string; uom: string; qty: number; lots: Array<{ lot: string; qty: number; expiry: string | null }> }>(
    `SELECT ol.line_no AS "lineNo", p.sku, p.uom, ol.qty,
            coalesce((SELECT json_agg(json_build_object('lot', l.lot, 'qty', r.qty, 'expiry', to_char(l.expiry_date, 'YYYY-MM-DD')) ORDER BY l.expiry_date NULLS LAST, l.lot)
                        FROM reservations r JOIN stock_lots l ON l.id = r.stock_lot_id
                       WHERE r.order_line_id = ol.id AND r.status = 'consumed'), '[]'::json) AS lots
       FROM order_lines ol JOIN products p ON p.id = ol.product_id
      WHERE ol.order_id = $1 AND NOT ol.is_gift ORDER BY ol.line_no`,
    [orderId],
  );
  return {
    shipmentId: order!.number,
    orderNumber: order!.number,
    poNumber: po.poNumber,
    poDate: po.orderDate,
    shippedAt: order!.shippedAt ? new Date(order!.shippedAt) : new Date(),
    carrier: order!.carrier,
    trackingNumber: order!.trackingNumber,
    parties: po.parties,
    lines: lines.map((l, i) => {
      const poLine = po.lines[i];
      const shipped = l.lots.reduce((s, x) => s + x.qty, 0);
      return { poLineNo: poLine?.lineNo ?? String(l.lineNo), items: poLine?.items ?? [], sku: l.sku, qty: l.lots.length > 0 ? shipped : l.qty, unit: poLine?.unit ?? null, lots: l.lots };
    }),
  };
}
