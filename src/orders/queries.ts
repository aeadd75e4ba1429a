import type { Queryable } from '../core/db/index.js';
import { UserError } from '../core/errors.js';
import type { CouponReport, LineDiscount, PromotionReport } from '../ordering/promotions/types.js';
import type { Finding } from '../ordering/types.js';
import { visibleToDealer } from '../promotions/views.js';
import { asOrderId } from './transition.js';

export interface OrderLineView {
  lineNo: number;
  sku: string;
  name: string;
  qty: number;
  unitPrice: string;
  lineTotal: string;
  discount: string;
  net: string;
  warehouse: string | null;
  lots: Array<{ lot: string; expiryDate: string | null; productionDate?: string | null; qty: number; status: string }>;
  /** The product's shelf life and category, for the line's expiry tier (not part of the API view). */
  shelfLifeDays?: number | null;
  category?: string | null;
  isGift: boolean;
  /** The promotion code that gave a gift line. */
  giftOf: string | null;
  discounts: LineDiscount[];
}

export interface OrderView {
  id: string;
  number: string;
  dealer: string;
  status: string;
  channel: string;
  externalRef: string | null;
  shipTo: { code: string; regionCode: string };
  review: { decision: 'approve' | 'hold'; findings: Finding[] } | null;
  lines: OrderLineView[];
  totals: { gross: string; discount: string; net: string; currency: string };
  /** Every promotion considered when the order was placed (a dealer sees those meant for it). */
  promotions: PromotionReport[];
  coupons: CouponReport[];
  erpOrderNo: string | null;
  /** The carrier and tracking number a TMS reported when the order shipped (issue 6). */
  carrier: string | null;
  trackingNumber: string | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  note: string | null;
  createdAt: Date;
  updatedAt: Date;
  events?: Array<{ type: string; fromStatus: string | null; toStatus: string | null; actor: string; reasons: unknown; message: string | null; at: Date }>;
}

/** Unit prices are stored to 4 places; show at least 2 and no trailing zeros beyond them ("2.40", "2.3333"). */
export function displayPrice(value: string): string {
  const [whole, fraction = ''] = value.split('.');
  const trimmed = fraction.replace(/0+$/, '').padEnd(2, '0');
  return `${whole}.${trimmed}`;
}

const ORDER_COLUMNS = `o.id, o.number, d.code AS dealer, o.status, o.channel, o.external_ref AS "externalRef",
  json_build_object('code', s.code, 'regionCode', s.region_code) AS "shipTo", o.review, o.erp_order_no AS "erpOrderNo", o.note,
  o.carrier, o.tracking_number AS "trackingNumber", o.shipped_at AS "shippedAt", o.delivered_at AS "deliveredAt",
  json_build_object('gross', o.gross::text, 'discount', o.discount::text, 'net', o.net::text, 'currency', o.currency) AS totals,
  o.created_at AS "createdAt", o.updated_at AS "updatedAt"`;
const ORDER_FROM = `orders o JOIN dealers d ON d.id = o.dealer_id JOIN ship_tos s ON s.id = o.ship_to_id`;

/**
 * One order with lines, lots and events, in one statement (it is read back after every order
 * placed); `dealerId` null = any dealer (admin). Null when not visible.
 */
export async function getOrder(q: Queryable, dealerId: number | null, id: string): Promise<OrderView | null> {
  if (!asOrderId(id)) return null;
  type Row = Omit<OrderView, 'promotions' | 'coupons'> & {
    events: Array<Omit<NonNullable<OrderView['events']>[number], 'at'> & { at: string }>;
    promotionReport: { promotions: PromotionReport[]; coupons: CouponReport[] } | null;
  };
  const { rows } = await q.query<Row>(
    `SELECT ${ORDER_COLUMNS}, o.promotions AS "promotionReport",
            coalesce((SELECT json_agg(json_build_object(
                       'lineNo', ol.line_no, 'sku', p.sku, 'name', p.name, 'qty', ol.qty, 'unitPrice', ol.unit_price::text,
                       'lineTotal', ol.gross::text, 'discount', ol.discount::text, 'net', ol.net::text, 'warehouse', w.code,
                       'isGift', ol.is_gift, 'giftOf', (SELECT pr.code FROM promotions pr WHERE pr.id = ol.promotion_id), 'discounts', ol.discounts,
                       'shelfLifeDays', p.shelf_life_days, 'category', p.category,
                       'lots', coalesce((SELECT json_agg(json_build_object('lot', l.lot, 'expiryDate', l.expiry_date, 'productionDate', l.production_date,
                                                                           'qty', r.qty, 'status', r.status)
                                                         ORDER BY l.expiry_date, l.lot)
                                           FROM reservations r JOIN stock_lots l ON l.id = r.stock_lot_id WHERE r.order_line_id = ol.id), '[]'))
                       ORDER BY ol.line_no)
                        FROM order_lines ol JOIN products p ON p.id = ol.product_id LEFT JOIN warehouses w ON w.id = ol.warehouse_id
                       WHERE ol.order_id = o.id), '[]') AS lines,
            coalesce((SELECT json_agg(json_build_object('type', e.type, 'fromStatus', e.from_status, 'toStatus', e.to_status, 'actor', e.actor,
                                                        'reasons', e.reasons, 'message', e.message, 'at', e.created_at) ORDER BY e.id)
                        FROM order_events e WHERE e.order_id = o.id), '[]') AS events
       FROM ${ORDER_FROM} WHERE o.id = $1 AND ($2::bigint IS NULL OR o.dealer_id = $2)`,
    [id, dealerId],
    // Read back after every order placed: prepared, so its plan is made once per connection.
    { prepare: true },
  );
  const row = rows[0];
  if (!row) return null;
  const { promotionReport, ...order } = row;
  const promotions = promotionReport?.promotions ?? [];
  return {
    ...order,
    promotions: dealerId === null ? promotions : visibleToDealer(promotions),
    coupons: promotionReport?.coupons ?? [],
    lines: order.lines.map((line) => ({ ...line, unitPrice: displayPrice(line.unitPrice) })),
    events: order.events.map((event) => ({ ...event, at: new Date(event.at) })),
  };
}

export interface OrderFilter {
  status?: string | undefined;
  since?: Date | undefined;
  externalRef?: string | undefined;
  /** Keyset: the `createdAt|id` of the last order of the previous page. */
  cursor?: string | undefined;
  limit: number;
}

/** `createdAt|id` as nextCursor writes it: an ISO instant and a UUID. */
const CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z\|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A dealer's orders (or every dealer's, for admins), newest first, keyset-paged. */
export async function listOrders(q: Queryable, dealerId: number | null, filter: OrderFilter): Promise<{ items: Omit<OrderView, 'lines' | 'events'>[]; nextCursor: string | null }> {
  const [cursorAt, cursorId] = filter.cursor ? filter.cursor.split('|') : [null, null];
  // Checked here for every caller: a malformed cursor used to fail the SQL casts as a 500 (found by test/fuzz).
  if (filter.cursor && !(CURSOR.test(filter.cursor) && !Number.isNaN(Date.parse(cursorAt!)))) {
    throw new UserError('cursor is not one this API returned', { code: 'invalid_cursor' }, 400);
  }
  const { rows } = await q.query<Omit<OrderView, 'lines' | 'events'>>(
    `SELECT ${ORDER_COLUMNS} FROM ${ORDER_FROM}
      WHERE ($1::bigint IS NULL OR o.dealer_id = $1) AND ($2::text IS NULL OR o.status = $2) AND ($3::timestamptz IS NULL OR o.created_at >= $3)
        AND ($4::text IS NULL OR o.external_ref = $4)
        AND ($5::timestamptz IS NULL OR (o.created_at, o.id) < ($5::timestamptz, $6::uuid))
      ORDER BY o.created_at DESC, o.id DESC LIMIT $7`,
    [dealerId, filter.status ?? null, filter.since ?? null, filter.externalRef ?? null, cursorAt ?? null, cursorId ?? null, filter.limit + 1],
  );
  const more = rows.length > filter.limit;
  const items = rows.slice(0, filter.limit);
  const last = items.at(-1);
  return { items, nextCursor: more && last ? `${last.createdAt.toISOString()}|${last.id}` : null };
}
