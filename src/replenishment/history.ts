/**
 * The facts replenishment decides on, read set-based for one dealer or all: demand per
 * dealer × product × bucket (from sell-through when the dealer reports it for that product,
 * else from its orders), the latest reported store stock, and what is on order.
 *
 * Buckets are whole periods ending yesterday (business date in the ordering time zone):
 * bucket 0 = the `bucketDays` days before today, bucket 1 the ones before that, … Today is
 * left out because it is not over yet.
 */
import type { Queryable } from '../core/db/index.js';

export interface HistorySettings {
  bucketDays: number;
  historyBuckets: number;
  timeZone: string;
}

export interface SeriesFacts {
  dealerId: number;
  productId: number;
  source: 'orders' | 'sell-through';
  /** Demand per bucket, oldest first, from the first bucket with demand to the last complete one. */
  history: number[];
  onHand: number;
  /** Latest stock report date per store, summed over stores; null when the dealer never reported stock. */
  onHandAsOf: string | null;
  onOrder: number;
}

/** Orders that will still arrive: everything placed and not yet delivered, cancelled or rejected. */
export const OPEN_ORDER_STATUSES = ['submitted', 'approved', 'held', 'released', 'confirmed', 'shipped'] as const;

type BucketRow = { dealer_id: number; product_id: number; bucket: number; qty: number };

export async function loadSeries(q: Queryable, settings: HistorySettings, asOf: string, dealerId: number | null): Promise<SeriesFacts[]> {
  const { bucketDays: bd, historyBuckets: nb, timeZone } = settings;
  // Gift lines are not demand (nobody asked for them); cancelled orders never happened.
  const orders = await q.query<BucketRow>(
    `SELECT o.dealer_id, ol.product_id, ($1::date - 1 - (o.created_at AT TIME ZONE $4)::date) / $2 AS bucket, sum(ol.qty)::int AS qty
       FROM orders o JOIN order_lines ol ON ol.order_id = o.id
      WHERE o.status <> 'cancelled' AND NOT ol.is_gift
        AND o.created_at >= ($1::date - $2 * $3)::timestamp AT TIME ZONE $4 AND o.created_at < $1::date::timestamp AT TIME ZONE $4
        AND ($5::bigint IS NULL OR o.dealer_id = $5)
      GROUP BY 1, 2, 3`,
    [asOf, bd, nb, timeZone, dealerId],
  );
  const sold = await q.query<BucketRow>(
    `SELECT dealer_id, product_id, ($1::date - 1 - report_date) / $2 AS bucket, sum(qty_sold)::int AS qty
       FROM sell_through
      WHERE qty_sold IS NOT NULL AND report_date < $1::date AND report_date >= $1::date - $2 * $3
        AND ($4::bigint IS NULL OR dealer_id = $4)
      GROUP BY 1, 2, 3`,
    [asOf, bd, nb, dealerId],
  );
  const stock = await q.query<{ dealer_id: number; product_id: number; on_hand: number; report_date: string }>(
    `SELECT DISTINCT ON (dealer_id, store_code, product_id) dealer_id, product_id, on_hand, report_date
       FROM sell_through
      WHERE on_hand IS NOT NULL AND report_date <= $1::date AND ($2::bigint IS NULL OR dealer_id = $2)
      ORDER BY dealer_id, store_code, product_id, report_date DESC`,
    [asOf, dealerId],
  );
  const open = await q.query<{ dealer_id: number; product_id: number; qty: number }>(
    `SELECT o.dealer_id, ol.product_id, sum(ol.qty)::int AS qty
       FROM orders o JOIN order_lines ol ON ol.order_id = o.id
      WHERE o.status = ANY($1::text[]) AND ($2::bigint IS NULL OR o.dealer_id = $2)
      GROUP BY 1, 2`,
    [OPEN_ORDER_STATUSES, dealerId],
  );
  return assemble(orders.rows, sold.rows, stock.rows, open.rows, nb);
}

const key = (dealer: number, product: number) => `${dealer}|${product}`;

/** Pure: the query results as one series per dealer × product. */
export function assemble(
  orders: readonly BucketRow[],
  sold: readonly BucketRow[],
  stock: ReadonlyArray<{ dealer_id: number; product_id: number; on_hand: number; report_date: string }>,
  open: ReadonlyArray<{ dealer_id: number; product_id: number; qty: number }>,
  buckets: number,
): SeriesFacts[] {
  const series = new Map<string, SeriesFacts>();
  const add = (rows: readonly BucketRow[], source: SeriesFacts['source']) => {
    for (const r of rows) {
      const k = key(Number(r.dealer_id), Number(r.product_id));
      let s = series.get(k);
      // Sell-through is the better signal (what end customers bought): it replaces order history.
      if (s && s.source !== source) {
        if (source === 'orders') continue;
        s = undefined;
      }
      if (!s) {
        s = { dealerId: Number(r.dealer_id), productId: Number(r.product_id), source, history: new Array<number>(buckets).fill(0), onHand: 0, onHandAsOf: null, onOrder: 0 };
        series.set(k, s);
      }
      const index = buckets - 1 - Number(r.bucket);
      if (index >= 0 && index < buckets) s.history[index]! += Number(r.qty);
    }
  };
  add(sold, 'sell-through');
  add(orders, 'orders');
  for (const r of stock) {
    const s = series.get(key(Number(r.dealer_id), Number(r.product_id)));
    if (!s) continue;
    s.onHand += Number(r.on_hand);
    if (!s.onHandAsOf || r.report_date > s.onHandAsOf) s.onHandAsOf = r.report_date;
  }
  for (const r of open) {
    const s = series.get(key(Number(r.dealer_id), Number(r.product_id)));
    if (s) s.onOrder += Number(r.qty);
  }
  for (const s of series.values()) {
    const first = s.history.findIndex((v) => v > 0);
    s.history = first < 0 ? [] : s.history.slice(first);
  }
  return [...series.values()].filter((s) => s.history.length > 0).sort((a, b) => a.dealerId - b.dealerId || a.productId - b.productId);
}
