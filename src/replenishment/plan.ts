/**
 * Replenishment plans: load the facts (history.ts), decide every line (suggest.ts, pure),
 * and replace each dealer's plan in one transaction. The nightly job runs this for every
 * active dealer; GET /v1/replenishment serves the stored plan and computes it on demand when
 * the dealer has none yet.
 */
import type { ReplenishmentConfig } from '../core/config/schema-replenishment.js';
import type { Queryable, Store } from '../core/db/index.js';
import { businessDate } from '../orders/evaluate.js';
import { loadSeries, type HistorySettings } from './history.js';
import { suggest, type SuggestSettings, type Suggestion } from './suggest.js';

export type ReplenishmentSettings = SuggestSettings & HistorySettings;

export function replenishmentSettings(config: { replenishment: ReplenishmentConfig; ordering: { timeZone: string } }): ReplenishmentSettings {
  const r = config.replenishment;
  const week = r.bucket === 'week';
  return {
    bucketDays: week ? 7 : 30,
    seasonLength: week ? 52 : 12,
    leadTimeDays: r.leadTimeDays,
    reviewPeriodDays: r.reviewPeriodDays,
    serviceLevel: r.serviceLevel,
    horizon: r.horizon,
    historyBuckets: r.historyBuckets,
    timeZone: config.ordering.timeZone,
  };
}

export interface PlanLine extends Suggestion {
  dealerId: number;
  productId: number;
  demandSource: 'orders' | 'sell-through';
}

export interface ComputeResult {
  dealers: number;
  series: number;
  suggested: number;
  asOf: string;
  methods: Record<string, number>;
}

/** Computes and stores plans for one dealer, or every active dealer when `dealerId` is null. */
export async function computePlans(store: Store, settings: ReplenishmentSettings, input: { dealerId: number | null; now: Date; trigger: string }): Promise<ComputeResult> {
  const asOf = businessDate(input.now, settings.timeZone);
  const series = await loadSeries(store, settings, asOf, input.dealerId);
  const { rows: products } = await store.query<{ id: number; pack_size: number; status: string }>(
    `SELECT id, pack_size, status FROM products WHERE id = ANY($1::bigint[])`,
    [[...new Set(series.map((s) => s.productId))]],
  );
  const product = new Map(products.map((p) => [Number(p.id), p]));
  const byDealer = new Map<number, PlanLine[]>();
  if (input.dealerId !== null) byDealer.set(input.dealerId, []);
  else {
    const { rows } = await store.query<{ id: number }>(`SELECT id FROM dealers WHERE status = 'active' ORDER BY id`);
    for (const r of rows) byDealer.set(Number(r.id), []);
  }
  const methods: Record<string, number> = {};
  for (const s of series) {
    const p = product.get(s.productId);
    const lines = byDealer.get(s.dealerId);
    if (!p || p.status !== 'active' || !lines) continue;
    const decided = suggest({ history: s.history, packSize: Number(p.pack_size), onHand: s.onHand, onOrder: s.onOrder }, settings);
    const reasoning = `${decided.reasoning}; demand from ${s.source === 'sell-through' ? 'reported sell-through' : 'the dealer\'s orders'}` +
      (s.onHandAsOf ? `, on hand as reported on ${s.onHandAsOf}` : s.source === 'orders' ? ', no stock reported (on hand 0)' : '');
    lines.push({ ...decided, reasoning, dealerId: s.dealerId, productId: s.productId, demandSource: s.source });
    methods[decided.method] = (methods[decided.method] ?? 0) + 1;
  }
  let suggested = 0;
  for (const [dealerId, lines] of byDealer) {
    await writePlan(store, dealerId, lines, { now: input.now, asOf, trigger: input.trigger, settings });
    suggested += lines.filter((l) => l.suggestedQty > 0).length;
  }
  return { dealers: byDealer.size, series: [...byDealer.values()].reduce((n, l) => n + l.length, 0), suggested, asOf, methods };
}

async function writePlan(store: Store, dealerId: number, lines: readonly PlanLine[], at: { now: Date; asOf: string; trigger: string; settings: ReplenishmentSettings }): Promise<void> {
  const methods: Record<string, number> = {};
  for (const l of lines) methods[l.method] = (methods[l.method] ?? 0) + 1;
  const { settings } = at;
  const summary = { bucketDays: settings.bucketDays, leadTimeDays: settings.leadTimeDays, reviewPeriodDays: settings.reviewPeriodDays, serviceLevel: settings.serviceLevel, series: lines.length, methods };
  await store.tx(async (q) => {
    await q.query('DELETE FROM replenishment_plans WHERE dealer_id = $1', [dealerId]);
    await q.query(`INSERT INTO replenishment_plans (dealer_id, generated_at, as_of, trigger, summary) VALUES ($1, $2, $3, $4, $5::jsonb)`, [dealerId, at.now, at.asOf, at.trigger, JSON.stringify(summary)]);
    if (lines.length === 0) return;
    const col = <T>(f: (l: PlanLine) => T) => lines.map(f);
    await q.query(
      `INSERT INTO replenishment_lines (dealer_id, product_id, suggested_qty, pack_size, forecast_per_week, demand_over_cover, lead_time_days, review_period_days,
                                        safety_stock, on_hand, on_order, method, demand_source, reasoning, detail)
       SELECT $1, p, q, ps, f, d, lt, rp, ss, oh, oo, m, ds, r, det::jsonb
         FROM unnest($2::bigint[], $3::int[], $4::int[], $5::numeric[], $6::numeric[], $7::int[], $8::int[], $9::int[], $10::int[], $11::int[], $12::text[], $13::text[], $14::text[], $15::text[])
           AS t(p, q, ps, f, d, lt, rp, ss, oh, oo, m, ds, r, det)`,
      [
        dealerId, col((l) => l.productId), col((l) => l.suggestedQty), col((l) => l.packSize), col((l) => l.forecastPerWeek.toFixed(2)), col((l) => l.demandOverCover.toFixed(2)),
        col((l) => l.leadTimeDays), col((l) => l.reviewPeriodDays), col((l) => l.safetyStock), col((l) => l.onHand), col((l) => l.onOrder),
        col((l) => l.method), col((l) => l.demandSource), col((l) => l.reasoning), col((l) => JSON.stringify(l.detail)),
      ],
    );
  });
}

export interface StoredSuggestion {
  sku: string;
  name: string;
  suggestedQty: number;
  packSize: number;
  unit: string;
  forecastPerWeek: number;
  leadTimeDays: number;
  reviewPeriodDays: number;
  safetyStock: number;
  onHand: number;
  onOrder: number;
  method: string;
  reasoning: string;
  demandSource: 'orders' | 'sell-through';
}

export async function loadPlan(q: Queryable, dealerId: number, includeZero: boolean): Promise<{ generatedAt: Date; asOf: string; suggestions: StoredSuggestion[] } | null> {
  const { rows: plans } = await q.query<{ generated_at: Date; as_of: string }>('SELECT generated_at, as_of FROM replenishment_plans WHERE dealer_id = $1', [dealerId]);
  if (!plans[0]) return null;
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT p.sku, p.name, l.suggested_qty, l.pack_size, p.uom, l.forecast_per_week, l.lead_time_days, l.review_period_days, l.safety_stock, l.on_hand, l.on_order,
            l.method, l.reasoning, l.demand_source
       FROM replenishment_lines l JOIN products p ON p.id = l.product_id
      WHERE l.dealer_id = $1 AND ($2 OR l.suggested_qty > 0)
      ORDER BY p.sku`,
    [dealerId, includeZero],
  );
  return {
    generatedAt: plans[0].generated_at,
    asOf: plans[0].as_of,
    suggestions: rows.map((r) => ({
      sku: String(r.sku), name: String(r.name), suggestedQty: Number(r.suggested_qty), packSize: Number(r.pack_size), unit: String(r.uom),
      forecastPerWeek: Number(r.forecast_per_week), leadTimeDays: Number(r.lead_time_days), reviewPeriodDays: Number(r.review_period_days),
      safetyStock: Number(r.safety_stock), onHand: Number(r.on_hand), onOrder: Number(r.on_order), method: String(r.method), reasoning: String(r.reasoning), demandSource: r.demand_source === 'sell-through' ? 'sell-through' : 'orders',
    })),
  };
}
