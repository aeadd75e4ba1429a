/**
 * Order benchmark (issue 4): N concurrent clients place 5-line orders through the HTTP API on
 * PostgreSQL — uniform SKUs, then a hot set of 10 SKUs — beside a baseline measured in the same
 * run: the bare order transaction (credit lock, 5 conditional reservations, order, lines,
 * reservations) issued from Node with `pg`. Writes bench/results/order.json.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import pg from 'pg';
import { ROUTES } from '../src/api/routes.js';
import { issueToken } from '../src/core/auth/tokens.js';
import { createConnectorHub } from '../src/connectors/hub.js';
import { CONNECTORS } from '../src/connectors/registry.js';
import { configSchema } from '../src/core/config/schema.js';
import { openStore, type Store } from '../src/core/db/index.js';
import { migrate } from '../src/core/db/migrate.js';
import { quoteIdent } from '../src/core/db/pg-store.js';
import { createMetrics } from '../src/core/http/metrics.js';
import { buildServer } from '../src/core/http/server.js';
import { createInProcessRunner, createJobRegistry } from '../src/core/jobs/index.js';
import { createLogger } from '../src/core/logger.js';
import { ratioOf, type SummaryRow } from './table.js';

const CLIENTS = Number(process.env.BENCH_ORDER_CLIENTS ?? 16);
const SECONDS = Number(process.env.BENCH_ORDER_SECONDS ?? 8);
const SKUS = 1000;
const SCHEMA = 'bench_order';

export async function seed(store: Store): Promise<void> {
  await store.query(`
    INSERT INTO dealers (code, name, tier) SELECT 'B' || lpad(i::text, 3, '0'), 'bench ' || i, 'A' FROM generate_series(1, ${CLIENTS}) i;
    INSERT INTO dealer_regions (dealer_id, region_code) SELECT id, '44' FROM dealers;
    INSERT INTO ship_tos (dealer_id, code, name, address, region_code) SELECT id, code || '-01', name, 'addr', '440305' FROM dealers;
    INSERT INTO credit_accounts (dealer_id, credit_limit) SELECT id, 1000000000 FROM dealers;
    INSERT INTO products (sku, name, category) SELECT 'P' || i, 'product ' || i, 'C' || (i % 10) FROM generate_series(1, ${SKUS}) i;
    INSERT INTO price_lists (code, name, tier) VALUES ('TIER-A', 'A', 'A');
    INSERT INTO prices (price_list_id, product_id, unit_price) SELECT l.id, p.id, 10 + p.id % 90 FROM price_lists l, products p;
    INSERT INTO warehouses (code, name, region_code) VALUES ('W1', 'one', '4403');
    INSERT INTO stock_lots (product_id, warehouse_id, lot, on_hand, expiry_date)
      SELECT p.id, w.id, 'L' || n, 10000000, current_date + 100 * n FROM products p, warehouses w, generate_series(1, 2) n;
    -- Promotions in force, so the measured order path includes them (no budgets: those would add
    -- a hot row every order waits on, which is a property of the campaign, not of the path).
    INSERT INTO promotions (code, name, type, rules, eligibility, priority) VALUES
      ('B-MJ', '满500减20', 'threshold', '{"type":"threshold","threshold":"500.00","amountOff":"20.00"}', '{}', 10),
      ('B-TIER', '阶梯满减', 'tiered', '{"type":"tiered","tiers":[{"threshold":"300.00","amountOff":"5.00"},{"threshold":"800.00","amountOff":"25.00"}]}', '{}', 20),
      ('B-C1', 'C1 类 95 折', 'line_discount', '{"type":"line_discount","percentOff":"5","per":"unit"}', '{"categories":["C1"]}', 30),
      ('B-B2G1', '买十赠一', 'buy_x_get_y', '{"type":"buy_x_get_y","buy":10,"get":1,"maxFreeQty":5}', '{"products":["P7","P77","P777"]}', 40),
      ('B-PCT', '满1000享98折', 'order_percent', '{"type":"order_percent","percentOff":"2","minSubtotal":"1000.00"}', '{}', 50);
    ANALYZE;`);
}

function pickSkus(pool: number): string[] {
  const picked = new Set<string>();
  while (picked.size < 5) picked.add(`P${1 + Math.floor(Math.random() * pool)}`);
  return [...picked];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs `work` in CLIENTS concurrent loops for SECONDS; returns orders/s and latency percentiles. */
async function drive(work: (client: number) => Promise<void>): Promise<{ ordersPerSecond: number; p50Ms: number; p99Ms: number; orders: number }> {
  const latencies: number[] = [];
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await work(client);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { ordersPerSecond: Math.round(latencies.length / elapsed), p50Ms: Number(percentile(latencies, 50).toFixed(1)), p99Ms: Number(percentile(latencies, 99).toFixed(1)), orders: latencies.length };
}

async function baseline(url: string): Promise<Awaited<ReturnType<typeof drive>>> {
  const pool = new pg.Pool({ connectionString: url, max: CLIENTS, options: `-c search_path=${SCHEMA}` });
  const { rows: dealers } = await pool.query<{ id: string; ship: string }>('SELECT d.id, s.id AS ship FROM dealers d JOIN ship_tos s ON s.dealer_id = d.id ORDER BY d.id');
  const { rows: lots } = await pool.query<{ id: string; sku: string; product_id: string }>(
    `SELECT DISTINCT ON (p.sku) l.id, p.sku, p.id AS product_id FROM stock_lots l JOIN products p ON p.id = l.product_id ORDER BY p.sku, l.expiry_date`,
  );
  const lotBySku = new Map(lots.map((l) => [l.sku, l]));
  let seq = 0;
  const result = await drive(async (client) => {
    const dealer = dealers[client % dealers.length]!;
    const chosen = pickSkus(SKUS).map((sku) => lotBySku.get(sku)!).sort((a, b) => Number(a.id) - Number(b.id));
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await c.query('SELECT credit_limit FROM credit_accounts WHERE dealer_id = $1 FOR UPDATE', [dealer.id]);
      for (const lot of chosen) await c.query('UPDATE stock_lots SET reserved = reserved + 1 WHERE id = $1 AND on_hand - reserved >= 1', [lot.id]);
      const { rows } = await c.query<{ id: string }>(
        `INSERT INTO orders (number, dealer_id, channel, ship_to_id, status, gross, net) VALUES ($1, $2, 'api', $3, 'approved', 50, 50) RETURNING id`,
        [`BASE${process.pid}-${++seq}`, dealer.id, dealer.ship],
      );
      const orderId = rows[0]!.id;
      const { rows: lines } = await c.query<{ id: string }>(
        `INSERT INTO order_lines (order_id, line_no, product_id, qty, unit_price, gross, net)
         SELECT $1, n, p, 1, 10, 10, 10 FROM unnest($2::bigint[]) WITH ORDINALITY AS x(p, n) RETURNING id`,
        [orderId, chosen.map((l) => l.product_id)],
      );
      await c.query(`INSERT INTO reservations (order_line_id, stock_lot_id, qty) SELECT * , 1 FROM unnest($1::bigint[], $2::bigint[])`, [lines.map((l) => l.id), chosen.map((l) => l.id)]);
      await c.query('COMMIT');
    } catch (error) {
      await c.query('ROLLBACK');
      throw error;
    } finally {
      c.release();
    }
  });
  await pool.end();
  return result;
}

export async function benchOrder(): Promise<Record<string, unknown> | null> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log('order benchmark skipped: DATABASE_URL is not set (it measures PostgreSQL)');
    return null;
  }
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(SCHEMA)} CASCADE; CREATE SCHEMA ${quoteIdent(SCHEMA)}`);
  const store = await openStore({ url, schema: SCHEMA, poolSize: CLIENTS + 4 });
  try {
    await migrate(store);
    await seed(store);
    const base = await baseline(url);
    console.log(`baseline (bare transaction via pg): ${base.ordersPerSecond} orders/s, p50 ${base.p50Ms} ms, p99 ${base.p99Ms} ms`);

    const logger = createLogger({ level: 'warn', pretty: false });
    // BENCH_ORDER_CONFIG (JSON) overrides config sections for A/B runs, e.g. '{"risk":{"enabled":false}}'.
    const config = configSchema.parse({ log: { level: 'warn' }, ...JSON.parse(process.env.BENCH_ORDER_CONFIG ?? '{}') });
    const connectors = createConnectorHub({}, CONNECTORS, { logger, now: () => new Date() });
    const jobs = createInProcessRunner({ registry: createJobRegistry([]), logger, defaults: config.jobs });
    const app = await buildServer({ config, store, jobs, connectors, logger, metrics: createMetrics(), version: 'bench', isShuttingDown: () => false }, ROUTES);
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const tokens = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => issueToken(store, { kind: 'dealer', dealerCode: `B${String(i + 1).padStart(3, '0')}` })));
    const place = (pool: number) => async (client: number) => {
      const response = await fetch(`${address}/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[client]!.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ shipTo: `B${String(client + 1).padStart(3, '0')}-01`, lines: pickSkus(pool).map((sku) => ({ sku, qty: 1 })) }),
      });
      if (response.status !== 201) throw new Error(`order failed: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    };
    const uniform = await drive(place(SKUS));
    console.log(`dealer-hub API, uniform SKUs: ${uniform.ordersPerSecond} orders/s, p50 ${uniform.p50Ms} ms, p99 ${uniform.p99Ms} ms`);
    const hot = await drive(place(10));
    console.log(`dealer-hub API, hot set of 10 SKUs: ${hot.ordersPerSecond} orders/s, p50 ${hot.p50Ms} ms, p99 ${hot.p99Ms} ms`);
    await app.close();
    await jobs.close();

    const { rows } = await store.query<{ oversold: number; mismatched: number }>(
      `SELECT count(*) FILTER (WHERE reserved > on_hand)::int AS oversold,
              count(*) FILTER (WHERE reserved <> coalesce((SELECT sum(qty) FROM reservations r WHERE r.stock_lot_id = l.id AND r.status = 'active'), 0))::int AS mismatched
         FROM stock_lots l`,
    );
    const result = {
      clients: CLIENTS,
      secondsPerPhase: SECONDS,
      ordersPerSecond: uniform.ordersPerSecond,
      p50Ms: uniform.p50Ms,
      p99Ms: uniform.p99Ms,
      hotOrdersPerSecond: hot.ordersPerSecond,
      hotP50Ms: hot.p50Ms,
      hotP99Ms: hot.p99Ms,
      baselineOrdersPerSecond: base.ordersPerSecond,
      baselineP99Ms: base.p99Ms,
      ratio: Number((uniform.ordersPerSecond / base.ordersPerSecond).toFixed(2)),
      ratioGoal: 0.4,
      p99GoalMs: 50,
      oversold: rows[0]!.oversold,
      reservationLedgerMismatches: rows[0]!.mismatched,
      measuredAt: new Date().toISOString(),
      machine: `${cpus().length} cores, node ${process.version}`,
    };
    Object.assign(result, { summary: summarizeOrder(result) });
    writeFileSync(new URL('./results/order.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await store.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(SCHEMA)} CASCADE`);
    await admin.end();
  }
}

/** The rows this bench contributes to the one table (bench/table.ts). */
export function summarizeOrder(r: {
  ordersPerSecond: number;
  baselineOrdersPerSecond: number;
  ratioGoal: number;
  p99Ms: number;
  baselineP99Ms: number;
  p99GoalMs: number;
  hotOrdersPerSecond: number;
  oversold: number;
}): SummaryRow[] {
  return [
    { figure: 'order API throughput, uniform SKUs', value: r.ordersPerSecond, unit: 'orders/s', baseline: r.baselineOrdersPerSecond, ratio: ratioOf(r.ordersPerSecond, r.baselineOrdersPerSecond), goal: `≥ ${r.ratioGoal} × baseline (bare SQL)`, pass: r.ordersPerSecond >= r.ratioGoal * r.baselineOrdersPerSecond },
    { figure: 'order API p99 latency', value: r.p99Ms, unit: 'ms', baseline: r.baselineP99Ms, ratio: ratioOf(r.p99Ms, r.baselineP99Ms), goal: `≤ ${r.p99GoalMs} ms`, pass: r.p99Ms <= r.p99GoalMs },
    { figure: 'order API throughput, hot set of 10 SKUs', value: r.hotOrdersPerSecond, unit: 'orders/s', baseline: r.baselineOrdersPerSecond, ratio: ratioOf(r.hotOrdersPerSecond, r.baselineOrdersPerSecond), goal: null, pass: null },
    { figure: 'lots oversold after the run', value: r.oversold, unit: 'lots', baseline: null, ratio: null, goal: '0', pass: r.oversold === 0 },
  ];
}
