/**
 * The `inventory.expiry-alerts` job: finds lots whose expiry tier got worse since the last run
 * (no tier → blue → yellow → red → expired), and raises an alert for each — a log line, the
 * dealer_hub_expiry_alerts_total counter, and one webhook POST carrying them all. The last tier
 * seen per lot and the alerts are written in one transaction, so a crossing is alerted once; the
 * webhook is called after the commit, and alerts it has not taken stay 'pending' and go with the
 * next run (a failed call fails the job, which the runner retries). On the first run every lot
 * already in a tier is a crossing from "no tier".
 */
import { z } from 'zod';
import type { InventoryConfig } from '../core/config/schema-inventory.js';
import type { Queryable, Store } from '../core/db/index.js';
import { TransientError } from '../core/errors.js';
import { defineJob } from '../core/jobs/index.js';
import type { Logger } from '../core/logger.js';
import { businessDate } from '../orders/evaluate.js';
import { loadLotExpiries, type LotExpiry } from './expiry-report.js';
import { isWorse, type ExpiryTier } from './shelf-life.js';

export const EXPIRY_ALERTS_JOB = 'inventory.expiry-alerts';

export interface ExpiryAlert {
  id: number;
  lotId: number;
  sku: string;
  warehouse: string;
  lot: string;
  fromTier: ExpiryTier | 'none';
  toTier: ExpiryTier;
  expiryDate: string | null;
  remainingDays: number | null;
  remainingFraction: number | null;
  onHand: number;
  available: number;
  value: string | null;
}

export interface ExpiryAlertDeps {
  store: Store;
  logger: Logger;
  config: InventoryConfig;
  timeZone: string;
  /** Counts raised alerts (the daemon's Prometheus counter). */
  observe?: ((alerts: ExpiryAlert[]) => void) | undefined;
}

export interface ExpiryAlertRun {
  businessDate: string;
  lotsChecked: number;
  raised: ExpiryAlert[];
  /** Alerts (raised now or earlier) the webhook took in this run. */
  delivered: number;
}

type Seen = ExpiryTier | 'none';

/** The pure part: lots whose tier is worse than the one last seen (unseen lots count as 'none'). */
export function crossings(lots: LotExpiry[], lastSeen: ReadonlyMap<number, Seen>): Array<{ lot: LotExpiry; from: Seen; to: ExpiryTier }> {
  const out: Array<{ lot: LotExpiry; from: Seen; to: ExpiryTier }> = [];
  for (const lot of lots) {
    const from = lastSeen.get(lot.lotId) ?? 'none';
    if (lot.tier !== null && isWorse(from === 'none' ? null : from, lot.tier)) out.push({ lot, from, to: lot.tier });
  }
  return out;
}

export async function runExpiryAlerts(deps: ExpiryAlertDeps, now: Date): Promise<ExpiryAlertRun> {
  const today = businessDate(now, deps.timeZone);
  const webhook = deps.config.expiry.webhook;
  const { lots, raised } = await deps.store.tx(async (q) => {
    // One run at a time across replicas: two runs would both see the old tiers and alert twice.
    await q.query(`SELECT pg_advisory_xact_lock(hashtext('dealer-hub:expiry-alerts'))`);
    const lots = await loadLotExpiries(q, deps.config, today);
    const { rows } = await q.query<{ lotId: number; tier: Seen }>('SELECT stock_lot_id::int AS "lotId", tier FROM expiry_lot_tiers');
    const found = crossings(lots, new Map(rows.map((r) => [Number(r.lotId), r.tier])));
    await saveTiers(q, lots);
    const raised = await recordAlerts(q, found, today, webhook ? 'pending' : 'none');
    return { lots, raised };
  });
  for (const alert of raised) {
    deps.logger.warn({ alert }, `expiry alert: lot ${alert.lot} of ${alert.sku} in ${alert.warehouse} went ${alert.fromTier} → ${alert.toTier} (${alert.onHand} on hand, expires ${alert.expiryDate})`);
  }
  deps.observe?.(raised);
  const delivered = webhook ? await sendPending(deps.store, webhook, today) : 0;
  return { businessDate: today, lotsChecked: lots.length, raised, delivered };
}

async function saveTiers(q: Queryable, lots: LotExpiry[]): Promise<void> {
  const rows = lots.map((l) => ({ id: l.lotId, tier: l.tier ?? 'none' }));
  await q.query(
    `INSERT INTO expiry_lot_tiers (stock_lot_id, tier)
     SELECT x.id, x.tier FROM json_to_recordset($1::json) AS x(id bigint, tier text)
     ON CONFLICT (stock_lot_id) DO UPDATE SET tier = excluded.tier, seen_at = now() WHERE expiry_lot_tiers.tier <> excluded.tier`,
    [JSON.stringify(rows)],
  );
}

async function recordAlerts(q: Queryable, found: ReturnType<typeof crossings>, today: string, status: 'pending' | 'none'): Promise<ExpiryAlert[]> {
  if (found.length === 0) return [];
  const { rows } = await q.query<{ id: number; lotId: number }>(
    `INSERT INTO expiry_alerts (stock_lot_id, from_tier, to_tier, business_date, on_hand, webhook_status)
     SELECT x.id, x.from_tier, x.to_tier, $2::date, x.on_hand, $3 FROM json_to_recordset($1::json) AS x(id bigint, from_tier text, to_tier text, on_hand int)
     RETURNING id::int, stock_lot_id::int AS "lotId"`,
    [JSON.stringify(found.map((f) => ({ id: f.lot.lotId, from_tier: f.from, to_tier: f.to, on_hand: f.lot.onHand }))), today, status],
  );
  const ids = new Map(rows.map((r) => [Number(r.lotId), Number(r.id)]));
  return found.map(({ lot, from, to }) => ({
    id: ids.get(lot.lotId)!,
    lotId: lot.lotId,
    sku: lot.sku,
    warehouse: lot.warehouse,
    lot: lot.lot,
    fromTier: from,
    toTier: to,
    expiryDate: lot.expiryDate,
    remainingDays: lot.remainingDays,
    remainingFraction: lot.remainingFraction,
    onHand: lot.onHand,
    available: lot.available,
    value: lot.value,
  }));
}

/** Posts every pending alert in one request; marks them sent on a 2xx, else fails (the job retries). */
async function sendPending(store: Store, webhook: NonNullable<InventoryConfig['expiry']['webhook']>, today: string): Promise<number> {
  const { rows } = await store.query<{ id: number; lotId: number; sku: string; warehouse: string; lot: string; fromTier: string; toTier: string; expiryDate: string | null; onHand: number; raisedAt: Date }>(
    `SELECT a.id::int, a.stock_lot_id::int AS "lotId", p.sku, w.code AS warehouse, l.lot, a.from_tier AS "fromTier", a.to_tier AS "toTier",
            l.expiry_date::text AS "expiryDate", a.on_hand AS "onHand", a.raised_at AS "raisedAt"
       FROM expiry_alerts a JOIN stock_lots l ON l.id = a.stock_lot_id JOIN products p ON p.id = l.product_id JOIN warehouses w ON w.id = l.warehouse_id
      WHERE a.webhook_status = 'pending' ORDER BY a.id LIMIT 1000`,
  );
  if (rows.length === 0) return 0;
  let response: Response;
  try {
    response = await fetch(webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...webhook.headers },
      body: JSON.stringify({ event: 'expiry.tier_crossed', businessDate: today, alerts: rows }),
      signal: AbortSignal.timeout(webhook.timeoutMs),
    });
  } catch (error) {
    throw new TransientError(`expiry alert webhook ${webhook.url} unreachable: ${(error as Error).message}`, { alerts: rows.length }, { cause: error });
  }
  if (!response.ok) throw new TransientError(`expiry alert webhook ${webhook.url} answered ${response.status}`, { alerts: rows.length });
  await store.query(`UPDATE expiry_alerts SET webhook_status = 'sent' WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
  return rows.length;
}

export function expiryAlertsJob(deps: Omit<ExpiryAlertDeps, 'logger'> & { logger: Logger }) {
  return defineJob({
    name: EXPIRY_ALERTS_JOB,
    payload: z.object({}).strict(),
    concurrency: 1,
    async handle(_payload, ctx) {
      const run = await runExpiryAlerts({ ...deps, logger: ctx.logger }, new Date());
      return { businessDate: run.businessDate, lotsChecked: run.lotsChecked, raised: run.raised.length, delivered: run.delivered };
    },
  });
}
