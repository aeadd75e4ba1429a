/**
 * The `oracle-ebs` connector's OrderTarget (Order Import interface) against a double of the
 * database at the driver edge: Oracle cannot run here, so FakeEbs (test/fixtures/oracle-ebs)
 * keeps OE_HEADERS_IFACE_ALL / OE_LINES_IFACE_ALL / OE_ORDER_HEADERS_ALL in memory, records every
 * statement and bind per transaction, raises ORA- errors and timeouts on demand and plays the
 * Order Import concurrent program. Every statement the target sends is asserted.
 */
import { describe, expect, it } from 'vitest';
import { TargetRejection, type OrderDocument, type OrderTarget } from '../../src/connectors/contract.js';
import {
  createOracleEbsConnector,
  isProvisionalErpOrderNo,
  oracleEbsConnector,
  oracleEbsOptionsSchema,
  unitSellingPrice,
  type OracleEbsOptions,
} from '../../src/connectors/oracle-ebs/index.js';
import { clipBytes, insertStatement } from '../../src/connectors/oracle-ebs/order-target.js';
import { ConfigError, TransientError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';
import { FakeEbs, oracleError } from '../fixtures/oracle-ebs/fake-ebs.js';

const deps = { logger: createLogger({ level: 'silent', pretty: false }), now: () => new Date('2024-05-02T08:00:00Z') };
const signal = () => new AbortController().signal;

const raw = {
  url: 'oracle://APPS:s3cret-Pw@ebsdb.example.com:1521/EBSPROD',
  organizationId: 204,
  orders: {
    orderSourceId: 1021,
    orderTypeId: 1430,
    orgId: 204,
    createdBy: 1318,
    cancelReason: 'NOT PROVIDED',
    booked: true,
    giftLineTypeId: 1432,
    customerMap: { D001: 1040 },
    itemMap: { TG11: 5011 },
    warehouseMap: { 'WH-SZ': 207 },
    uomMap: { BOX: 'BX' },
  },
};
const options = (orders: Record<string, unknown> = {}): OracleEbsOptions => oracleEbsOptionsSchema.parse({ ...raw, orders: { ...raw.orders, ...orders } });

const fake = () =>
  new FakeEbs({
    siteUses: [
      { SITE_USE_ID: 7001, LOCATION: 'ST-01', ACCOUNT_NUMBER: 'D001', ORG_ID: 204 },
      { SITE_USE_ID: 7999, LOCATION: 'ST-01', ACCOUNT_NUMBER: 'D002', ORG_ID: 204 },
    ],
    items: [
      { INVENTORY_ITEM_ID: 5015, SEGMENT1: '1501', ORGANIZATION_ID: 204 },
      { INVENTORY_ITEM_ID: 5012, SEGMENT1: 'TG12', ORGANIZATION_ID: 204 },
      { INVENTORY_ITEM_ID: 6012, SEGMENT1: 'TG12', ORGANIZATION_ID: 999 },
    ],
  });
const setup = (orders: Record<string, unknown> = {}) => {
  const ebs = fake();
  const target: OrderTarget = createOracleEbsConnector(options(orders), deps, ebs).orders!;
  return { ebs, target };
};

const ORDER: OrderDocument = {
  orderId: '0f8e2c1a-7b3d-4e5f-9a6b-1c2d3e4f5a6b',
  number: 'DH2405020000042',
  externalRef: 'PO-7781',
  dealer: { code: 'D001', name: 'Shenzhen Dealer' },
  shipTo: { code: 'ST-01', name: 'Futian store', address: '1 Fuhua Rd, Shenzhen', regionCode: '440304', contact: 'Li Wei', phone: null },
  currency: 'CNY',
  orderDate: '2024-05-02',
  requestedDate: '2024-05-10',
  note: 'Deliver before 10:00',
  lines: [
    { lineNo: 1, sku: 'TG11', qty: 12, uom: 'PC', unitPrice: '25.5000', gross: '306.00', discount: '30.60', net: '275.40', isGift: false, warehouseCode: 'WH-SZ', lots: [] },
    { lineNo: 2, sku: '1501', qty: 3, uom: 'BOX', unitPrice: '80.0000', gross: '240.00', discount: '10.00', net: '230.00', isGift: false, warehouseCode: 'WH-XX', lots: [] },
    { lineNo: 3, sku: 'TG12', qty: 1, uom: 'PC', unitPrice: '19.9000', gross: '19.90', discount: '19.90', net: '0.00', isGift: true, warehouseCode: null, lots: [] },
  ],
  totals: { gross: '565.90', discount: '60.50', net: '505.40' },
};
const REF = { orderId: ORDER.orderId, number: ORDER.number };
const PROVISIONAL = 'IFACE:DH2405020000042';

const WHO = 'CREATION_DATE, CREATED_BY, LAST_UPDATE_DATE, LAST_UPDATED_BY';
const HEADER_SQL =
  'INSERT INTO OE_HEADERS_IFACE_ALL (ORDER_SOURCE_ID, ORIG_SYS_DOCUMENT_REF, ORG_ID, OPERATION_CODE, ORDER_TYPE_ID, ORDERED_DATE, REQUEST_DATE, ' +
  'TRANSACTIONAL_CURR_CODE, SOLD_TO_ORG_ID, CUSTOMER_NUMBER, SHIP_TO_ORG_ID, CUSTOMER_PO_NUMBER, PRICE_LIST_ID, SHIPPING_INSTRUCTIONS, BOOKED_FLAG, READY_FLAG, ' +
  `${WHO}) VALUES (:1, :2, :3, 'INSERT', :4, TO_DATE(:5, 'YYYY-MM-DD'), TO_DATE(:6, 'YYYY-MM-DD'), :7, :8, :9, :10, :11, :12, :13, :14, 'Y', SYSDATE, :15, SYSDATE, :16)`;
const LINE_SQL =
  'INSERT INTO OE_LINES_IFACE_ALL (ORDER_SOURCE_ID, ORIG_SYS_DOCUMENT_REF, ORIG_SYS_LINE_REF, ORG_ID, LINE_NUMBER, OPERATION_CODE, LINE_TYPE_ID, INVENTORY_ITEM_ID, ' +
  `ORDERED_QUANTITY, ORDER_QUANTITY_UOM, UNIT_LIST_PRICE, UNIT_SELLING_PRICE, CALCULATE_PRICE_FLAG, SHIP_FROM_ORG_ID, REQUEST_DATE, ${WHO}) ` +
  `VALUES (:1, :2, :3, :4, :5, 'INSERT', :6, :7, :8, :9, :10, :11, 'N', :12, TO_DATE(:13, 'YYYY-MM-DD'), SYSDATE, :14, SYSDATE, :15)`;
const CANCEL_SQL =
  `INSERT INTO OE_HEADERS_IFACE_ALL (ORDER_SOURCE_ID, ORIG_SYS_DOCUMENT_REF, ORG_ID, OPERATION_CODE, CANCELLED_FLAG, CHANGE_REASON, CHANGE_COMMENTS, READY_FLAG, ${WHO}) ` +
  `VALUES (:1, :2, :3, 'UPDATE', 'Y', :4, :5, 'Y', SYSDATE, :6, SYSDATE, :7)`;
const ORDER_LOOKUP = 'SELECT ORDER_NUMBER, HEADER_ID, FLOW_STATUS_CODE, CANCELLED_FLAG FROM OE_ORDER_HEADERS_ALL WHERE ORDER_SOURCE_ID = :1 AND ORIG_SYS_DOCUMENT_REF = :2 AND ORG_ID = :3';
const QUEUED_LOOKUP =
  "SELECT OPERATION_CODE, ERROR_FLAG, REQUEST_ID FROM OE_HEADERS_IFACE_ALL WHERE ORDER_SOURCE_ID = :1 AND ORIG_SYS_DOCUMENT_REF = :2 AND ORG_ID = :3 AND OPERATION_CODE IN ('INSERT', 'CREATE')";
const KEY = [1021, 'DH2405020000042', 204];

const headerInserts = (ebs: FakeEbs) => ebs.sent(/^INSERT INTO OE_HEADERS_IFACE_ALL .*'INSERT'/);
const lineInserts = (ebs: FakeEbs) => ebs.sent(/^INSERT INTO OE_LINES_IFACE_ALL/);

async function rejectionOf(promise: Promise<unknown>): Promise<TargetRejection> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TargetRejection);
  return error as TargetRejection;
}

describe('oracle-ebs order target: create', () => {
  it('queues header and lines in one transaction with exact binds and answers with a provisional number', async () => {
    const { ebs, target } = setup();
    const ref = await target.create(ORDER, signal());

    expect(ref).toEqual({
      erpOrderNo: PROVISIONAL,
      provisional: true,
      detail: 'queued in OE_HEADERS_IFACE_ALL with 3 line(s) as ORIG_SYS_DOCUMENT_REF DH2405020000042 (ORDER_SOURCE_ID 1021), waiting for Order Import',
    });
    expect(isProvisionalErpOrderNo(ref.erpOrderNo)).toBe(true);
    expect(ebs.transactions).toHaveLength(1);
    const [tx] = ebs.transactions;
    expect(tx!.outcome).toBe('committed');
    expect(ebs.statements.every((s) => s.transaction === 0)).toBe(true);
    expect(tx!.statements).toEqual([
      { sql: ORDER_LOOKUP, params: KEY },
      { sql: QUEUED_LOOKUP, params: KEY },
      { sql: expect.stringMatching(/^SELECT hcsu\.SITE_USE_ID FROM HZ_CUST_SITE_USES_ALL hcsu .* AND hcsu\.LOCATION = :1 AND hca\.ACCOUNT_NUMBER = :2 AND hcsu\.ORG_ID = :3$/), params: ['ST-01', 'D001', 204] },
      { sql: 'SELECT SEGMENT1, INVENTORY_ITEM_ID FROM MTL_SYSTEM_ITEMS_B WHERE ORGANIZATION_ID = :1 AND SEGMENT1 IN (:2, :3)', params: [204, '1501', 'TG12'] },
      {
        sql: HEADER_SQL,
        params: [1021, 'DH2405020000042', 204, 1430, '2024-05-02', '2024-05-10', 'CNY', 1040, null, 7001, 'PO-7781', null, 'Deliver before 10:00', 'Y', 1318, 1318],
      },
      // Frozen prices: list = our unit price, selling = net ÷ qty (230.00 / 3 → 76.6667, × 3 = 230.0001 ≈ 230.00).
      { sql: LINE_SQL, params: [1021, 'DH2405020000042', '1', 204, 1, null, 5011, 12, 'PC', '25.5000', '22.9500', 207, '2024-05-10', 1318, 1318] },
      { sql: LINE_SQL, params: [1021, 'DH2405020000042', '2', 204, 2, null, 5015, 3, 'BX', '80.0000', '76.6667', null, '2024-05-10', 1318, 1318] },
      // The gift: price 0, free-goods line type, no warehouse → EBS defaults it.
      { sql: LINE_SQL, params: [1021, 'DH2405020000042', '3', 204, 3, 1432, 5012, 1, 'PC', '0', '0', null, '2024-05-10', 1318, 1318] },
    ]);
    expect(ebs.tables.OE_HEADERS_IFACE_ALL).toEqual([
      expect.objectContaining({ ORIG_SYS_DOCUMENT_REF: 'DH2405020000042', OPERATION_CODE: 'INSERT', READY_FLAG: 'Y', BOOKED_FLAG: 'Y', CUSTOMER_NUMBER: null, SOLD_TO_ORG_ID: 1040 }),
    ]);
    expect(ebs.tables.OE_LINES_IFACE_ALL.map((l) => [l.ORIG_SYS_LINE_REF, l.CALCULATE_PRICE_FLAG, l.UNIT_SELLING_PRICE])).toEqual([
      ['1', 'N', '22.9500'],
      ['2', 'N', '76.6667'],
      ['3', 'N', '0'],
    ]);
  });

  it('sends an unmapped dealer as CUSTOMER_NUMBER, mapped ship-tos and items without lookups, and booked N when configured', async () => {
    const { ebs, target } = setup({ customerMap: {}, shipToMap: { 'ST-01': 7100 }, itemMap: { TG11: 5011, '1501': 5015, TG12: 5012 }, booked: false, priceListId: 1000 });
    await target.create({ ...ORDER, externalRef: null, note: null, requestedDate: null }, signal());
    expect(ebs.sent(/HZ_CUST_SITE_USES_ALL|MTL_SYSTEM_ITEMS_B/)).toEqual([]);
    expect(headerInserts(ebs)[0]!.params).toEqual([1021, 'DH2405020000042', 204, 1430, '2024-05-02', null, 'CNY', null, 'D001', 7100, null, 1000, null, 'N', 1318, 1318]);
  });

  it('uses the order id as ORIG_SYS_DOCUMENT_REF with reference: orderId', async () => {
    const { ebs, target } = setup({ reference: 'orderId' });
    const ref = await target.create(ORDER, signal());
    expect(ref.erpOrderNo).toBe(`IFACE:${ORDER.orderId}`);
    expect(headerInserts(ebs)[0]!.params[1]).toBe(ORDER.orderId);
    expect(lineInserts(ebs).map((s) => s.params[1])).toEqual([ORDER.orderId, ORDER.orderId, ORDER.orderId]);
    ebs.runOrderImport();
    expect((await target.find(REF, signal()))?.erpOrderNo).toBe('69001');
  });

  it('reads back the EBS order number once Order Import ran', async () => {
    const { ebs, target } = setup();
    await target.create(ORDER, signal());
    expect(await target.find(REF, signal())).toEqual({
      erpOrderNo: PROVISIONAL,
      provisional: true,
      detail: 'queued in OE_HEADERS_IFACE_ALL as ORIG_SYS_DOCUMENT_REF DH2405020000042 (ORDER_SOURCE_ID 1021), waiting for Order Import',
    });
    ebs.pickUp('DH2405020000042');
    expect((await target.find(REF, signal()))?.detail).toMatch(/waiting for Order Import; being imported by request 5000001$/);

    const run = ebs.runOrderImport();
    expect(run.imported).toEqual(['DH2405020000042']);
    expect(ebs.tables.OE_HEADERS_IFACE_ALL).toEqual([]);
    expect(ebs.tables.OE_LINES_IFACE_ALL).toEqual([]);
    expect(await target.find(REF, signal())).toEqual({ erpOrderNo: '69001', detail: 'EBS order 69001 (BOOKED) for ORIG_SYS_DOCUMENT_REF DH2405020000042, ORDER_SOURCE_ID 1021' });
    // Found in OE_ORDER_HEADERS_ALL: the interface is not asked.
    expect(ebs.statements.slice(-1)).toEqual([{ sql: ORDER_LOOKUP, params: KEY, transaction: null }]);
    expect(await target.find({ orderId: 'x', number: 'DH2405020000043' }, signal())).toBeNull();
  });

  it('after a timeout that lost the answer, find finds the queued order and nothing is inserted twice', async () => {
    const { ebs, target } = setup();
    ebs.loseAnswerAfterCommit(oracleError('NJS-123', 'call timeout of 60000 ms exceeded'));
    const error = await target.create(ORDER, signal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toBe('oracle ebsdb.example.com:1521/EBSPROD: NJS-123: call timeout of 60000 ms exceeded');
    expect(ebs.transactions.map((t) => t.outcome)).toEqual(['committed']);

    // The relay's retry: find first — it has the order, so create is not called.
    expect((await target.find(REF, signal()))?.erpOrderNo).toBe(PROVISIONAL);
    // Even a create sent anyway finds it inside its transaction and inserts nothing.
    expect(await target.create(ORDER, signal())).toEqual({ erpOrderNo: PROVISIONAL, provisional: true, detail: expect.stringMatching(/waiting for Order Import \(already there\)$/) });
    ebs.runOrderImport();
    expect(await target.create(ORDER, signal())).toEqual({ erpOrderNo: '69001', detail: expect.stringMatching(/^EBS order 69001 .*\(already there\)$/) });
    expect(headerInserts(ebs)).toHaveLength(1);
    expect(lineInserts(ebs)).toHaveLength(3);
    expect(ebs.tables.OE_ORDER_HEADERS_ALL).toEqual([expect.objectContaining({ ORDER_NUMBER: 69001, LINES: 3 })]);
  });

  it('a timeout before the commit rolls everything back; the retry queues the order once', async () => {
    const { ebs, target } = setup();
    ebs.failOn(/^INSERT INTO OE_LINES_IFACE_ALL/, oracleError('NJS-123', 'call timeout of 60000 ms exceeded'));
    await expect(target.create(ORDER, signal())).rejects.toBeInstanceOf(TransientError);
    expect(ebs.transactions.map((t) => t.outcome)).toEqual(['rolled back']);
    expect(ebs.tables.OE_HEADERS_IFACE_ALL).toEqual([]);

    expect(await target.find(REF, signal())).toBeNull();
    expect((await target.create(ORDER, signal())).erpOrderNo).toBe(PROVISIONAL);
    expect(ebs.tables.OE_HEADERS_IFACE_ALL).toHaveLength(1);
    expect(ebs.tables.OE_LINES_IFACE_ALL).toHaveLength(3);
  });

  it('an abort between lines rolls the transaction back', async () => {
    const { ebs, target } = setup();
    const controller = new AbortController();
    let inserted = 0;
    const original = ebs.transaction.bind(ebs);
    ebs.transaction = (work) =>
      original((q) =>
        work(async (sql, params) => {
          const rows = await q(sql, params);
          if (/^INSERT INTO OE_LINES_IFACE_ALL/.test(sql) && ++inserted === 1) controller.abort(new Error('lease expired'));
          return rows;
        }),
      );
    await expect(target.create(ORDER, controller.signal)).rejects.toThrow('lease expired');
    expect(inserted).toBe(1);
    expect(ebs.transactions.map((t) => t.outcome)).toEqual(['rolled back']);
    expect(ebs.tables.OE_HEADERS_IFACE_ALL).toEqual([]);
  });

  it('ORA-12899 (a dealer PO longer than CUSTOMER_PO_NUMBER) is a TargetRejection with Oracle’s message', async () => {
    const { ebs, target } = setup();
    const po = 'PO-'.padEnd(61, '9');
    const rejection = await rejectionOf(target.create({ ...ORDER, externalRef: po }, signal()));
    expect(rejection.targetMessage).toBe('ORA-12899: value too large for column "ONT"."OE_HEADERS_IFACE_ALL"."CUSTOMER_PO_NUMBER" (actual: 61, maximum: 50)');
    expect(rejection.message).toBe(
      'oracle ebsdb.example.com:1521/EBSPROD: EBS refused the entry of order DH2405020000042: ORA-12899: value too large for column "ONT"."OE_HEADERS_IFACE_ALL"."CUSTOMER_PO_NUMBER" (actual: 61, maximum: 50)',
    );
    expect(ebs.transactions.map((t) => t.outcome)).toEqual(['rolled back']);
    expect(lineInserts(ebs)).toEqual([]);
    expect(ebs.tables.OE_HEADERS_IFACE_ALL).toEqual([]);
  });

  it('a gift in an unmapped unit longer than ORDER_QUANTITY_UOM is refused by the database, not truncated', async () => {
    const { target } = setup();
    const rejection = await rejectionOf(target.create({ ...ORDER, lines: [{ ...ORDER.lines[2]!, uom: 'CARTON' }] }, signal()));
    expect(rejection.targetMessage).toBe('ORA-12899: value too large for column "ONT"."OE_LINES_IFACE_ALL"."ORDER_QUANTITY_UOM" (actual: 6, maximum: 3)');
  });

  it.each([
    ['ORA-00001', 'unique constraint (ONT.XX_OE_HEADERS_IFACE_U1) violated'],
    ['ORA-02291', 'integrity constraint (ONT.XX_OE_IFACE_FK1) violated - parent key not found'],
    ['ORA-01400', 'cannot insert NULL into ("ONT"."OE_HEADERS_IFACE_ALL"."ORDER_TYPE_ID")'],
    ['ORA-20001', 'XX_OE_IFACE_BIU: order type 1430 is closed for dealer-hub'],
  ])('%s on the header insert is a TargetRejection with the message', async (code, text) => {
    const { ebs, target } = setup();
    ebs.failOn(/^INSERT INTO OE_HEADERS_IFACE_ALL/, oracleError(code, text));
    const rejection = await rejectionOf(target.create(ORDER, signal()));
    expect(rejection.targetMessage).toBe(`${code}: ${text}`);
    expect(ebs.tables.OE_HEADERS_IFACE_ALL).toEqual([]);
  });

  it.each([
    ['ORA-03113', 'end-of-file on communication channel'],
    ['ORA-12541', 'TNS:no listener'],
    ['NJS-500', 'connection to the Oracle Database was broken'],
    ['ORA-00054', 'resource busy and acquire with NOWAIT specified or timeout expired'],
    ['ORA-01653', 'unable to extend table ONT.OE_LINES_IFACE_ALL by 128 in tablespace APPS_TS_INTERFACE'],
  ])('%s is transient (retried, not a verdict on the order)', async (code, text) => {
    const { ebs, target } = setup();
    ebs.failOn(/^INSERT INTO OE_LINES_IFACE_ALL/, oracleError(code, text));
    const error = await target.create(ORDER, signal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toContain(`${code}: ${text}`);
    ebs.failOn(/^SELECT ORDER_NUMBER/, oracleError(code, text));
    await expect(target.find(REF, signal())).rejects.toBeInstanceOf(TransientError);
  });

  it('a missing grant is a ConfigError, and credentials never appear in messages', async () => {
    const { ebs, target } = setup();
    ebs.failOn(/^INSERT INTO OE_HEADERS_IFACE_ALL/, oracleError('ORA-01031', 'insufficient privileges (APPS:s3cret-Pw)'));
    const error = await target.create(ORDER, signal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('s3cret-Pw');
  });

  it('refuses unknown items and ship-tos before inserting anything', async () => {
    const { ebs, target } = setup();
    const noItem = await rejectionOf(target.create({ ...ORDER, lines: [{ ...ORDER.lines[1]!, sku: 'NOPE' }] }, signal()));
    expect(noItem.targetMessage).toBe('no item NOPE in organization 204 (MTL_SYSTEM_ITEMS_B.SEGMENT1; or set orders.itemMap)');
    const noShipTo = await rejectionOf(target.create({ ...ORDER, shipTo: { ...ORDER.shipTo, code: 'ST-99' } }, signal()));
    expect(noShipTo.targetMessage).toBe('no active SHIP_TO site use with LOCATION ST-99 for customer D001 in operating unit 204 (set orders.shipToMap)');
    expect(ebs.sent(/^INSERT/)).toEqual([]);
  });

  it('refuses a reference longer than ORIG_SYS_DOCUMENT_REF without a statement', async () => {
    const { ebs, target } = setup();
    const long = { ...ORDER, number: 'DH'.padEnd(51, '0') };
    await rejectionOf(target.create(long, signal()));
    expect(await target.find(long, signal())).toBeNull();
    expect(ebs.statements).toEqual([]);
  });
});

describe('oracle-ebs order target: Order Import errors', () => {
  it('an order Order Import failed is a TargetRejection with the messages of that run, on find and on create', async () => {
    const { ebs, target } = setup();
    await target.create(ORDER, signal());
    ebs.tables.OE_PROCESSING_MSGS.push({ TRANSACTION_ID: 99, REQUEST_ID: 4_000_000, ORDER_SOURCE_ID: 1021, ORIGINAL_SYS_DOCUMENT_REF: 'DH2405020000042', MESSAGE_TEXT: 'an older run' });
    const run = ebs.runOrderImport({ DH2405020000042: ['Validation failed for the field - Ship To', 'Item TG11 is not customer orderable'] });
    expect(run.failed).toEqual(['DH2405020000042']);

    const found = await rejectionOf(target.find(REF, signal()));
    expect(found.targetMessage).toBe('Order Import (request 5000001): Validation failed for the field - Ship To; Item TG11 is not customer orderable');
    expect(ebs.statements.at(-1)).toEqual({
      sql:
        "SELECT NVL(m.MESSAGE_TEXT, t.MESSAGE_TEXT) AS MESSAGE_TEXT FROM OE_PROCESSING_MSGS m LEFT JOIN OE_PROCESSING_MSGS_TL t ON t.TRANSACTION_ID = m.TRANSACTION_ID AND t.LANGUAGE = USERENV('LANG') " +
        'WHERE m.ORDER_SOURCE_ID = :1 AND m.ORIGINAL_SYS_DOCUMENT_REF = :2 AND m.REQUEST_ID = :3 ORDER BY m.TRANSACTION_ID',
      params: [1021, 'DH2405020000042', 5000001],
      transaction: null,
    });
    const created = await rejectionOf(target.create(ORDER, signal()));
    expect(created.targetMessage).toBe(found.targetMessage);
    expect(headerInserts(ebs)).toHaveLength(1);

    // Deleted in EBS (Corrections window): a replay queues it afresh.
    ebs.tables.OE_HEADERS_IFACE_ALL = [];
    ebs.tables.OE_LINES_IFACE_ALL = [];
    expect(await target.find(REF, signal())).toBeNull();
    expect((await target.create(ORDER, signal())).erpOrderNo).toBe(PROVISIONAL);
  });
});

describe('oracle-ebs order target: cancel', () => {
  const CANCEL = { orderId: ORDER.orderId, number: ORDER.number, erpOrderNo: '69001' };
  const cancelInserts = (ebs: FakeEbs) => ebs.sent(/^INSERT INTO OE_HEADERS_IFACE_ALL .*'UPDATE'/);

  it('an imported order: one UPDATE header with CANCELLED_FLAG Y and CHANGE_REASON, no lines; repeated cancels queue nothing', async () => {
    const { ebs, target } = setup();
    await target.create(ORDER, signal());
    ebs.runOrderImport();

    await target.cancel(CANCEL, signal());
    expect(ebs.transactions.at(-1)).toEqual({
      outcome: 'committed',
      statements: [
        { sql: ORDER_LOOKUP, params: KEY },
        {
          sql: "SELECT OPERATION_CODE, ERROR_FLAG, REQUEST_ID FROM OE_HEADERS_IFACE_ALL WHERE ORDER_SOURCE_ID = :1 AND ORIG_SYS_DOCUMENT_REF = :2 AND ORG_ID = :3 AND OPERATION_CODE = 'UPDATE' AND CANCELLED_FLAG = 'Y'",
          params: KEY,
        },
        { sql: CANCEL_SQL, params: [1021, 'DH2405020000042', 204, 'NOT PROVIDED', 'Cancelled in dealer-hub', 1318, 1318] },
      ],
    });
    expect(ebs.tables.OE_LINES_IFACE_ALL).toEqual([]);

    await target.cancel(CANCEL, signal()); // queued already
    expect(cancelInserts(ebs)).toHaveLength(1);
    ebs.runOrderImport();
    expect(ebs.tables.OE_ORDER_HEADERS_ALL[0]).toMatchObject({ CANCELLED_FLAG: 'Y', FLOW_STATUS_CODE: 'CANCELLED' });
    await target.cancel(CANCEL, signal()); // cancelled already
    expect(cancelInserts(ebs)).toHaveLength(1);
    expect(ebs.transactions.at(-1)!.statements).toEqual([{ sql: ORDER_LOOKUP, params: KEY }]);
    expect(await target.find(REF, signal())).toEqual({ erpOrderNo: '69001', detail: expect.stringContaining('(CANCELLED)') });
  });

  it('a cancellation Order Import refused is a TargetRejection with its messages', async () => {
    const { ebs, target } = setup();
    await target.create(ORDER, signal());
    ebs.runOrderImport();
    await target.cancel(CANCEL, signal());
    ebs.runOrderImport({ DH2405020000042: ['Order has shipped lines; it cannot be cancelled'] });
    const rejection = await rejectionOf(target.cancel(CANCEL, signal()));
    expect(rejection.targetMessage).toBe('Order Import (request 5000002): Order has shipped lines; it cannot be cancelled');
    expect(rejection.message).toMatch(/EBS refused the cancellation of order DH2405020000042/);
    expect(cancelInserts(ebs)).toHaveLength(1);
  });

  it('an order not yet imported is withdrawn from the interface (locked, then deleted); again is a no-op', async () => {
    const { ebs, target } = setup();
    await target.create(ORDER, signal());
    await target.cancel({ ...CANCEL, erpOrderNo: PROVISIONAL }, signal());
    expect(ebs.transactions.at(-1)).toEqual({
      outcome: 'committed',
      statements: [
        { sql: ORDER_LOOKUP, params: KEY },
        { sql: 'SELECT ERROR_FLAG, REQUEST_ID FROM OE_HEADERS_IFACE_ALL WHERE ORDER_SOURCE_ID = :1 AND ORIG_SYS_DOCUMENT_REF = :2 AND ORG_ID = :3 FOR UPDATE NOWAIT', params: KEY },
        { sql: 'DELETE FROM OE_LINES_IFACE_ALL WHERE ORDER_SOURCE_ID = :1 AND ORIG_SYS_DOCUMENT_REF = :2 AND ORG_ID = :3', params: KEY },
        { sql: 'DELETE FROM OE_HEADERS_IFACE_ALL WHERE ORDER_SOURCE_ID = :1 AND ORIG_SYS_DOCUMENT_REF = :2 AND ORG_ID = :3', params: KEY },
      ],
    });
    expect(ebs.tables.OE_HEADERS_IFACE_ALL).toEqual([]);
    expect(ebs.tables.OE_LINES_IFACE_ALL).toEqual([]);
    expect(ebs.runOrderImport().imported).toEqual([]);
    expect(await target.find(REF, signal())).toBeNull();

    await target.cancel({ ...CANCEL, erpOrderNo: PROVISIONAL }, signal());
    expect(ebs.transactions.at(-1)!.statements).toHaveLength(2);
    expect(ebs.sent(/^DELETE/)).toHaveLength(2);
  });

  it('an order Order Import failed is withdrawn too', async () => {
    const { ebs, target } = setup();
    await target.create(ORDER, signal());
    ebs.runOrderImport({ DH2405020000042: ['Invalid ship-to'] });
    await target.cancel({ ...CANCEL, erpOrderNo: PROVISIONAL }, signal());
    expect(ebs.tables.OE_HEADERS_IFACE_ALL).toEqual([]);
  });

  it('an order Order Import is processing right now: transient, nothing deleted; a lock held by the import (ORA-00054) too', async () => {
    const { ebs, target } = setup();
    await target.create(ORDER, signal());
    const request = ebs.pickUp('DH2405020000042');
    const error = await target.cancel({ ...CANCEL, erpOrderNo: PROVISIONAL }, signal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toBe(
      `oracle ebsdb.example.com:1521/EBSPROD: order DH2405020000042 is being imported by request ${request}; cancel again once it is in EBS`,
    );
    expect(ebs.transactions.at(-1)!.outcome).toBe('rolled back');
    expect(ebs.tables.OE_HEADERS_IFACE_ALL).toHaveLength(1);

    ebs.failOn(/FOR UPDATE NOWAIT$/, oracleError('ORA-00054', 'resource busy and acquire with NOWAIT specified or timeout expired'));
    await expect(target.cancel({ ...CANCEL, erpOrderNo: PROVISIONAL }, signal())).rejects.toBeInstanceOf(TransientError);
  });

  it('nothing in EBS under the reference: nothing to do', async () => {
    const { ebs, target } = setup();
    await target.cancel(CANCEL, signal());
    expect(ebs.transactions).toEqual([{ outcome: 'committed', statements: [expect.objectContaining({ sql: ORDER_LOOKUP }), expect.objectContaining({ sql: expect.stringMatching(/FOR UPDATE NOWAIT$/) })] }]);
    expect(ebs.sent(/^(INSERT|DELETE)/)).toEqual([]);
  });
});

describe('oracle-ebs orders: options and wiring', () => {
  it('validates orders: and fills defaults', () => {
    const parsed = options({ booked: undefined, giftLineTypeId: undefined, customerMap: undefined, itemMap: undefined, warehouseMap: undefined, uomMap: undefined });
    expect(parsed.orders).toEqual({
      orderSourceId: 1021,
      orderTypeId: 1430,
      orgId: 204,
      createdBy: 1318,
      cancelReason: 'NOT PROVIDED',
      cancelComment: 'Cancelled in dealer-hub',
      booked: false,
      reference: 'number',
      customerMap: {},
      shipToMap: {},
      itemMap: {},
      warehouseMap: {},
      uomMap: {},
    });
    const bad = oracleEbsOptionsSchema.safeParse({ ...raw, orders: { ...raw.orders, cancelReason: 'X'.repeat(31), uomMap: { BOX: 'CARTON' }, extra: 1 } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['orders', 'orders.cancelReason', 'orders.uomMap.BOX']);
    const missing = oracleEbsOptionsSchema.safeParse({ ...raw, orders: { orderSourceId: 1021 } });
    expect(missing.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['orders.cancelReason', 'orders.createdBy', 'orders.orderTypeId', 'orders.orgId']);
  });

  it('the connector offers orders only with orders:, on the same driver as the streams', async () => {
    const ebs = fake();
    const { orders: _omit, ...withoutOrders } = raw;
    expect(createOracleEbsConnector(oracleEbsOptionsSchema.parse(withoutOrders), deps, ebs).orders).toBeUndefined();
    const instance = createOracleEbsConnector(options(), deps, ebs);
    expect(instance.orders).toBeDefined();
    const check = await instance.check();
    expect(check.ok).toBe(true);
    expect(check.detail).toMatch(/^oracle ebsdb\.example\.com:1521\/EBSPROD: reached in \d+ ms; streams .*; orders via Order Import \(ORDER_SOURCE_ID 1021\)$/);
    // The registered definition builds its own oracledb driver (no connection until used).
    const real = oracleEbsConnector.create(options(), deps);
    expect(real.orders).toBeDefined();
    await real.close();
  });
});

describe('oracle-ebs orders: helpers', () => {
  it('unitSellingPrice: the fewest decimals (≥ 4) whose product with qty rounds back to the net', () => {
    expect(unitSellingPrice('275.40', 12)).toBe('22.9500');
    expect(unitSellingPrice('230.00', 3)).toBe('76.6667');
    expect(unitSellingPrice('100.00', 7)).toBe('14.2857');
    expect(unitSellingPrice('0.01', 1000)).toBe('0.00001');
    expect(unitSellingPrice('1000.00', 30001)).toBe('0.0333322');
    expect(unitSellingPrice('0.00', 5)).toBe('0.0000');
  });

  it('clipBytes cuts between characters at the byte width and insertStatement numbers binds', () => {
    const note = '请在上午十点前送达'.repeat(20); // 180 characters, 540 bytes
    const clipped = clipBytes(note, 240);
    expect(Buffer.byteLength(clipped, 'utf8')).toBeLessThanOrEqual(240);
    expect(clipped).toBe(`${note.slice(0, 79)}...`);
    expect(clipBytes('short', 240)).toBe('short');
    expect(insertStatement('T', [['A', { bind: 1 }], ['B', { sql: 'SYSDATE' }], ['C', { day: '2024-05-02' }], ['D', { bind: null }]])).toEqual({
      sql: "INSERT INTO T (A, B, C, D) VALUES (:1, SYSDATE, TO_DATE(:2, 'YYYY-MM-DD'), :3)",
      params: [1, '2024-05-02', null],
    });
  });

  it('a long Chinese note goes to SHIPPING_INSTRUCTIONS within its 240 bytes', async () => {
    const { ebs, target } = setup();
    await target.create({ ...ORDER, note: '请在上午十点前送达'.repeat(20) }, signal());
    const instructions = ebs.tables.OE_HEADERS_IFACE_ALL[0]!.SHIPPING_INSTRUCTIONS as string;
    expect(Buffer.byteLength(instructions, 'utf8')).toBe(240);
  });
});
