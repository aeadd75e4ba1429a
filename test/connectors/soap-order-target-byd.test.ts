/**
 * The soap connector's `byd-manage-sales-order` flavor against a real SOAP server (node-soap
 * `listen` on localhost) serving SAP's own ManageSalesOrderIn WSDL as it is — read from
 * ../shared/fixtures/sap-soap (no licence: it stays there, not copied into the project) — and our
 * QuerySalesOrderIn model (test/fixtures/sap-soap/ByD_QuerySalesOrderIn_model.wsdl) for the
 * lookup, with an in-memory ByD tenant behind both.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TargetRejection, type OrderTarget } from '../../src/connectors/contract.js';
import { createSoapConnector, soapOptionsSchema, stableUuid, type SoapOptions } from '../../src/connectors/soap/index.js';
import { ConfigError, TransientError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';
import { BYD_PASSWORD, BYD_USER, startFakeByd, type FakeByd } from '../fixtures/sap-soap/fake-byd.js';
import { orderDocument } from '../fixtures/sap-soap/orders.js';

const BYD_WSDL = fileURLToPath(new URL('../../../shared/fixtures/sap-soap/SAP_ByD_ManageSalesOrderIn.wsdl', import.meta.url));
const QUERY_WSDL = fileURLToPath(new URL('../fixtures/sap-soap/ByD_QuerySalesOrderIn_model.wsdl', import.meta.url));
const present = existsSync(BYD_WSDL);
const deps = { logger: createLogger({ level: 'silent', pretty: false }), now: () => new Date('2024-05-02T02:00:00Z') };
const BASIC = `Basic ${Buffer.from(`${BYD_USER}:${BYD_PASSWORD}`).toString('base64')}`;
const signal = () => AbortSignal.timeout(10_000);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => e as Error,
  );

// SAP-authored, no licence: the WSDL is read where it is and never copied; ../shared/fixtures exists in CI.
if (!present) console.warn(`[skip] soap: byd-manage-sales-order — ${BYD_WSDL} is absent (../shared/fixtures not present)`);

describe.skipIf(!present)('soap connector, byd-manage-sales-order flavor (SAP ByD ManageSalesOrderIn WSDL)', () => {
  let byd: FakeByd;
  beforeAll(async () => {
    byd = await startFakeByd({ manage: readFileSync(BYD_WSDL, 'utf8'), query: readFileSync(QUERY_WSDL, 'utf8') });
  });
  afterAll(async () => {
    await byd.idle();
    await byd.close();
  });
  beforeEach(() => byd.reset());

  function options(over: Record<string, unknown> = {}, bydOver: Record<string, unknown> = {}): SoapOptions {
    return soapOptionsSchema.parse({
      flavor: 'byd-manage-sales-order',
      wsdl: `${byd.manageUrl}?wsdl`,
      endpoint: byd.manageUrl,
      auth: { type: 'basic', username: BYD_USER, password: BYD_PASSWORD },
      timeoutMs: 5_000,
      maps: {
        customers: { D001: '1000123', D002: '9999999' },
        shipTos: { 'D001-01': '1000200' },
        plants: { 'WH-SZ': 'S1100' },
        materials: { 'SKU-100': 'P-100', 'SKU-200': 'P-200', 'SKU-GIFT': 'GIFT-1' },
        units: { BOX: 'XBX' },
      },
      byd: {
        lookup: { type: 'query', wsdl: `${byd.queryUrl}?wsdl`, endpoint: byd.queryUrl },
        distributionChannelCode: '01',
        salesUnitPartyId: 'S1000',
        noteTextTypeCode: '10024',
        timeZoneCode: 'UTC+8',
        cancellationReasonCode: '4',
        ...bydOver,
      },
      ...over,
    });
  }
  const target = (o: SoapOptions = options()): OrderTarget => createSoapConnector(o, deps).orders!;
  const host = () => new URL(byd.manageUrl).host;

  it("check() loads SAP's WSDL and the query WSDL and names their operations", async () => {
    expect(await createSoapConnector(options(), deps).check()).toEqual({
      ok: true,
      detail:
        `soap byd ${host()} (byd-manage-sales-order): service/binding at ${byd.manageUrl}: CheckMaintainBundle, MaintainBundle; ` +
        `service/binding at ${byd.queryUrl}: FindByElements`,
    });
    expect(byd.server.authorizations).toEqual([BASIC, BASIC]);
  });

  it('the WSDL can be a file, with the endpoint override (the file names the tenant it came from)', async () => {
    const fromFile = options({ wsdl: BYD_WSDL }, { lookup: { type: 'query', wsdl: QUERY_WSDL, endpoint: byd.queryUrl } });
    expect((await createSoapConnector(fromFile, deps).check()).detail).toBe(
      `soap byd ${host()} (byd-manage-sales-order): service/binding at ${byd.manageUrl}: CheckMaintainBundle, MaintainBundle; service/binding at ${byd.queryUrl}: FindByElements`,
    );
    expect(await target(fromFile).create(orderDocument(), signal())).toMatchObject({ erpOrderNo: '1001' });
  });

  it('find before create is null; create sends the SalesOrder; find by BuyerID returns the same ID', async () => {
    const orders = target();
    const order = orderDocument();
    expect(await orders.find(order, signal())).toBeNull();

    expect(await orders.create(order, signal())).toEqual({ erpOrderNo: '1001', detail: 'ByD sales order 1001 (BuyerID DH240502-0007)' });
    expect(await orders.find({ orderId: order.orderId, number: order.number }, signal())).toEqual({
      erpOrderNo: '1001',
      detail: 'ByD sales order 1001 found by BuyerID DH240502-0007',
    });
    expect(byd.calls).toEqual(['FindByElements', 'MaintainBundle', 'FindByElements']);
    expect(byd.messageIds).toEqual([stableUuid(`${order.orderId}:create`)]);

    const created = byd.orders.get('1001')!;
    expect({ ...created, uuid: undefined }).toEqual({
      id: '1001',
      uuid: undefined,
      buyerId: 'DH240502-0007',
      name: 'PO-88123',
      account: '1000123',
      productRecipient: '1000200',
      salesUnit: 'S1000',
      distributionChannel: '01',
      currency: 'CNY',
      requestedStart: { value: '2024-05-06T00:00:00Z', timeZoneCode: 'UTC+8' },
      note: { typeCode: '10024', text: 'Deliver to gate 3 & call ahead <before 10:00>' },
      cancellationReason: undefined,
      items: [
        {
          id: '10',
          buyerId: '1',
          processingTypeCode: undefined,
          productId: 'P-100',
          unit: 'EA',
          quantity: { value: '10', unitCode: 'EA' },
          shipFrom: 'S1100',
          // 120.00 for 10 EA: 12 per EA.
          price: { rate: '12', currency: 'CNY', per: '1', perUnit: 'EA' },
        },
        {
          id: '20',
          buyerId: '2',
          processingTypeCode: undefined,
          productId: 'P-200',
          unit: 'XBX',
          quantity: { value: '3', unitCode: 'XBX' },
          shipFrom: 'S1100',
          // 100.00 for 3 boxes does not divide: the rate is per 3 XBX, so ByD books exactly 100.00.
          price: { rate: '100', currency: 'CNY', per: '3', perUnit: 'XBX' },
        },
        {
          id: '30',
          buyerId: '3',
          processingTypeCode: undefined,
          productId: 'GIFT-1',
          unit: 'EA',
          quantity: { value: '1', unitCode: 'EA' },
          shipFrom: undefined,
          price: { rate: '0', currency: 'CNY', per: '1', perUnit: 'EA' },
        },
      ],
    });
  });

  it('gift lines can carry their own item processing type; prices: none leaves pricing to ByD', async () => {
    await target(options({}, { giftProcessingTypeCode: 'FRE', prices: 'none' })).create(orderDocument(), signal());
    const created = byd.orders.get('1001')!;
    expect(created.items.map((i) => [i.productId, i.processingTypeCode, i.price])).toEqual([
      ['P-100', undefined, undefined],
      ['P-200', undefined, undefined],
      ['GIFT-1', 'FRE', undefined],
    ]);
  });

  it('Log items of severity 3 become a TargetRejection with their notes; nothing is created', async () => {
    const order = orderDocument({ dealer: { code: 'D002', name: 'Unknown dealer' }, lines: [{ ...orderDocument().lines[0]!, sku: 'SKU-OLD' }] });
    const error = await failure(target().create(order, signal()));
    expect(error).toBeInstanceOf(TargetRejection);
    expect((error as TargetRejection).targetMessage).toBe('Account 9999999 does not exist; Product SKU-OLD does not exist or is blocked');
    expect(error!.message).toBe(`soap byd ${host()}: ByD refused to create sales order for DH240502-0007: Account 9999999 does not exist; Product SKU-OLD does not exist or is blocked`);
    expect(byd.orders.size).toBe(0);
  });

  it('a SOAP fault is transient (TransientError, not a rejection)', async () => {
    byd.script.push({ kind: 'fault' });
    const error = await failure(target().create(orderDocument(), signal()));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).not.toBeInstanceOf(TargetRejection);
    expect(error!.message).toBe(
      `soap byd ${host()}: MaintainBundle answered a SOAP fault (HTTP 500): Web service processing error; more details in the web service error log on provider side (UTC timestamp 20240502101500; Transaction ID 00163E0BED971EE58C9991B0733D0A7E)`,
    );
  });

  it('a failing lookup is transient too: it must never read as "not there"', async () => {
    byd.script.push({ kind: 'fault' });
    const error = await failure(target().find(orderDocument(), signal()));
    expect(error).toBeInstanceOf(TransientError);
    expect(error!.message).toMatch(/^soap byd .+ \(query .+\): FindByElements answered a SOAP fault \(HTTP 500\): Web service processing error/);
  });

  it('a timeout after ByD received the order is transient; the retry finds the order and creates no second one', async () => {
    const orders = target(options({ timeoutMs: 200 }));
    const order = orderDocument();
    byd.script.push({ kind: 'delay', ms: 600 });
    const error = await failure(orders.create(order, signal()));
    expect(error).toBeInstanceOf(TransientError);
    expect(error!.message).toBe(`soap byd ${host()}: MaintainBundle: POST ${byd.manageUrl} timed out after 200 ms`);
    await byd.idle();
    expect(await orders.find(order, signal())).toEqual({ erpOrderNo: '1001', detail: 'ByD sales order 1001 found by BuyerID DH240502-0007' });
    expect(byd.orders.size).toBe(1);
  });

  it('lookup message-uuid: find answers null and a repeated create gets the first answer (idempotent MaintainBundle)', async () => {
    const orders = target(options({ timeoutMs: 200 }, { lookup: { type: 'message-uuid' } }));
    const order = orderDocument();
    expect(await orders.find(order, signal())).toBeNull();
    byd.script.push({ kind: 'delay', ms: 600 });
    expect(await failure(orders.create(order, signal()))).toBeInstanceOf(TransientError);
    await byd.idle();
    expect(await orders.create(order, signal())).toEqual({ erpOrderNo: '1001', detail: 'ByD sales order 1001 (BuyerID DH240502-0007)' });
    expect(byd.orders.size).toBe(1);
    expect(byd.calls).toEqual(['MaintainBundle', 'MaintainBundle']);
    expect(byd.messageIds).toEqual([stableUuid(`${order.orderId}:create`), stableUuid(`${order.orderId}:create`)]);
    expect(await createSoapConnector(options({}, { lookup: { type: 'message-uuid' } }), deps).check()).toEqual({
      ok: true,
      detail: `soap byd ${host()} (byd-manage-sales-order): service/binding at ${byd.manageUrl}: CheckMaintainBundle, MaintainBundle`,
    });
  });

  it('sends the basic auth header on both WSDL downloads and every call; a wrong password is a configuration error', async () => {
    const orders = target();
    await orders.find(orderDocument(), signal());
    await orders.create(orderDocument(), signal());
    expect(byd.server.authorizations).toEqual([BASIC, BASIC, BASIC, BASIC]);

    const wrong = options({ wsdl: BYD_WSDL, auth: { type: 'basic', username: BYD_USER, password: 'not-the-password' } }, { lookup: { type: 'message-uuid' } });
    const error = await failure(target(wrong).create(orderDocument(), signal()));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toBe(`soap byd ${host()}: MaintainBundle answered 401: credentials rejected: Logon Error Message Anmeldung fehlgeschlagen / Logon failed`);
    expect(byd.orders.size).toBe(1);
  });

  it('cancel sets the cancellation reason; a second cancel sees the order cancelled and sends nothing', async () => {
    const orders = target();
    const order = orderDocument();
    const { erpOrderNo } = await orders.create(order, signal());
    const ref = { orderId: order.orderId, number: order.number, erpOrderNo };
    byd.calls.length = 0;

    await orders.cancel(ref, signal());
    expect(byd.orders.get('1001')!.cancellationReason).toBe('4');
    expect(byd.calls).toEqual(['FindByElements', 'MaintainBundle']);

    await orders.cancel(ref, signal());
    expect(byd.calls).toEqual(['FindByElements', 'MaintainBundle', 'FindByElements']);
    expect(byd.messageIds.at(-1)).toBe(stableUuid(`${order.orderId}:cancel`));
  });

  it('cancel without a lookup is idempotent through the message UUID (ByD itself refuses changes to a cancelled order)', async () => {
    const orders = target(options({}, { lookup: { type: 'message-uuid' } }));
    const order = orderDocument();
    const { erpOrderNo } = await orders.create(order, signal());
    const ref = { orderId: order.orderId, number: order.number, erpOrderNo };
    await orders.cancel(ref, signal());
    await orders.cancel(ref, signal());
    expect(byd.orders.get('1001')!.cancellationReason).toBe('4');
    expect(byd.calls).toEqual(['MaintainBundle', 'MaintainBundle', 'MaintainBundle']);

    // A different message for the cancelled order is refused on its merits.
    const other = { ...ref, orderId: '0b7a3c1e-1111-4c1e-9b7a-0c3e2d1f4a5b' };
    await expect(orders.cancel(other, signal())).rejects.toMatchObject({ name: 'TargetRejection', targetMessage: 'Sales order 1001 has been cancelled; changes are not possible' });
  });

  it('cancel of an order ByD does not have is a TargetRejection', async () => {
    const order = orderDocument();
    await expect(target().cancel({ orderId: order.orderId, number: order.number, erpOrderNo: '4711' }, signal())).rejects.toMatchObject({
      name: 'TargetRejection',
      targetMessage: 'sales order 4711 not found',
    });
  });
});
