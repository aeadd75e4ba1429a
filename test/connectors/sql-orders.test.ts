/**
 * The sql connector's order target without a database: the statements each dialect gets (a
 * recording driver), how driver errors are read (refusal, duplicate key, transient), and the
 * checks on `orders:` and on `delivery.erp.connector`.
 */
import { describe, expect, it } from 'vitest';
import { TargetRejection, type OrderDocument } from '../../src/connectors/contract.js';
import { connectorRefinement, createConnectorHub } from '../../src/connectors/hub.js';
import { CONNECTORS } from '../../src/connectors/registry.js';
import { createSqlConnector, sqlOptionsSchema, type SqlDriver } from '../../src/connectors/sql/index.js';
import { parseConfigText } from '../../src/core/config/index.js';
import { ConfigError, TransientError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';

const logger = createLogger({ level: 'silent', pretty: false });
const deps = { logger, now: () => new Date('2026-11-24T02:00:00Z') };
const signal = new AbortController().signal;

const DOCUMENT: OrderDocument = {
  orderId: '0b8c6a52-7d0e-4a59-9a43-1d1f3f0f3a11', number: 'DH2611240000007', externalRef: 'PO-7', currency: 'CNY', orderDate: '2026-11-24', requestedDate: null, note: null,
  dealer: { code: 'D001', name: '华南经销' }, shipTo: { code: 'D001-NS', name: '南山', address: '深圳', regionCode: '440305', contact: null, phone: null },
  totals: { gross: '120.00', discount: '0.00', net: '120.00' },
  lines: [
    { lineNo: 1, sku: 'A', qty: 10, uom: 'CS', unitPrice: '10.0000', gross: '100.00', discount: '0.00', net: '100.00', isGift: false, warehouseCode: 'WH-SZ', lots: [] },
    { lineNo: 2, sku: 'B', qty: 2, uom: 'CS', unitPrice: '10.0000', gross: '20.00', discount: '0.00', net: '20.00', isGift: true, warehouseCode: null, lots: [] },
  ],
};

const ORDERS = {
  headerTable: 'dbo.t_SO_Head',
  linesTable: 'dbo.t_SO_Line',
  orderIdColumn: 'FExtId',
  keyColumn: 'FID',
  erpOrderNoColumn: 'FBillNo',
  header: { FNumber: 'number', FCust: 'dealer.code', FDate: 'orderDate', FAmount: 'totals.net' },
  lines: { FHeadId: 'headerKey', FSeq: 'lineNo', FItem: 'sku', FQty: 'qty', FGift: 'isGift' },
  cancel: { column: 'FStatus', value: 9 },
};

/** Records statements; `answer` decides each one's rows or error. */
function recordingDriver(answer: (sql: string, params: unknown[]) => Record<string, unknown>[] = () => []) {
  const statements: Array<{ sql: string; params: unknown[]; tx: boolean }> = [];
  let inTx = false;
  const query = async (sql: string, params: unknown[]) => {
    statements.push({ sql, params, tx: inTx });
    return answer(sql, params);
  };
  const driver: SqlDriver = {
    query,
    async transaction(work) {
      inTx = true;
      try {
        return await work(query);
      } finally {
        inTx = false;
      }
    },
    close: async () => {},
  };
  return { driver, statements };
}

const open = (dialect: 'mssql' | 'oracle' | 'postgres', driver: SqlDriver, orders: object = ORDERS) => {
  const url = { mssql: 'mssql://sa:pw@erp.local:1433/AIS', oracle: 'oracle://u:pw@ebs.local:1521/EBS', postgres: 'postgres://u:pw@pg.local/erp' }[dialect];
  return createSqlConnector(sqlOptionsSchema.parse({ dialect, url, orders }), deps, driver).orders!;
};

describe('sql order target: statements per dialect', () => {
  it('SQL Server: header, read-back and lines in one transaction, bracketed names, @p binds', async () => {
    const { driver, statements } = recordingDriver((sql) => (sql.startsWith('SELECT') ? [{ dh_erp_no: 'SO-77', dh_key: 501 }] : []));
    expect(await open('mssql', driver).create(DOCUMENT, signal)).toEqual({ erpOrderNo: 'SO-77', detail: 'staged in dbo.t_SO_Head as 501' });
    expect(statements).toEqual([
      { sql: 'INSERT INTO [dbo].[t_SO_Head] ([FExtId], [FNumber], [FCust], [FDate], [FAmount]) VALUES (@p1, @p2, @p3, @p4, @p5)', params: [DOCUMENT.orderId, 'DH2611240000007', 'D001', '2026-11-24', '120.00'], tx: true },
      { sql: 'SELECT [FBillNo] AS [dh_erp_no], [FID] AS [dh_key] FROM [dbo].[t_SO_Head] WHERE [FExtId] = @p1', params: [DOCUMENT.orderId], tx: true },
      { sql: 'INSERT INTO [dbo].[t_SO_Line] ([FHeadId], [FSeq], [FItem], [FQty], [FGift]) VALUES (@p1, @p2, @p3, @p4, @p5), (@p6, @p7, @p8, @p9, @p10)', params: ['501', 1, 'A', 10, false, '501', 2, 'B', 2, true], tx: true },
    ]);
  });

  it('Oracle: upper-case names, dates through TO_DATE, booleans as 1/0, lines as SELECT … FROM DUAL UNION ALL', async () => {
    const orders = { ...ORDERS, headerTable: 'ont.so_head', linesTable: 'ont.so_line', orderIdColumn: 'ext_id', keyColumn: 'head_id', erpOrderNoColumn: undefined, header: { order_no: 'number', order_date: 'orderDate' }, lines: { head_id: 'headerKey', gift: 'isGift' } };
    const { driver, statements } = recordingDriver((sql) => (sql.startsWith('SELECT') ? [{ dh_erp_no: null, dh_key: 9 }] : []));
    expect(await open('oracle', driver, orders).create(DOCUMENT, signal)).toEqual({ erpOrderNo: '9', detail: 'staged in ont.so_head as 9 (staging id; the ERP number follows on import)' });
    expect(statements.map((s) => s.sql)).toEqual([
      `INSERT INTO "ONT"."SO_HEAD" ("EXT_ID", "ORDER_NO", "ORDER_DATE") VALUES (:1, :2, TO_DATE(:3, 'YYYY-MM-DD'))`,
      `SELECT NULL AS "dh_erp_no", "HEAD_ID" AS "dh_key" FROM "ONT"."SO_HEAD" WHERE "EXT_ID" = :1`,
      `INSERT INTO "ONT"."SO_LINE" ("HEAD_ID", "GIFT") SELECT :1, :2 FROM DUAL UNION ALL SELECT :3, :4 FROM DUAL`,
    ]);
    expect(statements[2]!.params).toEqual(['9', 0, '9', 1]);
  });

  it('find reads the order back by our id; cancel updates the configured column', async () => {
    const { driver, statements } = recordingDriver((sql) => (sql.startsWith('SELECT') ? [{ dh_erp_no: 'SO-77', dh_key: 501 }] : []));
    const target = open('mssql', driver);
    expect(await target.find(DOCUMENT, signal)).toEqual({ erpOrderNo: 'SO-77', detail: 'found in dbo.t_SO_Head as 501' });
    await target.cancel({ orderId: DOCUMENT.orderId, number: DOCUMENT.number, erpOrderNo: 'SO-77' }, signal);
    expect(statements.at(-1)).toEqual({ sql: 'UPDATE [dbo].[t_SO_Head] SET [FStatus] = @p1 WHERE [FExtId] = @p2', params: [9, DOCUMENT.orderId], tx: false });
    const { driver: none } = recordingDriver();
    expect(await open('mssql', none).find(DOCUMENT, signal)).toBeNull();
  });
});

describe('sql order target: what driver errors mean', () => {
  const failing = (error: Error, when: RegExp = /^INSERT/) => recordingDriver((sql) => {
    if (when.test(sql)) throw error;
    return [];
  }).driver;

  it('a refusal on the merits is a TargetRejection with the database’s words (constraint, RAISE in a trigger, ORA-20xxx)', async () => {
    const cases: Array<['mssql' | 'oracle' | 'postgres', Error]> = [
      ['mssql', Object.assign(new Error("The INSERT statement conflicted with the CHECK constraint \"CK_Qty\"."), { number: 547 })],
      ['postgres', Object.assign(new Error('customer D001 is blocked'), { code: 'P0001' })],
      ['oracle', Object.assign(new Error('ORA-20001: customer on credit hold'), { code: 'ORA-20001' })],
    ];
    for (const [dialect, error] of cases) {
      const rejected = await open(dialect, failing(error)).create(DOCUMENT, signal).catch((e: unknown) => e);
      expect(rejected).toBeInstanceOf(TargetRejection);
      expect((rejected as TargetRejection).targetMessage).toBe(error.message);
      expect((rejected as Error).message).toMatch(/staging of order DH2611240000007 refused/);
    }
  });

  it('a duplicate key on our order id means it is staged already: the staged order is returned', async () => {
    let inserts = 0;
    const { driver } = recordingDriver((sql) => {
      if (sql.startsWith('INSERT')) {
        inserts += 1;
        throw Object.assign(new Error('Violation of UNIQUE KEY constraint'), { number: 2627 });
      }
      return [{ dh_erp_no: 'SO-77', dh_key: 501 }];
    });
    expect(await open('mssql', driver).create(DOCUMENT, signal)).toEqual({ erpOrderNo: 'SO-77', detail: 'found in dbo.t_SO_Head as 501 (already staged)' });
    expect(inserts).toBe(1);
  });

  it('a lost connection is transient; a staging target without `cancel` refuses cancellations', async () => {
    const lost = await open('postgres', failing(Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' }))).create(DOCUMENT, signal).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(TransientError);
    const { cancel: _cancel, ...noCancel } = ORDERS;
    const refused = await open('mssql', recordingDriver().driver, noCancel).cancel({ orderId: DOCUMENT.orderId, number: DOCUMENT.number, erpOrderNo: 'SO-77' }, signal).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TargetRejection);
    expect((refused as Error).message).toMatch(/cancel ERP order SO-77 in the ERP/);
  });
});

describe('sql order target: configuration', () => {
  const base = { dialect: 'mssql', url: 'mssql://sa:pw@erp.local:1433/AIS' };
  it.each([
    [{ ...ORDERS, keyColumn: undefined, erpOrderNoColumn: undefined }, /name erpOrderNoColumn or keyColumn/],
    [{ ...ORDERS, keyColumn: undefined }, /a line column takes headerKey, so keyColumn must name/],
    [{ ...ORDERS, header: { FCust: 'dealer.kode' } }, /"path":\["orders","header","FCust"\],"message":"Invalid option/],
    [{ ...ORDERS, headerTable: 'dbo.t; DROP TABLE x' }, /expected a table name/],
  ])('refuses %#', (orders, message) => {
    const result = sqlOptionsSchema.safeParse({ ...base, orders });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error!.issues)).toMatch(message);
  });

  it('takes an orders-only connector (no streams), but not one with neither', () => {
    expect(sqlOptionsSchema.safeParse({ ...base, orders: ORDERS }).success).toBe(true);
    expect(JSON.stringify(sqlOptionsSchema.safeParse(base).error!.issues)).toMatch(/at least one stream \(or `orders:`\) is needed/);
  });

  it('delivery.erp.connector must name a configured, enabled connector', () => {
    const parse = (yaml: string) => () => parseConfigText(yaml, 'test.yaml', {}, connectorRefinement(CONNECTORS));
    expect(parse('delivery: { erp: { connector: kingdee } }\n')).toThrow(/test\.yaml:1:\d+ delivery\.erp\.connector: no connector named "kingdee"; configured: none/);
    expect(parse(`connectors:\n  kingdee: { kind: sql, enabled: false, dialect: mssql, url: "mssql://sa:pw@erp.local/AIS", orders: ${JSON.stringify(ORDERS)} }\ndelivery: { erp: { connector: kingdee } }\n`)).toThrow(
      /connector kingdee is disabled/,
    );
  });

  it('the hub gives the order target of a connector that has one, and says why not otherwise', () => {
    const hub = createConnectorHub(
      {
        kingdee: { kind: 'sql', enabled: true, mappings: {}, ...base, orders: ORDERS },
        reports: { kind: 'sql', enabled: true, mappings: {}, ...base, streams: { products: { entity: 'products', query: 'SELECT 1 AS sku', cursor: { column: 'sku' }, primaryKey: ['sku'] } } },
      },
      CONNECTORS,
      deps,
    );
    expect(typeof hub.orderTarget('kingdee').create).toBe('function');
    expect(() => hub.orderTarget('reports')).toThrow(ConfigError);
    expect(() => hub.orderTarget('reports')).toThrow(/connector reports \(sql\) takes no orders with these settings \(add `orders:` with the staging tables\)/);
  });
});
