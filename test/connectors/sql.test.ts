import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorInstance, Cursor, Page } from '../../src/connectors/contract.js';
import { createKeysetDouble, createSqlConnector, pageQuery, DIALECTS, sqlConnector, sqlOptionsSchema, type SqlOptions } from '../../src/connectors/sql/index.js';
import { ConfigError, TransientError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';
import { canonicalSchemas } from '../../src/core/sync/canonical.js';
import { applyMapping } from '../../src/mappings/index.js';
import { describeWith, uniqueName } from '../support/services.js';
import { adminQuery } from '../support/store.js';
import { connectorContract } from './contract-suite.js';

const deps = { logger: createLogger({ level: 'silent', pretty: false }), now: () => new Date('2026-03-15T02:00:00Z') };
const fast = { retries: 2, minDelayMs: 1, maxDelayMs: 2 };

async function readAll(instance: ConnectorInstance, stream: string, cursor: Cursor | null = null): Promise<Page[]> {
  const pages: Page[] = [];
  for await (const page of instance.read(stream, cursor, new AbortController().signal)) pages.push(page);
  return pages;
}
const records = (pages: Page[]) => pages.flatMap((page) => page.records);

/** 25 products whose change stamps come in threes, so page boundaries (10, 20) fall inside ties. */
const stamp = (i: number) => new Date(Date.UTC(2026, 0, 1 + Math.floor(i / 3), 10, 0, 0, 123));
const kingdeeRows = Array.from({ length: 25 }, (_, i) => ({ sku: `K-${String(24 - i).padStart(2, '0')}`, name: `产品 ${i}`, changed_at: stamp(i) }));

describe('sql: options', () => {
  const base = { dialect: 'mssql', url: 'mssql://sa:Pa%24%24word@erp.local:1433/AIS', streams: { products: { entity: 'products', query: 'SELECT 1 AS sku', cursor: { column: 'sku' }, primaryKey: ['sku'] } } };
  it.each([
    [{ url: 'postgres://sa:Pa%24%24word@erp.local/AIS' }, /a mssql URL starts with mssql:\/\/ or sqlserver:\/\//],
    [{ url: 'mssql://sa:Pa%24%24word@erp.local/AIS?ssl=1' }, /unknown URL parameter "ssl"/],
    [{ streams: { products: { ...base.streams.products, query: 'SELECT 1 AS sku;' } } }, /remove the trailing ";"/],
    [{ streams: { products: { ...base.streams.products, cursor: { column: 'sku; DROP' } } } }, /expected a column name/],
  ])('rejects %j readably, never echoing the password', (patch, message) => {
    const result = sqlOptionsSchema.safeParse({ ...base, ...patch });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((issue) => issue.message).join('\n');
    expect(messages).toMatch(message);
    expect(JSON.stringify(result.error?.issues)).not.toMatch(/Pa(\$|%24)/);
  });

  it('defaults the tie-breakers to the primary key and the retry to 3 attempts', () => {
    const options = sqlOptionsSchema.parse({ ...base, streams: { products: { ...base.streams.products, cursor: { column: 'changed_at' } } } });
    expect(sqlConnector.streams(options)[0]).toMatchObject({ name: 'products', mode: 'incremental', primaryKey: ['sku'], cursorField: 'changed_at' });
    expect(options.retry.retries).toBe(2);
  });
});

describe('sql: the page query of each dialect', () => {
  const stream = { query: 'SELECT FNumber AS sku, FModifyDate AS changed_at FROM t_ICItem', keys: ['changed_at', 'sku'] };
  it('PostgreSQL: $n binds, a row comparison, LIMIT', () => {
    expect(pageQuery(DIALECTS.postgres, stream, ['2026-01-01 10:00:00.123456+00', 'K-1'], 10)).toEqual({
      sql: `SELECT q.*, CAST(q."changed_at" AS text) AS "dh_k0", CAST(q."sku" AS text) AS "dh_k1"\nFROM (\n${stream.query}\n) q\nWHERE (q."changed_at", q."sku") > ($1, $2)\nORDER BY q."changed_at", q."sku"\nLIMIT 10`,
      params: ['2026-01-01 10:00:00.123456+00', 'K-1'],
    });
  });
  it('SQL Server: @pn binds, the OR-expansion, OFFSET … FETCH NEXT', () => {
    expect(pageQuery(DIALECTS.mssql, stream, ['2026-01-01T10:00:00.123', 'K-1'], 10)).toEqual({
      sql:
        `SELECT q.*, CONVERT(nvarchar(4000), q.[changed_at], 126) AS [dh_k0], CONVERT(nvarchar(4000), q.[sku], 126) AS [dh_k1]\nFROM (\n${stream.query}\n) q\n` +
        `WHERE ((q.[changed_at] > @p1) OR (q.[changed_at] = @p2 AND q.[sku] > @p3))\nORDER BY q.[changed_at], q.[sku]\nOFFSET 0 ROWS FETCH NEXT 10 ROWS ONLY`,
      params: ['2026-01-01T10:00:00.123', '2026-01-01T10:00:00.123', 'K-1'],
    });
  });
  it('Oracle: :n binds, upper-case quoted names, FETCH FIRST; no WHERE on the first page', () => {
    expect(pageQuery(DIALECTS.oracle, { ...stream, keys: ['changed_at', 'mixedCase'] }, null, 10)).toEqual({
      sql: `SELECT q.*, TO_CHAR(q."CHANGED_AT") AS "dh_k0", TO_CHAR(q."mixedCase") AS "dh_k1"\nFROM (\n${stream.query}\n) q\nORDER BY q."CHANGED_AT", q."mixedCase"\nFETCH FIRST 10 ROWS ONLY`,
      params: [],
    });
    expect(pageQuery(DIALECTS.oracle, stream, ['2026-01-01T10:00:00', 'K-1'], 5).sql).toContain(
      `WHERE ((q."CHANGED_AT" > :1) OR (q."CHANGED_AT" = :2 AND q."SKU" > :3))\nORDER BY q."CHANGED_AT", q."SKU"\nFETCH FIRST 5 ROWS ONLY`,
    );
  });
});

function doubleOptions(dialect: 'mssql' | 'oracle', url: string): Record<string, unknown> {
  const query = 'SELECT FNumber AS sku, FName AS name, FModifyDate AS changed_at FROM t_ICItem';
  return { dialect, url, pageSize: 10, retry: fast, streams: { products: { entity: 'products', query, cursor: { column: 'changed_at', tieBreaker: 'sku' }, primaryKey: ['sku'] } } };
}

describe('sql: SQL Server through a query double', () => {
  const double = createKeysetDouble({ dialect: 'mssql', tables: [{ match: /FROM t_ICItem/, rows: kingdeeRows }] });
  const options = doubleOptions('mssql', 'mssql://sa:Pa%24%24word@erp.local:1433/AIS?encrypt=false');
  const open = (o = sqlOptionsSchema.parse(options)) => createSqlConnector(o, deps, double.query);
  connectorContract<SqlOptions>({ definition: sqlConnector, options, create: (o) => open(o), stream: 'products', minRecords: 25 });

  it('reads every row once in key order; the cursor is the last row as SQL Server renders it', async () => {
    const pages = await readAll(open(), 'products');
    expect(records(pages).map((r) => r.sku)).toEqual([...kingdeeRows].sort((a, b) => +a.changed_at - +b.changed_at || a.sku.localeCompare(b.sku)).map((r) => r.sku));
    expect(pages.map((p) => p.cursor)).toEqual([{ value: '2026-01-04T10:00:00.123', tieBreaker: 'K-13' }, { value: '2026-01-07T10:00:00.123', tieBreaker: 'K-05' }, { value: '2026-01-09T10:00:00.123', tieBreaker: 'K-00' }]);
    expect(double.calls.at(-2)?.params).toEqual(['2026-01-04T10:00:00.123', '2026-01-04T10:00:00.123', 'K-13']);
  });

  it('retries a transient failure (ETIMEOUT) and gives up after 3 attempts', async () => {
    const timeout = Object.assign(new Error('Timeout: Request failed to complete in 30000ms'), { code: 'ETIMEOUT' });
    double.failNext(timeout, 2);
    expect(records(await readAll(open(), 'products'))).toHaveLength(25);
    double.failNext(timeout, 3);
    await expect(readAll(open(), 'products')).rejects.toBeInstanceOf(TransientError);
  });

  it('reports an unknown column as a ConfigError naming the stream and the column, without retrying', async () => {
    const before = double.calls.length;
    double.failNext(Object.assign(new Error("Invalid column name 'FModifyDate'."), { code: 'EREQUEST', number: 207 }), 1);
    const error = await readAll(open(), 'products').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('mssql erp.local:1433/AIS stream products: column FModifyDate does not exist [mssql 207]');
    expect(double.calls.length - before).toBe(1);
  });

  it('refuses a NULL key and a cursor saved for another keyset, naming the stream', async () => {
    const holes = createKeysetDouble({ dialect: 'mssql', tables: [{ match: /t_ICItem/, rows: [{ sku: 'K-1', name: 'x', changed_at: null }] }] });
    await expect(readAll(createSqlConnector(sqlOptionsSchema.parse(options), deps, holes.query), 'products')).rejects.toThrow(/stream products: changed_at is NULL in a row/);
    await expect(readAll(open(), 'products', { value: '2026-01-01T00:00:00.000' })).rejects.toThrow(/stream products: the saved cursor .* does not fit its keyset \(changed_at, sku\)/);
  });

  it('check() reports dialect and host, never the password', async () => {
    expect((await open().check()).detail).toMatch(/^mssql erp\.local:1433\/AIS: reached in \d+ ms/);
    double.failNext(Object.assign(new Error("Login failed for user 'sa' (password Pa$$word)."), { code: 'ELOGIN' }), 1);
    const failed = await open().check();
    expect(failed).toMatchObject({ ok: false, detail: expect.stringMatching(/^mssql erp\.local:1433\/AIS: login failed/) });
    expect(failed.detail).not.toContain('Pa$$word');
  });
});

describe('sql: Oracle through a query double', () => {
  // As oracledb returns them: upper-case names, DATE as a Date built from local-time fields.
  const rows = kingdeeRows.map((r) => ({ SKU: r.sku, NAME: r.name, CHANGED_AT: new Date(r.changed_at.getUTCFullYear(), 0, r.changed_at.getUTCDate(), 10) }));
  const double = createKeysetDouble({ dialect: 'oracle', tables: [{ match: /FROM t_ICItem/, rows }] });
  const options = doubleOptions('oracle', 'oracle://apps:s3cret@ebs.local:1521/EBSPROD');
  connectorContract<SqlOptions>({ definition: sqlConnector, options, create: (o) => createSqlConnector(o, deps, double.query), stream: 'products', minRecords: 25 });

  it('lower-cases unquoted column names and gives dates back as the stored wall-clock time', async () => {
    const [first] = await readAll(createSqlConnector(sqlOptionsSchema.parse(options), deps, double.query), 'products');
    expect(first!.records[0]).toEqual({ sku: 'K-22', name: '产品 2', changed_at: '2026-01-01T10:00:00' });
    expect(first!.cursor).toEqual({ value: '2026-01-04T10:00:00', tieBreaker: 'K-13' });
  });

  it('NJS-503 is transient (retried), ORA-00904 a ConfigError', async () => {
    const instance = createSqlConnector(sqlOptionsSchema.parse(options), deps, double.query);
    double.failNext(Object.assign(new Error('NJS-503: connection to host ebs.local port 1521 could not be established.'), { code: 'NJS-503' }), 2);
    expect(records(await readAll(instance, 'products'))).toHaveLength(25);
    double.failNext(Object.assign(new Error('ORA-00904: "Q"."CHANGED_AT": invalid identifier'), { code: 'ORA-00904' }), 1);
    await expect(readAll(instance, 'products')).rejects.toThrow(/stream products: column CHANGED_AT does not exist \[ORA-00904\]/);
  });
});

describeWith(['postgres'], 'sql: PostgreSQL (live)', () => {
  const url = process.env.DATABASE_URL ?? '';
  const schema = uniqueName('sql_src');
  const options = {
    dialect: 'postgres',
    url,
    pageSize: 10,
    retry: fast,
    streams: {
      products: { entity: 'products', query: `SELECT code AS sku, title AS name, pack AS pack_size, 'EA' AS uom, changed_at FROM ${schema}.items`, cursor: { column: 'changed_at', tieBreaker: 'sku' }, primaryKey: ['sku'] },
      open_items: { entity: 'ar_open_items', mode: 'snapshot', query: `SELECT * FROM ${schema}.ar`, cursor: { column: 'document_no' }, primaryKey: ['dealer_code', 'document_no'] },
    },
  };
  const open = () => sqlConnector.create(sqlConnector.optionsSchema.parse(options), deps);
  beforeAll(async () => {
    // Stamps in µs, three rows per stamp: JavaScript's ms would lose them, the keyset must not.
    await adminQuery(url, `CREATE SCHEMA ${schema};
      CREATE TABLE ${schema}.items (code text PRIMARY KEY, title text NOT NULL, pack int NOT NULL, changed_at timestamptz NOT NULL);
      INSERT INTO ${schema}.items SELECT 'P-' || lpad((24 - g)::text, 2, '0'), 'Product ' || g, 6, timestamptz '2026-01-01 10:00:00.123456+00' + (g / 3) * interval '1 day' FROM generate_series(0, 24) g;
      CREATE TABLE ${schema}.ar (dealer_code text, document_no text, document_date date, due_date date, amount numeric(12,2), open_amount numeric(12,2));
      INSERT INTO ${schema}.ar VALUES ('D1', 'INV-1', '2026-03-01', '2026-03-31', 1200.50, 200.00);`);
  });
  afterAll(() => adminQuery(url, `DROP SCHEMA IF EXISTS ${schema} CASCADE`));

  connectorContract<SqlOptions>({
    definition: sqlConnector,
    options,
    create: () => open(),
    stream: 'products',
    minRecords: 25,
    invalidOptions: { options: { ...options, url: 'mysql://root@127.0.0.1/test' }, message: /a postgres URL starts with postgres:\/\/ or postgresql:\/\// },
  });

  it('keeps microsecond stamps exact in the cursor and picks up later changes, also tied ones', async () => {
    const instance = open();
    try {
      const pages = await readAll(instance, 'products');
      expect(pages.map((p) => (p.cursor as { value: string }).value)).toEqual(expect.arrayContaining([expect.stringMatching(/^2026-01-09 \d\d:00:00\.123456/)]));
      await adminQuery(url, `UPDATE ${schema}.items SET title = 'changed', changed_at = changed_at + interval '10 days' WHERE code IN ('P-00', 'P-24')`);
      expect(records(await readAll(instance, 'products', pages.at(-1)!.cursor)).map((r) => r.sku)).toEqual(['P-24', 'P-00']);
    } finally {
      await instance.close();
    }
  });

  it('gives dates as YYYY-MM-DD text and numeric as exact strings, mapped to valid canonical records', async () => {
    const instance = open();
    const [record] = records(await readAll(instance, 'open_items'));
    await instance.close();
    expect(record).toMatchObject({ document_date: '2026-03-01', amount: '1200.50' });
    const spec = sqlConnector.streams(sqlConnector.optionsSchema.parse(options)).find((s) => s.name === 'open_items')!;
    expect(canonicalSchemas.ar_open_items.parse(applyMapping(spec.defaultMapping, record!).value)).toMatchObject({ due_date: '2026-03-31', open_amount: '200' });
  });

  it('names the stream and column of a query error, and fails check() on a closed port without the password', async () => {
    const broken = sqlConnector.create(sqlConnector.optionsSchema.parse({ ...options, streams: { products: { ...options.streams.products, query: `SELECT code AS sku FROM ${schema}.items` } } }), deps);
    await expect(readAll(broken, 'products')).rejects.toThrow(/stream products: column changed_at does not exist \[42703\]/);
    await broken.close();
    const closed = sqlConnector.create(sqlConnector.optionsSchema.parse({ ...options, url: 'postgres://dh:s3cret-pw@127.0.0.1:1/test', timeoutMs: 2000 }), deps);
    const result = await closed.check();
    await closed.close();
    expect(result).toMatchObject({ ok: false, detail: expect.stringMatching(/^postgres 127\.0\.0\.1:1\/test: .*ECONNREFUSED/) });
    expect(result.detail).not.toContain('s3cret');
  });
});

describe('sql: the real drivers against a closed port', () => {
  it.each([
    ['mssql', 'mssql://sa:s3cret-pw@127.0.0.1:1/AIS?encrypt=false', /^mssql 127\.0\.0\.1:1\/AIS: .*\[ESOCKET\]/],
    ['oracle', 'oracle://apps:s3cret-pw@127.0.0.1:1/EBSPROD', /^oracle 127\.0\.0\.1:1\/EBSPROD: NJS-503: connection to host 127\.0\.0\.1 port 1/],
  ])('%s: check() fails cleanly, without the password', async (dialect, url, detail) => {
    const instance = sqlConnector.create(sqlOptionsSchema.parse({ ...doubleOptions(dialect as 'mssql', url), timeoutMs: 5000 }), deps);
    const result = await instance.check();
    await instance.close();
    await instance.close();
    expect(result).toMatchObject({ ok: false, detail: expect.stringMatching(detail) });
    expect(result.detail).not.toContain('s3cret');
  });
});

// Live SQL Server / Oracle: only where a server is at hand. NOT part of REQUIRE_SERVICES (CI has
// neither); the query doubles above cover the SQL each dialect receives.
for (const [dialect, variable, query] of [
  ['mssql', 'MSSQL_URL', 'SELECT CAST(object_id AS varchar(20)) AS sku, LEFT(name, 60) AS name, modify_date AS changed_at FROM sys.all_objects'],
  ['oracle', 'ORACLE_URL', 'SELECT TO_CHAR(object_id) AS sku, SUBSTR(object_name, 1, 60) AS name, last_ddl_time AS changed_at FROM all_objects'],
] as const) {
  const url = process.env[variable];
  if (!url) console.warn(`[skip] sql: ${dialect} (live) — ${variable} is not set`);
  describe.skipIf(!url)(`sql: ${dialect} (live)`, () => {
    const options = { dialect, url, pageSize: 50, timeoutMs: 15_000, streams: { products: { entity: 'products', query, cursor: { column: 'changed_at', tieBreaker: 'sku' }, primaryKey: ['sku'] } } };
    connectorContract<SqlOptions>({ definition: sqlConnector, options, create: (o) => sqlConnector.create(o, deps), stream: 'products', minRecords: 100 });
  });
}
