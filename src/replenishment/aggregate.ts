/**
 * The brand's view of the stored plans (GET /admin/replenishment): forecast demand,
 * suggested quantities, dealer stock and open orders summed by SKU, or by dealer, optionally
 * for one dealer or one SKU. Reads the latest plan of every dealer; one grouped query each.
 */
import type { Queryable } from '../core/db/index.js';

export interface AggregateFilter {
  by: 'sku' | 'dealer';
  dealer?: string | undefined;
  sku?: string | undefined;
}

export interface AggregateRow {
  key: string;
  name: string;
  dealers: number;
  skus: number;
  dealersToOrder: number;
  forecastPerWeek: number;
  suggestedQty: number;
  onHand: number;
  onOrder: number;
  methods: Record<string, number>;
}

export async function aggregatePlans(q: Queryable, filter: AggregateFilter): Promise<{ generatedFrom: Date | null; generatedTo: Date | null; rows: AggregateRow[] }> {
  const keyCol = filter.by === 'sku' ? 'p.sku' : 'd.code';
  const nameCol = filter.by === 'sku' ? 'p.name' : 'd.name';
  const where = `($1::text IS NULL OR d.code = $1) AND ($2::text IS NULL OR p.sku = $2)`;
  const from = `replenishment_lines l JOIN replenishment_plans rp ON rp.dealer_id = l.dealer_id JOIN products p ON p.id = l.product_id JOIN dealers d ON d.id = l.dealer_id`;
  const params = [filter.dealer ?? null, filter.sku ?? null];
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT ${keyCol} AS key, min(${nameCol}) AS name, count(DISTINCT l.dealer_id)::int AS dealers, count(DISTINCT l.product_id)::int AS skus,
            count(*) FILTER (WHERE l.suggested_qty > 0)::int AS to_order, sum(l.forecast_per_week)::text AS forecast_per_week,
            sum(l.suggested_qty)::int AS suggested_qty, sum(l.on_hand)::int AS on_hand, sum(l.on_order)::int AS on_order
       FROM ${from} WHERE ${where} GROUP BY 1 ORDER BY sum(l.suggested_qty) DESC, 1`,
    params,
  );
  const { rows: methodRows } = await q.query<{ key: string; method: string; n: number }>(
    `SELECT ${keyCol} AS key, l.method, count(*)::int AS n FROM ${from} WHERE ${where} GROUP BY 1, 2`,
    params,
  );
  const { rows: span } = await q.query<{ lo: Date | null; hi: Date | null }>(
    `SELECT min(rp.generated_at) AS lo, max(rp.generated_at) AS hi FROM replenishment_plans rp JOIN dealers d ON d.id = rp.dealer_id WHERE $1::text IS NULL OR d.code = $1`,
    [filter.dealer ?? null],
  );
  const methods = new Map<string, Record<string, number>>();
  for (const m of methodRows) methods.set(m.key, { ...methods.get(m.key), [m.method]: Number(m.n) });
  return {
    generatedFrom: span[0]?.lo ?? null,
    generatedTo: span[0]?.hi ?? null,
    rows: rows.map((r) => ({
      key: String(r.key), name: String(r.name), dealers: Number(r.dealers), skus: Number(r.skus), dealersToOrder: Number(r.to_order),
      forecastPerWeek: Number(Number(r.forecast_per_week).toFixed(2)), suggestedQty: Number(r.suggested_qty), onHand: Number(r.on_hand), onOrder: Number(r.on_order),
      methods: methods.get(String(r.key)) ?? {},
    })),
  };
}
