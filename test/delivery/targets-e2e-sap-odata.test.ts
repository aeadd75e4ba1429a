/**
 * Issue 6, "done when", for the SAP S/4HANA OData target (`kind: sap` with `orders:`): an order
 * placed through POST /v1/orders travels through the real relay and deliver job to
 * API_SALES_ORDER_SRV — nock at the HTTP edge, with state (test/support/targets/sap-odata.ts) —
 * appears there once, with our number as PurchaseOrderByCustomer and our lines, quantities and
 * net prices (a promotion's gift as a free-of-charge TANN item), and SAP's number shows on
 * GET /v1/orders/:id; a cancel reaches SAP once. Also: the first POST times out after SAP booked
 * the order — the relay's second attempt finds it and creates nothing.
 * On PGlite with in-process jobs, and on PostgreSQL with BullMQ when the services are there.
 */
import { Decimal } from 'decimal.js';
import nock from 'nock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sapDate } from '../../src/connectors/sap/order-target.js';
import { deliveredRows, deliveryLog, eachMode, placeGiftOrder, startTargetApp, view, type OrderView, type TargetApp } from '../support/targets/e2e.js';
import { SAP_ORIGIN, SAP_PASSWORD, SAP_USER, startSapDouble, type SapDouble, type SapSalesOrder } from '../support/targets/sap-odata.js';

const TIMEOUT_MS = 400;
const ERP = {
  kind: 'sap',
  baseUrl: `${SAP_ORIGIN}/sap/opu/odata/sap`,
  client: '100',
  auth: { type: 'basic', username: SAP_USER, password: SAP_PASSWORD },
  timeoutMs: TIMEOUT_MS,
  plants: { '1010': 'WH-SZ', '1020': 'WH-CD' },
  salesArea: { salesOrganization: '1710', distributionChannel: '10', division: '00' },
  orders: { customerMap: { D001: '17100001' }, shipToMap: { 'D001-NS': '17100011' }, unitMap: { 盒: 'KAR', 袋: 'BAG' }, rejectionReason: 'Z1' },
};
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

eachMode('SAP S/4HANA OData target end to end', (mode) => {
  let app: TargetApp;
  let sap: SapDouble;
  beforeAll(async () => {
    sap = startSapDouble();
    app = await startTargetApp(mode, ERP, undefined, 'dh_e2e_sap');
  });
  afterAll(async () => {
    await app?.t.close();
    await sap?.close();
  });

  /** The one A_SalesOrder create for `order`: our reference, partners, and per line the material, quantity, unit, plant and prices. */
  function expectBookedAsOrdered(order: OrderView): SapSalesOrder {
    expect(sap.createsFor(order.number)).toHaveLength(1);
    expect(sap.ordersFor(order.number)).toHaveLength(1);
    const booked = sap.ordersFor(order.number)[0]!;
    const post = sap.createsFor(order.number)[0]!;
    expect(post.headers).toMatchObject({ 'x-csrf-token': 'tok-e2e-1', authorization: `Basic ${Buffer.from(`${SAP_USER}:${SAP_PASSWORD}`).toString('base64')}` });
    expect(post.headers.cookie).toBe('SAP_SESSIONID_S4H_100=e2eSess%3d; sap-usercontext=sap-client=100');
    expect(post.query).toEqual({ 'sap-client': '100' });
    const { to_Item: items, ...header } = post.body as { to_Item: Array<Record<string, any>> } & Record<string, unknown>;
    expect(header).toEqual({
      SalesOrderType: 'OR',
      SalesOrganization: '1710',
      DistributionChannel: '10',
      OrganizationDivision: '00',
      SoldToParty: '17100001',
      PurchaseOrderByCustomer: order.number,
      CustomerPurchaseOrderDate: sapDate(today()),
      TransactionCurrency: 'CNY',
      PurchaseOrderByShipToParty: order.externalRef,
      to_Partner: [{ PartnerFunction: 'WE', Customer: '17100011' }],
    });
    expect(items.map((i) => [i.SalesOrderItem, i.Material, i.RequestedQuantity, i.RequestedQuantityUnit, i.ProductionPlant, i.SalesOrderItemCategory])).toEqual([
      ['10', 'NUT-750-6', '30', 'KAR', '1010', undefined],
      ['20', 'MLK-250-24', '48', 'KAR', '1010', undefined],
      ['30', 'SEA-54-24', '24', 'BAG', '1010', 'TANN'],
    ]);
    for (const [i, line] of order.lines.entries()) {
      const conditions = items[i]!.to_PricingElement as Array<Record<string, string>> | undefined;
      if (line.isGift) {
        expect(conditions, 'a free-of-charge item carries no price').toBeUndefined();
      } else {
        // Our unit price (PPR0, per 1 unit) and the line's allocated discount (RB00, negative absolute).
        expect(conditions!.map((c) => c.ConditionType)).toEqual(['PPR0', 'RB00']);
        expect(conditions![0]).toMatchObject({ ConditionCurrency: 'CNY', ConditionQuantity: '1', ConditionQuantityUnit: 'KAR' });
        expect(new Decimal(conditions![0]!.ConditionRateValue!).eq(line.unitPrice), `line ${line.lineNo} price`).toBe(true);
        expect(conditions![1]!.ConditionRateValue).toBe(`-${line.discount}`);
      }
      // What SAP books for the item from those conditions is our net, to the cent.
      expect(new Decimal(booked.items[i]!.NetAmount).eq(line.net), `line ${line.lineNo}: SAP ${booked.items[i]!.NetAmount}, ours ${line.net}`).toBe(true);
    }
    expect(new Decimal(booked.TotalNetAmount).eq(order.totals.net)).toBe(true);
    return booked;
  }

  /** Cancels through the API; exactly one cancel reaches SAP: the order read once, each item's rejection reason set once. */
  async function cancelOnce(order: OrderView, booked: SapSalesOrder): Promise<void> {
    const from = sap.requests.length;
    expect((await app.api.cancel(order.id)).status).toBe('cancelled');
    const rows = await deliveredRows(app.t.store, order.id, 2);
    expect(rows.map((r) => [r.event, r.status, r.attempts, r.external_id])).toEqual([
      ['order.approved', 'delivered', expect.any(Number), booked.SalesOrder],
      ['order.cancelled', 'delivered', 1, booked.SalesOrder],
    ]);
    const sent = sap.requests.slice(from);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /A_SalesOrder('${booked.SalesOrder}')`,
      `PATCH /A_SalesOrderItem(SalesOrder='${booked.SalesOrder}',SalesOrderItem='10')`,
      `PATCH /A_SalesOrderItem(SalesOrder='${booked.SalesOrder}',SalesOrderItem='20')`,
      `PATCH /A_SalesOrderItem(SalesOrder='${booked.SalesOrder}',SalesOrderItem='30')`,
    ]);
    for (const patch of sent.slice(1)) expect(patch.body).toEqual({ SalesDocumentRjcnReason: 'Z1' });
    expect(booked.items.map((i) => i.SalesDocumentRjcnReason)).toEqual(['Z1', 'Z1', 'Z1']);
    expect(sap.createsFor(order.number)).toHaveLength(1);
    const shown = await view(app.api, order.id);
    expect(shown).toMatchObject({ status: 'cancelled', erpOrderNo: booked.SalesOrder });
    expect(shown.events.at(-1)).toMatchObject({ type: 'erp_cancelled', message: `cancelled ERP order ${booked.SalesOrder} in erp` });
  }

  it('an order placed through the API is created once in SAP (CSRF token, deep insert with our prices and the gift); SAP\'s number shows on GET /v1/orders/:id; the cancel reaches SAP once', async () => {
    const from = sap.requests.length;
    const order = await placeGiftOrder(app.api, 'PO-SAP-E2E-1');
    const [row] = await deliveredRows(app.t.store, order.id, 1);
    // find (none) → token fetch → deep insert; the token is kept for later requests.
    expect(sap.requests.slice(from).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /A_SalesOrder', 'GET /', 'POST /A_SalesOrder']);
    expect(sap.requests[from]!.query.$filter).toBe(`PurchaseOrderByCustomer eq '${order.number}' and SalesOrganization eq '1710'`);
    const booked = expectBookedAsOrdered(order);
    expect(row).toMatchObject({
      event: 'order.approved',
      status: 'delivered',
      attempts: 1,
      claims: 1,
      external_id: booked.SalesOrder,
      delivered_by: 'erp',
      response: `created in erp as ${booked.SalesOrder}; created SAP sales order ${booked.SalesOrder} (3 items; SAP net ${booked.TotalNetAmount} CNY, ours ${order.totals.net})`,
    });
    const shown = await view(app.api, order.id);
    expect(shown).toMatchObject({ status: 'confirmed', erpOrderNo: booked.SalesOrder });
    expect(shown.events.map((e) => e.type)).toEqual(['submitted', 'reviewed', 'released', 'confirmed']);
    expect(shown.events.at(-1)!.message).toBe(`ERP order ${booked.SalesOrder}`);

    await cancelOnce(order, booked);
  });

  it('the first POST times out after SAP booked the order: the second attempt finds it, one SAP order; the cancel reaches it once', async () => {
    sap.hangCreates(1, TIMEOUT_MS + 1_100);
    const from = sap.requests.length;
    const order = await placeGiftOrder(app.api, 'PO-SAP-E2E-2');
    const [row] = await deliveredRows(app.t.store, order.id, 1);
    // Attempt 1: find (none), create (booked, answer lost to the timeout). Attempt 2: find → there.
    expect(sap.requests.slice(from).filter((r) => r.path !== '/').map((r) => `${r.method} ${r.path}`)).toEqual(['GET /A_SalesOrder', 'POST /A_SalesOrder', 'GET /A_SalesOrder']);
    const booked = expectBookedAsOrdered(order);
    expect(row).toMatchObject({
      status: 'delivered',
      attempts: 2,
      claims: 2,
      last_error: null,
      external_id: booked.SalesOrder,
      response: `erp has it already as ${booked.SalesOrder}; found SAP sales order ${booked.SalesOrder} by PurchaseOrderByCustomer ${order.number}`,
    });
    expect(deliveryLog(app.t, row!.id)).toContainEqual(
      expect.stringMatching(new RegExp(`attempt 1/3\\): failed; will retry — attempt 1/3: sap s4\\.example\\.com: POST ${SAP_ORIGIN}/.*/A_SalesOrder\\?sap-client=100 timed out after ${TIMEOUT_MS} ms$`)),
    );
    const shown = await view(app.api, order.id);
    expect(shown).toMatchObject({ status: 'confirmed', erpOrderNo: booked.SalesOrder });
    expect(shown.events.find((e) => e.type === 'released')!.message).toBe(`found in erp (outbox #${row!.id})`);

    await cancelOnce(order, booked);
  });
});
