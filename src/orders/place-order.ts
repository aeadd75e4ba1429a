/**
 * Placing an order: one transaction that decides and commits together — idempotency and
 * duplicate-PO checks, locked facts, pricing, FEFO allocation, review, the order with its lines,
 * reservations, audit events, and (when approved) the outbox row for the ERP hand-off.
 */
import { createHash } from 'node:crypto';
import type { Queryable, Store } from '../core/db/index.js';
import { ConflictError, UserError } from '../core/errors.js';
import type { OrderLineRequest } from '../ordering/types.js';
import { consume, recordRedemptions, redemptionsOf, type Redemption } from '../promotions/redemptions.js';
import { businessDate, evaluateOrder, type Evaluation, type OrderingSettings } from './evaluate.js';
import { loadOrderFacts, type DealerRef, type OrderFacts } from './facts.js';
import { getOrder, type OrderView } from './queries.js';
import { adjustExposure } from './transition.js';

export type { OrderingSettings } from './evaluate.js';

export type Channel = 'portal' | 'api' | 'batch' | 'edi';

export interface OrderRequest {
  externalRef?: string | undefined;
  shipTo: string;
  lines: OrderLineRequest[];
  couponCodes?: string[] | undefined;
  note?: string | undefined;
  /** Optional, free text (e.g. transfer, acceptance); the risk rule compares it with the dealer's usual one. */
  paymentMethod?: string | undefined;
}

export interface PlaceOrderInput {
  dealer: DealerRef;
  channel: Channel;
  request: OrderRequest;
  idempotencyKey?: string | undefined;
  actor: string;
  now: Date;
  /** Runs in the order's transaction once a new order is written (EDI writes its order response there). */
  within?: (q: Queryable, orderId: string) => Promise<void>;
}

export interface PlacedOrder {
  order: OrderView;
  /** true when an earlier request with the same Idempotency-Key created it. */
  replayed: boolean;
}

/** A stable digest of what was asked, so a replayed key with a different body is caught. */
export function requestHash(request: OrderRequest): string {
  const canonical: Record<string, unknown> = { externalRef: request.externalRef ?? null, shipTo: request.shipTo, note: request.note ?? null, lines: request.lines.map((l) => [l.sku, l.qty]) };
  // Only when given, so digests of orders placed before coupons existed stay the same.
  const coupons = couponCodes(request);
  if (coupons.length > 0) canonical.coupons = coupons;
  if (request.paymentMethod !== undefined) canonical.paymentMethod = request.paymentMethod;
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** Entered codes, trimmed, without blanks and repeats (case-insensitive), in entry order. */
export function couponCodes(request: Pick<OrderRequest, 'couponCodes'>): string[] {
  const seen = new Set<string>();
  const codes: string[] = [];
  for (const raw of request.couponCodes ?? []) {
    const code = raw.trim();
    if (code === '' || seen.has(code.toLowerCase())) continue;
    seen.add(code.toLowerCase());
    codes.push(code);
  }
  return codes;
}

async function decide(q: Queryable, dealer: DealerRef, request: OrderRequest, settings: OrderingSettings, now: Date, channel: Channel, lock: boolean) {
  const codes = couponCodes(request);
  const facts = await loadOrderFacts(q, dealer, request.shipTo, request.lines.map((line) => line.sku), { lock, now, couponCodes: codes, inventory: settings.inventory, riskHistory: riskWindow(settings) });
  const evaluation = evaluateOrder(request.lines, facts, settings, businessDate(now, settings.timeZone), { now, channel, couponCodes: codes, paymentMethod: request.paymentMethod });
  return { facts, evaluation };
}

const riskWindow = (settings: OrderingSettings) =>
  settings.risk?.enabled ? { days: settings.risk.historyDays, orders: settings.risk.historyOrders } : undefined;

/** Price, promote and review without committing anything (carts, portal previews). */
export async function quoteOrder(store: Store, dealer: DealerRef, request: OrderRequest, settings: OrderingSettings, now: Date, channel: Channel = 'api'): Promise<Evaluation> {
  return (await decide(store, dealer, request, settings, now, channel, false)).evaluation;
}

/** An order is refused when a code the dealer typed cannot be used: they expected money off. */
function refuseInvalidCoupons(evaluation: Evaluation): void {
  const invalid = evaluation.promotions.coupons.filter((c) => c.status === 'invalid');
  if (invalid.length === 0) return;
  throw new UserError(invalid.map((c) => c.reason.message.en).join('; '), { code: 'invalid_coupon', coupons: invalid });
}

/** Rounds of evaluate → consume before giving up; each failed round means a budget ran out meanwhile. */
const CONSUME_ATTEMPTS = 5;

/**
 * Evaluates on locked facts and takes the promotions' budgets. When a budget or coupon ran out
 * between reading and taking it, the takings are rolled back and the order is evaluated again
 * on fresh counters (the promotion that ran out is then reported as such).
 */
async function decideAndConsume(
  q: Queryable,
  input: PlaceOrderInput,
  settings: OrderingSettings,
): Promise<{ facts: OrderFacts; evaluation: Evaluation; redemptions: Redemption[] }> {
  for (let attempt = 1; ; attempt += 1) {
    const decided = await decide(q, input.dealer, input.request, settings, input.now, input.channel, true);
    refuseInvalidCoupons(decided.evaluation);
    const redemptions = redemptionsOf(decided.evaluation.promotions, decided.facts.promotions, decided.facts.coupons);
    if (redemptions.length === 0) return { ...decided, redemptions };
    await q.query('SAVEPOINT promotions');
    const shortage = await consume(q, input.dealer.dealerId, redemptions);
    if (shortage === null) return { ...decided, redemptions };
    await q.query('ROLLBACK TO SAVEPOINT promotions');
    if (attempt >= CONSUME_ATTEMPTS) throw new ConflictError(`${shortage.what} ran out while the order was placed; try again`, { code: 'promotion_contention' });
  }
}

export async function placeOrder(store: Store, input: PlaceOrderInput, settings: OrderingSettings): Promise<PlacedOrder> {
  const { dealer, request } = input;
  const hash = requestHash(request);
  const orderId = await store.tx(async (q) => {
    const earlier = await findEarlier(q, dealer, input.idempotencyKey, request.externalRef, hash);
    if (earlier) return { id: earlier, replayed: true };
    const { facts, evaluation, redemptions } = await decideAndConsume(q, input, settings);
    const id = await writeOrder(q, input, facts.shipTo.id, facts.products, evaluation, hash);
    await recordRedemptions(q, id, dealer.dealerId, redemptions);
    await input.within?.(q, id);
    return { id, replayed: false };
  });
  const order = await getOrder(store, dealer.dealerId, orderId.id);
  return { order: order!, replayed: orderId.replayed };
}

async function findEarlier(q: Queryable, dealer: DealerRef, key: string | undefined, externalRef: string | undefined, hash: string): Promise<string | undefined> {
  if (key) {
    const { rows } = await q.query<{ id: string; number: string; request_hash: string }>(
      'SELECT id, number, request_hash FROM orders WHERE dealer_id = $1 AND idempotency_key = $2',
      [dealer.dealerId, key],
    );
    const row = rows[0];
    if (row && row.request_hash !== hash) {
      throw new ConflictError(`Idempotency-Key ${key} was already used for order ${row.number} with a different request`, { order: row.number });
    }
    if (row) return row.id;
  }
  if (externalRef) {
    const { rows } = await q.query<{ number: string; channel: string }>(
      `SELECT number, channel FROM orders WHERE dealer_id = $1 AND external_ref = $2 AND status <> 'cancelled'`,
      [dealer.dealerId, externalRef],
    );
    const row = rows[0];
    if (row) {
      throw new ConflictError(`purchase order ${externalRef} was already placed as order ${row.number} (channel ${row.channel})`, {
        code: 'duplicate_po',
        order: row.number,
      });
    }
  }
  return undefined;
}

async function writeOrder(
  q: Queryable,
  input: PlaceOrderInput,
  shipToId: number,
  products: Map<string, { id: number }>,
  evaluation: Evaluation,
  hash: string,
): Promise<string> {
  const { totals, availability, review } = evaluation;
  const status = review.decision === 'approve' ? 'approved' : 'held';
  const { rows } = await q.query<{ id: string; number: string }>(
    `INSERT INTO orders (number, dealer_id, channel, external_ref, idempotency_key, request_hash, ship_to_id, status, currency, gross, discount, net, review, note, promotions, payment_method)
     VALUES ('DH' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYMMDD') || lpad(nextval('order_number_seq')::text, 7, '0'),
             $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14::jsonb, $15)
     RETURNING id, number`,
    [
      input.dealer.dealerId, input.channel, input.request.externalRef ?? null, input.idempotencyKey ?? null, hash, shipToId, status,
      totals.currency, totals.gross, totals.discount, totals.net, JSON.stringify(review), input.request.note ?? null,
      JSON.stringify({ promotions: evaluation.promotions.promotions, coupons: evaluation.promotions.coupons }),
      input.request.paymentMethod ?? null,
    ],
  );
  const order = rows[0]!;
  const lines = evaluation.lines.map((line) => {
    const lineAvailability = availability.find((a) => a.lineNo === line.lineNo);
    return {
      line_no: line.lineNo, product_id: products.get(line.sku)!.id, warehouse_code: lineAvailability?.warehouseCode ?? null, qty: line.qty,
      unit_price: line.unitPrice, gross: line.gross, discount: line.discount, net: line.net, is_gift: line.isGift, promotion_id: line.giftOf?.id ?? null,
      discounts: line.discounts,
    };
  });
  await q.query(
    `INSERT INTO order_lines (order_id, line_no, product_id, warehouse_id, qty, unit_price, gross, discount, net, is_gift, promotion_id, discounts)
     SELECT $1, x.line_no, x.product_id, w.id, x.qty, x.unit_price, x.gross, x.discount, x.net, x.is_gift, x.promotion_id, x.discounts
       FROM json_to_recordset($2::json) AS x(line_no int, product_id bigint, warehouse_code text, qty int, unit_price numeric, gross numeric, discount numeric,
                                             net numeric, is_gift boolean, promotion_id bigint, discounts jsonb)
       LEFT JOIN warehouses w ON w.code = x.warehouse_code`,
    [order.id, JSON.stringify(lines)],
  );
  if (status === 'approved') await reserve(q, order.id, availability);
  await q.query(
    `INSERT INTO order_events (order_id, type, from_status, to_status, actor, reasons, message)
     VALUES ($1, 'submitted', NULL, 'submitted', $2, '[]', $3), ($1, 'reviewed', 'submitted', $4, 'review', $5::jsonb, $6)`,
    [order.id, input.actor, `order received via ${input.channel}`, status, JSON.stringify(review.findings), reviewSentence(review.decision, review.findings.length)],
  );
  if (status === 'approved') {
    await adjustExposure(q, order.id, 1);
    await announceApproval(q, order.id, order.number);
  }
  return order.id;
}

/** The ERP hand-off, queued in the transaction that approves the order (DESIGN: outbox). */
export async function announceApproval(q: Queryable, orderId: string, number: string): Promise<void> {
  await q.query(`INSERT INTO outbox (event, aggregate_type, aggregate_id, target, payload) VALUES ('order.approved', 'order', $1, 'erp', $2::jsonb)`, [
    orderId,
    JSON.stringify({ orderId, number }),
  ]);
}

/**
 * The lots are locked by this transaction (facts were loaded FOR UPDATE), so the guard in the
 * UPDATE can only fail on a bug; it is there so a bug cannot oversell.
 */
export async function reserve(q: Queryable, orderId: string, availability: Evaluation['availability']): Promise<void> {
  const allocations = availability.flatMap((line) => line.allocations.map((a) => ({ line_no: line.lineNo, lot_id: a.lotId, qty: a.qty })));
  if (allocations.length === 0) return;
  const json = JSON.stringify(allocations);
  const updated = await q.query(
    `UPDATE stock_lots l SET reserved = l.reserved + x.qty
       FROM (SELECT lot_id, sum(qty)::int AS qty FROM json_to_recordset($1::json) AS r(lot_id bigint, qty int) GROUP BY lot_id) x
      WHERE l.id = x.lot_id AND l.on_hand - l.reserved >= x.qty`,
    [json],
  );
  const lots = new Set(allocations.map((a) => a.lot_id)).size;
  if (updated.rowCount !== lots) throw new ConflictError('stock changed while the order was being reserved; nothing was written');
  await q.query(
    `INSERT INTO reservations (order_line_id, stock_lot_id, qty)
     SELECT ol.id, x.lot_id, x.qty FROM json_to_recordset($2::json) AS x(line_no int, lot_id bigint, qty int)
       JOIN order_lines ol ON ol.order_id = $1 AND ol.line_no = x.line_no`,
    [orderId, json],
  );
}

function reviewSentence(decision: 'approve' | 'hold', findings: number): string {
  return decision === 'approve' ? `approved automatically${findings > 0 ? ` with ${findings} note(s)` : ''}` : `held for review: ${findings} finding(s)`;
}
