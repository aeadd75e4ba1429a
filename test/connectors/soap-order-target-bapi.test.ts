/**
 * The soap connector's `bapi-salesorder` flavor against a real SOAP server (node-soap `listen`
 * on localhost) serving our BAPI-style WSDL (test/fixtures/sap-soap/ECC_BAPI_SALESORDER.wsdl)
 * with an in-memory ECC behind it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TargetRejection, type OrderTarget } from '../../src/connectors/contract.js';
import { createSoapConnector, soapOptionsSchema, type SoapOptions } from '../../src/connectors/soap/index.js';
import { ConfigError, TransientError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';
import { ECC_PASSWORD, ECC_USER, startFakeEcc, type FakeEcc } from '../fixtures/sap-soap/fake-ecc.js';
import { orderDocument } from '../fixtures/sap-soap/orders.js';

const WSDL_FILE = fileURLToPath(new URL('../fixtures/sap-soap/ECC_BAPI_SALESORDER.wsdl', import.meta.url));
const deps = { logger: createLogger({ level: 'silent', pretty: false }), now: () => new Date('2024-05-02T02:00:00Z') };
const BASIC = `Basic ${Buffer.from(`${ECC_USER}:${ECC_PASSWORD}`).toString('base64')}`;
const signal = () => AbortSignal.timeout(10_000);

let ecc: FakeEcc;
beforeAll(async () => {
  ecc = await startFakeEcc(readFileSync(WSDL_FILE, 'utf8'));
});
afterAll(async () => {
  await ecc.idle();
  await ecc.close();
});
beforeEach(() => ecc.reset());

function options(over: Record<string, unknown> = {}, bapi: Record<string, unknown> = {}): SoapOptions {
  return soapOptionsSchema.parse({
    flavor: 'bapi-salesorder',
    wsdl: ecc.wsdlUrl,
    endpoint: ecc.endpoint,
    auth: { type: 'basic', username: ECC_USER, password: ECC_PASSWORD },
    timeoutMs: 5_000,
    maps: {
      customers: { D001: '0000100001', D002: '0000109999' },
      shipTos: { 'D001-01': '0000100002' },
      plants: { 'WH-SZ': '1000' },
      materials: { 'SKU-100': 'MAT-100', 'SKU-200': 'MAT-200', 'SKU-GIFT': 'MAT-GIFT' },
      units: { EA: 'ST', BOX: 'KAR' },
    },
    bapi: { salesArea: { salesOrg: '1000', distrChan: '10', division: '00' }, priceCondition: 'PR00', giftItemCategory: 'TANN', noteTextId: '0001', rejectionReason: '10', ...bapi },
    ...over,
  });
}
const target = (o: SoapOptions = options()): OrderTarget => createSoapConnector(o, deps).orders!;

describe('soap connector, bapi-salesorder flavor', () => {
  it('check() loads the WSDL (with credentials) and names the operations it will call', async () => {
    const result = await createSoapConnector(options(), deps).check();
    expect(result).toEqual({
      ok: true,
      detail: `soap bapi ${new URL(ecc.endpoint).host} (bapi-salesorder): ZSD_SALESORDER/binding at ${ecc.endpoint}: BAPI_SALESORDER_CREATEFROMDAT2, BAPI_SALESORDER_GETLIST, BAPI_SALESORDER_CHANGE`,
    });
    expect(ecc.server.authorizations).toEqual([BASIC]);
  });

  it('check() fails when the WSDL lacks an operation the flavor needs', async () => {
    const result = await createSoapConnector(options({}, { operations: { find: 'Z_SALESORDER_FIND_BY_PO' } }), deps).check();
    expect(result.ok).toBe(false);
    expect(result.detail).toBe(
      `soap bapi ${new URL(ecc.endpoint).host}: the WSDL has no operation Z_SALESORDER_FIND_BY_PO; it has BAPI_SALESORDER_CREATEFROMDAT2, BAPI_SALESORDER_GETLIST, BAPI_SALESORDER_CHANGE`,
    );
  });

  it('find before create is null; create books the order once; find then returns the same number', async () => {
    const orders = target();
    const order = orderDocument();
    expect(await orders.find(order, signal())).toBeNull();

    const created = await orders.create(order, signal());
    expect(created).toEqual({ erpOrderNo: '0000004711', detail: 'sales document 0000004711 (PURCH_NO_C DH240502-0007)' });
    expect(await orders.find({ orderId: order.orderId, number: order.number }, signal())).toEqual({
      erpOrderNo: '0000004711',
      detail: 'sales document 0000004711 found by PURCH_NO_C DH240502-0007',
    });
    expect(ecc.calls).toEqual(['BAPI_SALESORDER_GETLIST', 'BAPI_SALESORDER_CREATEFROMDAT2', 'BAPI_SALESORDER_GETLIST']);

    const document = ecc.documents.get('0000004711')!;
    expect(document.header).toEqual({
      DOC_TYPE: 'TA',
      SALES_ORG: '1000',
      DISTR_CHAN: '10',
      DIVISION: '00',
      REQ_DATE_H: '2024-05-06',
      PURCH_DATE: '2024-05-02',
      PURCH_NO_C: 'DH240502-0007',
      CURRENCY: 'CNY',
    });
    expect(document.partners).toEqual([
      { role: 'AG', number: '0000100001' },
      { role: 'WE', number: '0000100002' },
    ]);
    expect(document.items).toEqual([
      { ITM_NUMBER: '000010', MATERIAL: 'MAT-100', PLANT: '1000', TARGET_QTY: '10', TARGET_QU: 'ST', ITEM_CATEG: 'TAN', REASON_REJ: undefined },
      { ITM_NUMBER: '000020', MATERIAL: 'MAT-200', PLANT: '1000', TARGET_QTY: '3', TARGET_QU: 'KAR', ITEM_CATEG: 'TAN', REASON_REJ: undefined },
      { ITM_NUMBER: '000030', MATERIAL: 'MAT-GIFT', PLANT: undefined, TARGET_QTY: '1', TARGET_QU: 'ST', ITEM_CATEG: 'TANN', REASON_REJ: undefined },
    ]);
    expect(document.schedules).toEqual([
      { ITM_NUMBER: '000010', SCHED_LINE: '0001', REQ_DATE: '2024-05-06', REQ_QTY: '10' },
      { ITM_NUMBER: '000020', SCHED_LINE: '0001', REQ_DATE: '2024-05-06', REQ_QTY: '3' },
      { ITM_NUMBER: '000030', SCHED_LINE: '0001', REQ_DATE: '2024-05-06', REQ_QTY: '1' },
    ]);
    // 120.00 for 10 ST = 12 per ST; 100.00 for 3 KAR does not divide: 100 per 3 KAR. The free-of-charge gift item has no price.
    expect(document.conditions).toEqual([
      { ITM_NUMBER: '000010', COND_TYPE: 'PR00', COND_VALUE: '12', CURRENCY: 'CNY', COND_UNIT: 'ST', COND_P_UNT: '1' },
      { ITM_NUMBER: '000020', COND_TYPE: 'PR00', COND_VALUE: '100', CURRENCY: 'CNY', COND_UNIT: 'KAR', COND_P_UNT: '3' },
    ]);
    expect(document.texts).toEqual([{ ITM_NUMBER: '000000', TEXT_ID: '0001', LANGU: 'E', FORMAT_COL: '*', TEXT_LINE: 'Deliver to gate 3 & call ahead <before 10:00>' }]);
  });

  it('a gift without a free-of-charge item category gets a zero price condition', async () => {
    await target(options({}, { giftItemCategory: undefined })).create(orderDocument(), signal());
    const document = ecc.documents.get('0000004711')!;
    expect(document.items.map((i) => i.ITEM_CATEG)).toEqual(['TAN', 'TAN', 'TAN']);
    expect(document.conditions.at(-1)).toEqual({ ITM_NUMBER: '000030', COND_TYPE: 'PR00', COND_VALUE: '0', CURRENCY: 'CNY', COND_UNIT: 'ST', COND_P_UNT: '1' });
  });

  it('RETURN lines of type E become a TargetRejection with the messages; nothing is booked', async () => {
    const order = orderDocument({ dealer: { code: 'D002', name: 'Unknown dealer' } });
    const error = await target()
      .create(order, signal())
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TargetRejection);
    expect((error as TargetRejection).targetMessage).toBe('VP/199: Sold-to party 0000109999 not maintained for sales area 1000 10 00; V4/219: Sales document was not changed');
    expect((error as TargetRejection).message).toBe(
      `soap bapi ${new URL(ecc.endpoint).host}: SAP refused sales order for DH240502-0007: VP/199: Sold-to party 0000109999 not maintained for sales area 1000 10 00; V4/219: Sales document was not changed`,
    );
    expect(ecc.documents.size).toBe(0);
  });

  it('warnings are kept in the detail, not treated as a refusal', async () => {
    const orders = target();
    await orders.create(orderDocument(), signal());
    // Without the lookup first, SAP books a second order for the same PO number, with a warning: find is what makes it exactly once.
    const second = await orders.create(orderDocument(), signal());
    expect(second).toEqual({
      erpOrderNo: '0000004712',
      detail: 'sales document 0000004712 (PURCH_NO_C DH240502-0007); warnings: V4/115: Purchase order number DH240502-0007 already exists (sales document 4711)',
    });
    expect(await orders.find(orderDocument(), signal())).toEqual({
      erpOrderNo: '0000004711',
      detail: 'sales document 0000004711 found by PURCH_NO_C DH240502-0007; also 0000004712',
    });
  });

  it('a SOAP fault is transient (TransientError, not a rejection)', async () => {
    ecc.script.push({ kind: 'fault' });
    const error = await target()
      .create(orderDocument(), signal())
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TransientError);
    expect(error).not.toBeInstanceOf(TargetRejection);
    expect((error as Error).message).toBe(
      `soap bapi ${new URL(ecc.endpoint).host}: BAPI_SALESORDER_CREATEFROMDAT2 answered a SOAP fault (HTTP 500): Web service processing error; more details in the web service error log on provider side`,
    );
    expect(ecc.documents.size).toBe(0);
  });

  it('a timeout after SAP received the order is transient, and the lookup on retry finds the one order', async () => {
    const orders = target(options({ timeoutMs: 200 }));
    const order = orderDocument();
    ecc.script.push({ kind: 'delay', ms: 600 });
    const error = await orders.create(order, signal()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/BAPI_SALESORDER_CREATEFROMDAT2: POST http:\/\/127\.0\.0\.1:\d+\/sap\/bc\/srt\/rfc\/sap\/zsd_salesorder\/100\/zsd_salesorder\/binding timed out after 200 ms$/);
    await ecc.idle();
    // The relay's retry: find first — it is there, so no second create.
    expect(await orders.find(order, signal())).toMatchObject({ erpOrderNo: '0000004711' });
    expect(ecc.documents.size).toBe(1);
  });

  it('sends the basic auth header on the WSDL download and every call; a wrong password is a configuration error', async () => {
    const orders = target();
    await orders.find(orderDocument(), signal());
    await orders.create(orderDocument(), signal());
    expect(ecc.server.authorizations).toEqual([BASIC, BASIC, BASIC]);

    const wrong = options({ auth: { type: 'basic', username: ECC_USER, password: 'wrong-password' } });
    expect(await createSoapConnector(wrong, deps).check()).toEqual({
      ok: false,
      detail: `soap bapi ${new URL(ecc.endpoint).host}: WSDL ${ecc.wsdlUrl} answered 401: credentials rejected`,
    });
    // With the WSDL from a file only the call itself authenticates: SAP's 401 page is a ConfigError, not a rejection.
    const fromFile = options({ wsdl: WSDL_FILE, endpoint: ecc.endpoint, auth: { type: 'basic', username: ECC_USER, password: 'wrong-password' } });
    const error = await target(fromFile)
      .create(orderDocument(), signal())
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      `soap bapi ${new URL(ecc.endpoint).host}: BAPI_SALESORDER_CREATEFROMDAT2 answered 401: credentials rejected: Logon Error Message Anmeldung fehlgeschlagen / Logon failed`,
    );
    expect((error as Error).message).not.toContain('wrong-password');
  });

  it('cancel sets the rejection reason on every item and is idempotent', async () => {
    const orders = target();
    const order = orderDocument();
    const { erpOrderNo } = await orders.create(order, signal());
    const ref = { orderId: order.orderId, number: order.number, erpOrderNo };

    await orders.cancel(ref, signal());
    expect(ecc.documents.get(erpOrderNo)!.items.map((i) => [i.ITM_NUMBER, i.REASON_REJ])).toEqual([
      ['000010', '10'],
      ['000020', '10'],
      ['000030', '10'],
    ]);
    expect(ecc.changes).toBe(3);

    await orders.cancel(ref, signal());
    expect(ecc.changes).toBe(3);
    expect(ecc.calls.filter((c) => c === 'BAPI_SALESORDER_CHANGE')).toHaveLength(2);
  });

  it('cancel: SAP refusing (an item already delivered) is a TargetRejection; an unknown document too', async () => {
    const orders = target();
    const order = orderDocument();
    const { erpOrderNo } = await orders.create(order, signal());
    ecc.documents.get(erpOrderNo)!.items[1]!.delivered = true;
    await expect(orders.cancel({ orderId: order.orderId, number: order.number, erpOrderNo }, signal())).rejects.toMatchObject({
      name: 'TargetRejection',
      targetMessage: 'V1/085: Item 000020 has already been delivered: a reason for rejection cannot be entered; V4/219: Sales document 0000004711 was not changed',
    });
    expect(ecc.documents.get(erpOrderNo)!.items.map((i) => i.REASON_REJ)).toEqual([undefined, undefined, undefined]);

    await expect(orders.cancel({ orderId: order.orderId, number: order.number, erpOrderNo: '0000009999' }, signal())).rejects.toMatchObject({
      name: 'TargetRejection',
      targetMessage: 'no sales document 0000009999 with PURCH_NO_C DH240502-0007',
    });
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    await expect(target().create(orderDocument(), controller.signal)).rejects.toThrow('shutting down');
    expect(ecc.calls).toEqual([]);
  });
});
