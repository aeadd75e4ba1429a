/**
 * The dealer's order history for the risk rule, as one JSON column of the order-facts statement
 * (src/orders/facts.ts), so the order path pays no extra round trip. It reads the same snapshot
 * as the other facts, after the dealer's credit row is locked: concurrent orders of one dealer
 * see each other (velocity is exact).
 */
import type { RiskHistory } from './types.js';

export interface RiskHistoryWindow {
  /** How far back, in days. */
  days: number;
  /** Most recent orders read, at most. */
  orders: number;
}

/**
 * A scalar subquery over $1 (dealer id) and $4 (now), and the facts statement's `p` (the
 * ordered products). Cancelled and rejected orders are not history; held ones are (they were
 * attempts). `null` when no window is asked for. The numbers are validated integers.
 */
export function riskHistoryColumn(window: RiskHistoryWindow | undefined): string {
  if (!window) return 'NULL::json';
  const days = Math.trunc(window.days);
  const limit = Math.trunc(window.orders);
  return `(WITH h AS (SELECT o.id, o.created_at, o.net, o.ship_to_id, o.payment_method FROM orders o
                       WHERE o.dealer_id = $1 AND o.status NOT IN ('cancelled', 'rejected')
                         AND o.created_at > $4::timestamptz - interval '${days} days' AND o.created_at <= $4::timestamptz
                       ORDER BY o.created_at DESC LIMIT ${limit})
   SELECT json_build_object(
     'orders', coalesce((SELECT json_agg(json_build_object('at', h.created_at, 'net', h.net::text, 'shipTo', s.code, 'regionCode', s.region_code,
                                                          'paymentMethod', h.payment_method))
                           FROM h JOIN ship_tos s ON s.id = h.ship_to_id), '[]'),
     'skuQuantities', coalesce((SELECT json_object_agg(x.sku, x.qtys) FROM (SELECT p.sku, json_agg(ol.qty) AS qtys FROM h
                                  JOIN order_lines ol ON ol.order_id = h.id AND NOT ol.is_gift JOIN p ON p.id = ol.product_id GROUP BY p.sku) x), '{}')))`;
}

/** The column as read (PostgreSQL's JSON timestamps are ISO strings). */
export function toRiskHistory(raw: RiskHistory | null): RiskHistory | null {
  return raw === null ? null : { orders: raw.orders, skuQuantities: raw.skuQuantities ?? {} };
}
