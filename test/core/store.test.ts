import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../src/core/db/migrate.js';
import { createTestStore, storeDrivers, type TestStore } from '../support/store.js';

const CANONICAL_TABLES = [
  'dealers', 'dealer_regions', 'ship_tos', 'products', 'price_lists', 'prices', 'warehouses',
  'stock_lots', 'reservations', 'credit_accounts', 'orders', 'order_lines', 'order_events',
  'promotions', 'outbox', 'sync_state', 'edi_interchanges', 'api_credentials',
];

describe.each(storeDrivers())('store on %s', (driver) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(driver);
  });
  afterAll(async () => t?.drop());

  it('creates the whole canonical store', async () => {
    const { rows } = await t.store.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`,
    );
    const names = rows.map((row) => row.table_name);
    for (const table of CANONICAL_TABLES) expect(names).toContain(table);
    const applied = await t.store.query<{ version: number }>('SELECT version FROM schema_migrations');
    expect(applied.rows.map((row) => row.version)).toEqual(loadMigrations().map((m) => m.version));
  });

  it('returns the same JS types on every driver', async () => {
    const { rows } = await t.store.query<Record<string, unknown>>(
      `SELECT 9007199254740991::int8 AS big, 12.50::numeric(18,2) AS money, DATE '2026-03-01' AS day,
              TIMESTAMPTZ '2026-03-01T08:00:00Z' AS at, '{"a":[1]}'::jsonb AS doc, 7::int4 AS small, NULL::numeric AS nothing`,
    );
    expect(rows[0]).toEqual({
      big: 9007199254740991,
      money: '12.50',
      day: '2026-03-01',
      at: new Date('2026-03-01T08:00:00Z'),
      doc: { a: [1] },
      small: 7,
      nothing: null,
    });
  });

  it('rejects an int8 beyond 2^53 instead of rounding it', async () => {
    await expect(t.store.query('SELECT 9007199254740993::int8 AS big')).rejects.toThrow(/beyond 2\^53/);
  });

  it('commits a transaction and rolls one back on error', async () => {
    await t.store.tx(async (q) => {
      await q.query(`INSERT INTO regions (code, name) VALUES ('44', '广东省')`);
    });
    await expect(
      t.store.tx(async (q) => {
        await q.query(`INSERT INTO regions (code, name) VALUES ('4403', '深圳市')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await t.store.query<{ code: string; parent_code: string | null }>(
      'SELECT code, parent_code FROM regions ORDER BY code',
    );
    expect(rows).toEqual([{ code: '44', parent_code: null }]);
  });

  it('enforces the store constraints', async () => {
    await expect(t.store.query(`INSERT INTO regions (code, name) VALUES ('4X', 'bad')`)).rejects.toThrow();
    await t.store.query(`INSERT INTO warehouses (code, name, region_code) VALUES ('W1', 'Main', '44')`);
    await t.store.query(`INSERT INTO products (sku, name) VALUES ('SKU1', 'Thing')`);
    await expect(
      t.store.query(
        `INSERT INTO stock_lots (product_id, warehouse_id, lot, on_hand)
         SELECT p.id, w.id, 'L1', -1 FROM products p, warehouses w`,
      ),
    ).rejects.toThrow(/check/i);
  });

  it('passes parameters and reports affected rows', async () => {
    const insert = await t.store.query(
      `INSERT INTO regions (code, name) SELECT * FROM unnest($1::text[], $2::text[])`,
      [['33', '3301'], ['浙江省', '杭州市']],
    );
    expect(insert.rowCount).toBe(2);
    const { rows } = await t.store.query<{ name: string }>('SELECT name FROM regions WHERE parent_code = $1', ['33']);
    expect(rows).toEqual([{ name: '杭州市' }]);
  });

  it('runs a prepared statement like any other, prepared once per connection on PostgreSQL', async () => {
    const sql = 'SELECT code FROM regions WHERE code = ANY($1::text[]) ORDER BY code';
    const names = await t.store.session(async (q) => {
      for (const codes of [['33'], ['33', '3301'], ['nope']]) {
        const prepared = await q.query<{ code: string }>(sql, [codes], { prepare: true });
        const plain = await q.query<{ code: string }>(sql, [codes]);
        expect(prepared.rows).toEqual(plain.rows);
      }
      return (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1`, [sql])).rows[0]!.n;
    });
    expect(names).toBe(driver === 'pglite' ? 0 : 1);
  });
});
