import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorInstance, Page } from '../../src/connectors/contract.js';
import { createConnectorHub, type ConnectorHub } from '../../src/connectors/hub.js';
import { CONNECTORS } from '../../src/connectors/registry.js';
import { configSchema } from '../../src/core/config/schema.js';
import { createLogger } from '../../src/core/logger.js';
import { runSync } from '../../src/core/sync/index.js';
import { createTestStore, storeDrivers, type TestStore } from '../support/store.js';

const logger = createLogger({ level: 'silent', pretty: false });

function stockCsv(rows: Array<[string, string, string, number]>): string {
  return ['sku,warehouse_code,lot,on_hand,expiry_date', ...rows.map(([sku, wh, lot, qty]) => `${sku},${wh},${lot},${qty},2027-01-31`)].join('\n');
}

function lots(count: number, qty = (i: number) => 10 + i): Array<[string, string, string, number]> {
  return Array.from({ length: count }, (_, i) => [`SKU${i % 5}`, i % 2 ? 'WH2' : 'WH1', `L${String(i).padStart(3, '0')}`, qty(i)]);
}

function hubFor(folder: string): ConnectorHub {
  const config = configSchema.parse({
    connectors: {
      files: {
        kind: 'file',
        folder,
        pageSize: 10,
        streams: {
          stock: { pattern: 'stock.csv', entity: 'stock_lots', mode: 'snapshot' },
          products: { pattern: 'products*.csv', entity: 'products', mode: 'incremental' },
        },
      },
    },
  });
  return createConnectorHub(config.connectors, CONNECTORS, { logger, now: () => new Date('2026-11-24T00:00:00Z') });
}

describe.each(storeDrivers())('sync runner on %s', (driver) => {
  let t: TestStore;
  let folder: string;
  let hub: ConnectorHub;
  const sync = (stream: string, wrap?: (instance: ConnectorInstance) => ConnectorInstance) => {
    const target = hub.stream('files', stream);
    return runSync({ store: t.store, target: wrap ? { ...target, instance: wrap(target.instance) } : target, trigger: 'test', logger });
  };
  const onHand = async () =>
    (await t.store.query<{ lot: string; on_hand: number }>('SELECT lot, on_hand FROM stock_lots ORDER BY lot')).rows;

  beforeAll(async () => {
    t = await createTestStore(driver);
    await t.store.query(`INSERT INTO products (sku, name) SELECT 'SKU' || i, 'P' || i FROM generate_series(0, 4) i;
                         INSERT INTO warehouses (code, name, region_code) VALUES ('WH1', 'one', '44'), ('WH2', 'two', '33')`);
    folder = mkdtempSync(join(tmpdir(), 'dh-sync-'));
    hub = hubFor(folder);
  });
  afterAll(async () => {
    await hub?.close();
    await t?.drop();
  });

  it('loads a snapshot over several pages and records the run', async () => {
    writeFileSync(join(folder, 'stock.csv'), stockCsv(lots(35)));
    const report = await sync('stock');
    expect(report).toMatchObject({ status: 'succeeded', counts: { read: 35, inserted: 35, updated: 0, unchanged: 0, rejected: 0, pages: 4 } });
    expect(await onHand()).toHaveLength(35);
    const { rows } = await t.store.query<{ status: string; counts: { inserted: number } }>('SELECT status, counts FROM sync_runs WHERE id = $1', [report.runId]);
    expect(rows[0]).toMatchObject({ status: 'succeeded', counts: { inserted: 35 } });
  });

  it('changes nothing when the same data is synced again', async () => {
    const report = await sync('stock');
    expect(report.counts).toMatchObject({ read: 35, inserted: 0, updated: 0, unchanged: 35, disappeared: 0 });
  });

  it('updates what changed and zeroes lots the snapshot no longer reports', async () => {
    const next = lots(35, (i) => (i === 3 ? 999 : 10 + i)).filter(([, , lot]) => lot !== 'L007');
    writeFileSync(join(folder, 'stock.csv'), stockCsv(next));
    const report = await sync('stock');
    expect(report.counts).toMatchObject({ read: 34, inserted: 0, updated: 1, unchanged: 33, disappeared: 1 });
    const rows = await onHand();
    expect(rows.find((r) => r.lot === 'L003')?.on_hand).toBe(999);
    expect(rows.find((r) => r.lot === 'L007')?.on_hand).toBe(0);
  });

  it('rejects bad rows with file, row and field, and writes the rest', async () => {
    writeFileSync(
      join(folder, 'stock.csv'),
      ['sku,warehouse_code,lot,on_hand,expiry_date', 'SKU1,WH1,L001,5,2027-01-31', 'SKU1,WH1,L002,five,2027-01-31', 'NOPE,WH1,L900,1,2027-01-31', 'SKU2,WH9,L901,1,2027-01-31'].join('\n'),
    );
    const report = await sync('stock');
    expect(report.status).toBe('succeeded');
    expect(report.counts).toMatchObject({ read: 4, rejected: 3 });
    expect(report.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'stock.csv', row: 3, field: 'on_hand' }),
        expect.objectContaining({ file: 'stock.csv', row: 4, field: 'sku', message: 'unknown sku "NOPE"' }),
        expect.objectContaining({ file: 'stock.csv', row: 5, field: 'warehouse_code', message: 'unknown warehouse_code "WH9"' }),
      ]),
    );
    const { rows } = await t.store.query<{ on_hand: number }>(
      `SELECT on_hand FROM stock_lots l JOIN warehouses w ON w.id = l.warehouse_id JOIN products p ON p.id = l.product_id
        WHERE p.sku = 'SKU1' AND w.code = 'WH1' AND l.lot = 'L001'`,
    );
    expect(rows[0]?.on_hand).toBe(5);
  });

  it('resumes an interrupted run after the last saved page, re-reading nothing twice', async () => {
    writeFileSync(join(folder, 'products-1.csv'), ['sku,name', ...Array.from({ length: 25 }, (_, i) => `N${i},新品${i}`)].join('\n'));
    let pagesBeforeCrash = 0;
    const crashing = (instance: ConnectorInstance): ConnectorInstance => ({
      ...instance,
      async *read(stream, cursor, signal) {
        for await (const page of instance.read(stream, cursor, signal) as AsyncIterable<Page>) {
          if (pagesBeforeCrash === 2) throw new Error('simulated crash');
          pagesBeforeCrash++;
          yield page;
        }
      },
    });
    const crashed = await sync('products', crashing);
    expect(crashed).toMatchObject({ status: 'failed', error: 'simulated crash', counts: { inserted: 20 } });
    const resumed = await sync('products');
    expect(resumed).toMatchObject({ status: 'succeeded', counts: { read: 5, inserted: 5 } });
    const again = await sync('products');
    expect(again.counts.read).toBe(0);
    const { rows } = await t.store.query<{ n: number }>(`SELECT count(*)::int AS n FROM products WHERE sku LIKE 'N%'`);
    expect(rows[0]?.n).toBe(25);
  });

  it('fails a run on an unreadable file, keeping the cursor after the last good page', async () => {
    writeFileSync(join(folder, 'products-2.csv'), 'sku,name\nM1,good\nM2,"unterminated\n');
    writeFileSync(join(folder, 'products-3.csv'), '');
    const failed = await sync('products');
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/products-3\.csv/);
    writeFileSync(join(folder, 'products-3.csv'), 'sku,name\nM3,fixed\nM4,fixed\n');
    const fixed = await sync('products');
    expect(fixed).toMatchObject({ status: 'succeeded', counts: { read: 2, inserted: 2 } });
    const { rows } = await t.store.query<{ sku: string }>(`SELECT sku FROM products WHERE sku LIKE 'M%' ORDER BY sku`);
    expect(rows.map((r) => r.sku)).toEqual(['M1', 'M3', 'M4']);
  });

  it('allows one run per stream at a time', async () => {
    writeFileSync(join(folder, 'stock.csv'), stockCsv(lots(35)));
    const [first, second] = await Promise.allSettled([sync('stock'), sync('stock')]);
    const outcomes = [first, second].map((r) => r.status);
    expect(outcomes.sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = [first, second].find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(String(rejected.reason)).toMatch(/already running/);
  });
});
