/**
 * Sync benchmark (issue 3): 1,000,000 stock rows (SKU × warehouse × lot) from a CSV file through
 * the `file` connector into PostgreSQL, against a baseline measured in the same run on the same
 * data: COPY FROM STDIN into a staging table + one INSERT … ON CONFLICT straight in SQL.
 * Then a re-sync of the same file with 1% of the rows changed. Writes bench/results/sync.json.
 */
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createConnectorHub } from '../src/connectors/hub.js';
import { CONNECTORS } from '../src/connectors/registry.js';
import { configSchema } from '../src/core/config/schema.js';
import { openStore } from '../src/core/db/index.js';
import { migrate } from '../src/core/db/migrate.js';
import { quoteIdent } from '../src/core/db/pg-store.js';
import { createLogger } from '../src/core/logger.js';
import { runSync } from '../src/core/sync/index.js';
import { ratioOf, type SummaryRow } from './table.js';

const ROWS = Number(process.env.BENCH_SYNC_ROWS ?? 1_000_000);
const SKUS = 10_000;
const WAREHOUSES = 10;
const PAGE_SIZE = Number(process.env.BENCH_SYNC_PAGE_SIZE ?? 10_000);
const LOTS_PER_PAIR = Math.ceil(ROWS / (SKUS * WAREHOUSES));

function* stockRows(changedEvery = 0): Generator<string> {
  yield 'sku,warehouse_code,lot,on_hand,production_date,expiry_date\n';
  let n = 0;
  for (let s = 0; s < SKUS && n < ROWS; s++) {
    for (let w = 0; w < WAREHOUSES && n < ROWS; w++) {
      for (let l = 0; l < LOTS_PER_PAIR && n < ROWS; l++, n++) {
        const qty = changedEvery > 0 && n % changedEvery === 0 ? 1000 + (n % 97) : (n * 7) % 500;
        yield `SKU${s},WH${w},LOT${l},${qty},2026-0${1 + (l % 9)}-15,2027-0${1 + (l % 9)}-15\n`;
      }
    }
  }
}

async function writeCsv(path: string, changedEvery = 0): Promise<void> {
  await pipeline(Readable.from(stockRows(changedEvery)), createWriteStream(path));
}

async function freshSchema(url: string, name: string): Promise<pg.Client> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(name)} CASCADE; CREATE SCHEMA ${quoteIdent(name)}`);
  const store = await openStore({ url, schema: name, poolSize: 4 });
  await migrate(store);
  await store.query(
    `INSERT INTO products (sku, name) SELECT 'SKU' || i, 'product ' || i FROM generate_series(0, ${SKUS - 1}) i;
     INSERT INTO warehouses (code, name, region_code) SELECT 'WH' || i, 'warehouse ' || i, '44' FROM generate_series(0, ${WAREHOUSES - 1}) i;
     ANALYZE products; ANALYZE warehouses;`,
  );
  await store.close();
  await admin.query(`SET search_path = ${quoteIdent(name)}`);
  return admin;
}

async function baseline(url: string, schema: string, csv: string): Promise<number> {
  const client = await freshSchema(url, schema);
  const started = performance.now();
  await client.query('CREATE TEMP TABLE staging (sku text, warehouse_code text, lot text, on_hand int, production_date date, expiry_date date)');
  const { createReadStream } = await import('node:fs');
  await pipeline(createReadStream(csv), client.query(copyFrom('COPY staging FROM STDIN WITH (FORMAT csv, HEADER true)')));
  await client.query(`
    INSERT INTO stock_lots AS t (product_id, warehouse_id, lot, on_hand, production_date, expiry_date)
    SELECT p.id, w.id, s.lot, s.on_hand, s.production_date, s.expiry_date
      FROM staging s JOIN products p ON p.sku = s.sku JOIN warehouses w ON w.code = s.warehouse_code
    ON CONFLICT (product_id, warehouse_id, lot) DO UPDATE SET on_hand = EXCLUDED.on_hand,
      production_date = EXCLUDED.production_date, expiry_date = EXCLUDED.expiry_date
     WHERE (t.on_hand, t.production_date, t.expiry_date) IS DISTINCT FROM (EXCLUDED.on_hand, EXCLUDED.production_date, EXCLUDED.expiry_date)`);
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return seconds;
}

export async function benchSync(): Promise<Record<string, unknown> | null> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log('sync benchmark skipped: DATABASE_URL is not set (it measures PostgreSQL)');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'dh-bench-sync-'));
  const csv = join(dir, 'stock.csv');
  try {
    await writeCsv(csv);
    const baselineSeconds = await baseline(url, 'bench_sync_baseline', csv);
    console.log(`baseline (COPY + INSERT … ON CONFLICT): ${ROWS} rows in ${baselineSeconds.toFixed(2)} s`);

    const schema = 'bench_sync_ours';
    (await freshSchema(url, schema)).end();
    const logger = createLogger({ level: 'warn', pretty: false });
    const config = configSchema.parse({
      connectors: { bench: { kind: 'file', folder: dir, pageSize: PAGE_SIZE, streams: { stock: { pattern: 'stock.csv', entity: 'stock_lots', mode: 'snapshot' } } } },
    });
    const hub = createConnectorHub(config.connectors, CONNECTORS, { logger, now: () => new Date() });
    const store = await openStore({ url, schema, poolSize: 4 });
    const full = await runSync({ store, target: hub.stream('bench', 'stock'), trigger: 'bench', logger });
    if (full.status !== 'succeeded' || full.counts.inserted !== ROWS) throw new Error(`full load: ${full.status} ${JSON.stringify(full.counts)} ${full.error ?? ''}`);
    const ourSeconds = full.durationMs / 1000;
    console.log(`dealer-hub file connector: ${ROWS} rows in ${ourSeconds.toFixed(2)} s`);

    await writeCsv(csv, 100);
    const resync = await runSync({ store, target: hub.stream('bench', 'stock'), trigger: 'bench', logger });
    if (resync.status !== 'succeeded') throw new Error(`re-sync: ${resync.error}`);
    console.log(`re-sync with 1% changed: ${resync.counts.updated} updated in ${(resync.durationMs / 1000).toFixed(2)} s`);
    await hub.close();
    await store.close();

    const result = {
      rows: ROWS,
      rowsPerSecond: Math.round(ROWS / ourSeconds),
      baselineRowsPerSecond: Math.round(ROWS / baselineSeconds),
      ratio: Number((ourSeconds / baselineSeconds).toFixed(2)),
      ratioGoal: 2,
      resync1pctSeconds: Number((resync.durationMs / 1000).toFixed(2)),
      resync1pctUpdated: resync.counts.updated,
      resyncGoalSeconds: 10,
      measuredAt: new Date().toISOString(),
      machine: `${(await import('node:os')).cpus().length} cores, node ${process.version}`,
    };
    Object.assign(result, { summary: summarizeSync(result) });
    writeFileSync(new URL('./results/sync.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('DROP SCHEMA IF EXISTS bench_sync_baseline CASCADE; DROP SCHEMA IF EXISTS bench_sync_ours CASCADE');
    await admin.end();
  }
}

/** The rows this bench contributes to the one table (bench/table.ts). */
export function summarizeSync(r: { rows: number; rowsPerSecond: number; baselineRowsPerSecond: number; ratioGoal: number; resync1pctSeconds: number; resyncGoalSeconds: number }): SummaryRow[] {
  return [
    {
      figure: `file sync, ${r.rows.toLocaleString('en-US')} stock rows`,
      value: r.rowsPerSecond,
      unit: 'rows/s',
      baseline: r.baselineRowsPerSecond,
      ratio: ratioOf(r.rowsPerSecond, r.baselineRowsPerSecond),
      goal: `≥ 1/${r.ratioGoal} × baseline (COPY), i.e. ≤ ${r.ratioGoal}× its time`,
      pass: r.rowsPerSecond * r.ratioGoal >= r.baselineRowsPerSecond,
    },
    { figure: 're-sync with 1% of rows changed', value: r.resync1pctSeconds, unit: 's', baseline: null, ratio: null, goal: `≤ ${r.resyncGoalSeconds} s`, pass: r.resync1pctSeconds <= r.resyncGoalSeconds },
  ];
}
