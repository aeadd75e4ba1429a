import { describe, expect, it } from 'vitest';
import type { CanonicalEntity, ConnectorInstance, Page } from '../../src/connectors/contract.js';
import { createOracleEbsConnector, oracleEbsConnector, oracleEbsOptionsSchema, toSqlOptions, type OracleEbsOptions } from '../../src/connectors/oracle-ebs/index.js';
import { createKeysetDouble } from '../../src/connectors/sql/index.js';
import { createLogger } from '../../src/core/logger.js';
import { canonicalSchemas } from '../../src/core/sync/canonical.js';
import { applyMapping } from '../../src/mappings/index.js';
import { connectorContract } from './contract-suite.js';

const deps = { logger: createLogger({ level: 'silent', pretty: false }), now: () => new Date('2026-03-15T02:00:00Z') };

// Rows as oracledb returns the built-in queries' results: upper-case names, numbers, and DATEs
// as Dates built from local-time fields (so they read the same in any TZ the test runs in).
const at = (month: number, day: number, hour = 0) => new Date(2026, month - 1, day, hour);
const items = Array.from({ length: 25 }, (_, i) => ({
  INVENTORY_ITEM_ID: 5000 + i, SEGMENT1: `FG${String(i).padStart(4, '0')}`, DESCRIPTION: `成品 ${i}`, PRIMARY_UOM_CODE: 'EA', ITEM_TYPE: 'FG',
  INVENTORY_ITEM_STATUS_CODE: i === 7 ? 'Obsolete' : i === 8 ? 'Hold' : 'Active', CUSTOMER_ORDER_ENABLED_FLAG: 'Y',
  SHELF_LIFE_CODE: i % 2 ? 2 : 1, SHELF_LIFE_DAYS: i % 2 ? 540 : null, CATEGORY: 'BEVERAGE', LAST_UPDATE_DATE: at(1, 1 + Math.floor(i / 4), 9),
}));
const onHand = [
  { SEGMENT1: 'FG0001', WAREHOUSE_KEY: 'M1', LOT_NUMBER: 'L2601A', ON_HAND: 120, ORIGINATION_DATE: at(1, 5), EXPIRATION_DATE: at(7, 4), DATE_RECEIVED: at(1, 6, 14) },
  { SEGMENT1: 'FG0001', WAREHOUSE_KEY: 'M2', LOT_NUMBER: 'NOLOT', ON_HAND: 36, ORIGINATION_DATE: null, EXPIRATION_DATE: null, DATE_RECEIVED: at(2, 1) },
];
const accounts = [
  { CUST_ACCOUNT_ID: 1040, ACCOUNT_NUMBER: '10040', ACCOUNT_NAME: null, PARTY_NAME: '深圳市万家商贸有限公司', CUSTOMER_CLASS_CODE: 'KEY_ACCOUNT', STATUS: 'A', ACCOUNT_ESTABLISHED_DATE: at(3, 1), CREATION_DATE: at(3, 2), LAST_UPDATE_DATE: at(1, 2) },
  { CUST_ACCOUNT_ID: 1041, ACCOUNT_NUMBER: '10041', ACCOUNT_NAME: 'Chengdu', PARTY_NAME: '成都百货', CUSTOMER_CLASS_CODE: null, STATUS: 'I', ACCOUNT_ESTABLISHED_DATE: null, CREATION_DATE: at(2, 9), LAST_UPDATE_DATE: at(1, 2) },
];
const siteUses = [
  { SITE_USE_ID: 7001, ACCOUNT_NUMBER: '10040', LOCATION: 'SZ-NS-01', PARTY_SITE_NUMBER: '3001', PARTY_SITE_NAME: null, PARTY_NAME: '深圳市万家商贸有限公司', ADDRESS1: '科技园路1号', ADDRESS2: null, CITY: '深圳市', COUNTY: '南山区', STATE: null, PROVINCE: '广东省', POSTAL_CODE: '518057', COUNTRY: 'CN', FULL_ADDRESS: '广东省 深圳市 南山区 科技园路1号', REGION_KEY: '广东省/深圳市/南山区', STATUS: 'A', LAST_UPDATE_DATE: at(1, 3) },
];
const profiles = [{ ACCOUNT_NUMBER: '10040', CURRENCY_CODE: 'CNY', OVERALL_CREDIT_LIMIT: 500000, AR_OPEN: 123456.78, OVERDUE: 2300.5, OLDEST_OVERDUE_DAYS: 12 }];
const schedules = [
  { PAYMENT_SCHEDULE_ID: 90001, ACCOUNT_NUMBER: '10040', TRX_NUMBER: 'INV260101', TERMS_SEQUENCE_NUMBER: 1, CLASS: 'INV', DOCUMENT_NO: 'INV260101', TRX_DATE: at(1, 10), DUE_DATE: at(2, 9), AMOUNT_DUE_ORIGINAL: 11300, AMOUNT_DUE_REMAINING: 5300.5, INVOICE_CURRENCY_CODE: 'CNY' },
  { PAYMENT_SCHEDULE_ID: 90002, ACCOUNT_NUMBER: '10040', TRX_NUMBER: 'CM260102', TERMS_SEQUENCE_NUMBER: null, CLASS: 'CM', DOCUMENT_NO: 'CM260102', TRX_DATE: at(1, 12), DUE_DATE: at(1, 12), AMOUNT_DUE_ORIGINAL: -800, AMOUNT_DUE_REMAINING: -800, INVOICE_CURRENCY_CODE: 'CNY' },
];

function ebs() {
  return createKeysetDouble({
    dialect: 'oracle',
    tables: [
      { match: /FROM MTL_SYSTEM_ITEMS_B msi/, rows: items },
      { match: /FROM MTL_ONHAND_QUANTITIES_DETAIL/, rows: onHand },
      { match: /FROM HZ_CUST_ACCOUNTS hca/, rows: accounts },
      { match: /FROM HZ_CUST_SITE_USES_ALL/, rows: siteUses },
      { match: /FROM HZ_CUST_PROFILE_AMTS/, rows: profiles },
      { match: /FROM AR_PAYMENT_SCHEDULES_ALL aps\n/, rows: schedules },
    ],
  });
}

const raw = {
  url: 'oracle://APPS_RO:s3cret@ebsdb.example.com:1521/EBSPROD',
  organizationId: 204,
  pageSize: 10,
  retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 },
  categorySetId: 1100000041,
  warehouses: { M1: 'WH-SZ', M2: 'WH-CD', "X'Y": 'WH-X' },
  tiers: { KEY_ACCOUNT: 'A' },
  shipToRegion: { lookup: { '广东省/深圳市/南山区': '440305' } },
  operatingUnitIds: [204],
};
const options = oracleEbsOptionsSchema.parse(raw);

async function readAll(instance: ConnectorInstance, stream: string): Promise<Page[]> {
  const pages: Page[] = [];
  for await (const page of instance.read(stream, null, new AbortController().signal)) pages.push(page);
  return pages;
}

/** Every record of `stream` through its default mapping, validated as the sync runner does. */
async function canonical(stream: string, o: OracleEbsOptions = options): Promise<Record<string, unknown>[]> {
  const spec = oracleEbsConnector.streams(o).find((s) => s.name === stream)!;
  const pages = await readAll(createOracleEbsConnector(o, deps, ebs().query), stream);
  return pages.flatMap((page) =>
    page.records.map((record) => {
      const mapped = applyMapping(spec.defaultMapping, record);
      expect(mapped.issues, JSON.stringify(record)).toEqual([]);
      return canonicalSchemas[spec.entity as CanonicalEntity].parse(mapped.value) as Record<string, unknown>;
    }),
  );
}

describe('oracle-ebs: contract (products through a query double)', () => {
  const double = ebs();
  connectorContract<OracleEbsOptions>({
    definition: oracleEbsConnector,
    options: raw,
    create: (o) => createOracleEbsConnector(o, deps, double.query),
    stream: 'products',
    minRecords: 25,
    invalidOptions: { options: { ...raw, shipToRegion: { attribute: 'SEGMENT1' } }, message: /ATTRIBUTE1 … ATTRIBUTE20/ },
  });
});

describe('oracle-ebs: streams map to valid canonical records', () => {
  it('products: master org items, shelf life only under shelf-life control, statuses through the table', async () => {
    const products = await canonical('products');
    expect(products).toHaveLength(25);
    expect(products[1]).toEqual({ sku: 'FG0001', name: '成品 1', uom: 'EA', shelf_life_days: 540, category: 'BEVERAGE', status: 'active' });
    expect(products.filter((p) => p.status !== 'active').map((p) => [p.sku, p.status])).toEqual([['FG0007', 'discontinued'], ['FG0008', 'inactive']]);
  });

  it('stock: lots with production, expiry and receipt dates as calendar days, warehouses translated', async () => {
    expect(await canonical('stock')).toEqual([
      { sku: 'FG0001', warehouse_code: 'WH-SZ', lot: 'L2601A', on_hand: 120, production_date: '2026-01-05', expiry_date: '2026-07-04', received_at: '2026-01-06' },
      { sku: 'FG0001', warehouse_code: 'WH-CD', lot: 'NOLOT', on_hand: 36, production_date: null, expiry_date: null, received_at: '2026-02-01' },
    ]);
  });

  it('dealers: account number and party name, tier from the customer class, inactive as suspended', async () => {
    expect(await canonical('dealers')).toEqual([
      { code: '10040', name: '深圳市万家商贸有限公司', tier: 'A', status: 'active', cooperation_since: '2026-03-01' },
      { code: '10041', name: '成都百货', tier: 'standard', status: 'suspended', cooperation_since: '2026-02-09' },
    ]);
  });

  it('ship_tos: the SHIP_TO location with its district code from the region lookup', async () => {
    expect(await canonical('ship_tos')).toEqual([
      { dealer_code: '10040', code: 'SZ-NS-01', name: 'SZ-NS-01', address: '广东省 深圳市 南山区 科技园路1号', region_code: '440305', status: 'active' },
    ]);
  });

  it('credit and open items: exact decimal strings, negative credit memos kept', async () => {
    expect(await canonical('credit')).toEqual([{ dealer_code: '10040', credit_limit: '500000', ar_open: '123456.78', overdue: '2300.5', oldest_overdue_days: 12, currency: 'CNY' }]);
    expect(await canonical('ar_open_items')).toEqual([
      { dealer_code: '10040', document_no: 'INV260101', document_date: '2026-01-10', due_date: '2026-02-09', amount: '11300', open_amount: '5300.5', currency: 'CNY' },
      { dealer_code: '10040', document_no: 'CM260102', document_date: '2026-01-12', due_date: '2026-01-12', amount: '-800', open_amount: '-800', currency: 'CNY' },
    ]);
  });
});

describe('oracle-ebs: the queries', () => {
  const queries = Object.fromEntries(Object.entries(toSqlOptions(options).streams).map(([name, s]) => [name, s.query]));

  it('filter by the configured organizations, sets and classes, with literals escaped', () => {
    expect(queries.products).toMatch(/WHERE msi\.ORGANIZATION_ID = 204\n\s+AND msi\.CUSTOMER_ORDER_FLAG = 'Y'/);
    expect(queries.products).toContain('mic.CATEGORY_SET_ID = 1100000041');
    expect(queries.stock).toContain('mp.MASTER_ORGANIZATION_ID = 204');
    expect(queries.stock).toContain('msub.AVAILABILITY_TYPE = 1');
    expect(queries.stock).toContain(`mp.ORGANIZATION_CODE IN ('M1', 'M2', 'X''Y')`);
    expect(queries.stock).toContain('SUM(moqd.PRIMARY_TRANSACTION_QUANTITY) AS ON_HAND');
    expect(queries.ship_tos).toContain(`hl.PROVINCE || '/' || hl.CITY || '/' || hl.COUNTY AS REGION_KEY`);
    expect(queries.credit).toContain(`hcpa.CURRENCY_CODE = 'CNY'`);
    expect(queries.ar_open_items).toContain(`aps.CLASS IN ('INV', 'DM', 'CM', 'CB')`);
    expect(queries.ar_open_items).toContain('aps.ORG_ID IN (204)');
    const classes = toSqlOptions(oracleEbsOptionsSchema.parse({ ...raw, dealerClasses: ['DEALER'] })).streams;
    for (const stream of ['dealers', 'ship_tos', 'credit', 'ar_open_items']) expect(classes[stream]!.query).toContain(`hca.CUSTOMER_CLASS_CODE IN ('DEALER')`);
  });

  it('pages them with Oracle binds and FETCH FIRST, lower-case keys quoted upper-case', async () => {
    const double = ebs();
    await readAll(createOracleEbsConnector(options, deps, double.query), 'products');
    expect(double.calls[1]!.sql).toMatch(/\) q\nWHERE \(\(q\."LAST_UPDATE_DATE" > :1\) OR \(q\."LAST_UPDATE_DATE" = :2 AND q\."INVENTORY_ITEM_ID" > :3\)\)\nORDER BY q\."LAST_UPDATE_DATE", q\."INVENTORY_ITEM_ID"\nFETCH FIRST 10 ROWS ONLY$/);
    expect(double.calls[1]!.params).toEqual(['2026-01-03T09:00:00', '2026-01-03T09:00:00', '5009']);
  });

  it('reads the region code from a flexfield attribute and stock per subinventory when configured', async () => {
    const o = oracleEbsOptionsSchema.parse({ ...raw, shipToRegion: { attribute: 'ATTRIBUTE5' }, warehouseLevel: 'subinventory', warehouses: {}, nettableOnly: false });
    const sql = toSqlOptions(o).streams;
    expect(sql.ship_tos!.query).toContain('hl.ATTRIBUTE5 AS REGION_KEY');
    expect(sql.stock!.query).toContain(`mp.ORGANIZATION_CODE || '.' || moqd.SUBINVENTORY_CODE AS WAREHOUSE_KEY`);
    expect(sql.stock!.query).not.toContain('MTL_SECONDARY_INVENTORIES');
    const shipTo = oracleEbsConnector.streams(o).find((s) => s.name === 'ship_tos')!;
    expect(applyMapping(shipTo.defaultMapping, { region_key: '440305', account_number: '1', location: 'L', full_address: 'A' }).value).toMatchObject({ region_code: '440305' });
  });

  it('rejects a URL that is not oracle:// without echoing it', () => {
    const result = oracleEbsOptionsSchema.safeParse({ ...raw, url: 'postgres://APPS:s3cret@ebsdb/EBSPROD' });
    expect(result.error?.issues[0]?.message).toMatch(/expected oracle:\/\/user:password@host:1521\/SERVICE_NAME/);
    expect(JSON.stringify(result.error?.issues)).not.toContain('s3cret');
  });
});
