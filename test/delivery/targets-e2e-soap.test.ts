/**
 * Issue 6, "done when", for the SAP SOAP target (`kind: soap`), both flavors, against real
 * node-soap servers started here from the WSDLs, with in-memory ERPs behind them
 * (test/fixtures/sap-soap): an order placed through POST /v1/orders travels through the real
 * relay and deliver job, appears in the ERP once with our number as its reference and our lines,
 * quantities and net prices (a promotion's gift as a free-of-charge item), the ERP's number
 * shows on GET /v1/orders/:id, and a cancel reaches the ERP once.
 *
 * - `bapi-salesorder`: ECC_BAPI_SALESORDER.wsdl (ours) — BAPI_SALESORDER_GETLIST,
 *   BAPI_SALESORDER_CREATEFROMDAT2, BAPI_SALESORDER_CHANGE.
 * - `byd-manage-sales-order`: SAP's own ManageSalesOrderIn WSDL, read from
 *   ../shared/fixtures/sap-soap (never copied; skipped with a [skip] line when absent) and our
 *   QuerySalesOrderIn model for the lookup.
 *
 * On PGlite with in-process jobs, and on PostgreSQL with BullMQ when the services are there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stableUuid } from '../../src/connectors/soap/index.js';
import { BYD_PASSWORD, BYD_USER, startFakeByd, type FakeByd } from '../fixtures/sap-soap/fake-byd.js';
import { ECC_PASSWORD, ECC_USER, startFakeEcc, type FakeEcc } from '../fixtures/sap-soap/fake-ecc.js';
import { booked, deliveredRows, eachMode, placeGiftOrder, startTargetApp, view, type OrderView, type TargetApp } from '../support/targets/e2e.js';

const ECC_WSDL = fileURLToPath(new URL('../fixtures/sap-soap/ECC_BAPI_SALESORDER.wsdl', import.meta.url));
const BYD_WSDL = fileURLToPath(new URL('../../../shared/fixtures/sap-soap/SAP_ByD_ManageSalesOrderIn.wsdl', import.meta.url));
const QUERY_WSDL = fileURLToPath(new URL('../fixtures/sap-soap/ByD_QuerySalesOrderIn_model.wsdl', import.meta.url));
const NOTE = 'Deliver to gate 3 & call ahead <before 10:00>';
const MATERIALS = { 'NUT-750-6': 'MAT-100', 'MLK-250-24': 'MAT-200', 'SEA-54-24': 'MAT-GIFT' };
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

/** The API's lines as [sku, qty, net] — what every ERP must book. */
const ordered = (order: OrderView) => order.lines.map((l) => [l.sku, l.qty, l.net]);

describe('SAP SOAP target, bapi-salesorder flavor (ECC_BAPI_SALESORDER.wsdl)', () => {
  eachMode('SAP SOAP bapi-salesorder end to end', (mode) => {
    let app: TargetApp;
    let ecc: FakeEcc;
    beforeAll(async () => {
      ecc = await startFakeEcc(readFileSync(ECC_WSDL, 'utf8'));
      app = await startTargetApp(
        mode,
        {
          kind: 'soap',
          flavor: 'bapi-salesorder',
          wsdl: ecc.wsdlUrl,
          endpoint: ecc.endpoint,
          auth: { type: 'basic', username: ECC_USER, password: ECC_PASSWORD },
          timeoutMs: 5_000,
          maps: { customers: { D001: '0000100001' }, shipTos: { 'D001-NS': '0000100002' }, plants: { 'WH-SZ': '1000' }, materials: MATERIALS, units: { 盒: 'KAR', 袋: 'BAG' } },
          bapi: { salesArea: { salesOrg: '1000', distrChan: '10', division: '00' }, priceCondition: 'PR00', giftItemCategory: 'TANN', noteTextId: '0001', rejectionReason: '10' },
        },
        undefined,
        'dh_e2e_bapi',
      );
    });
    afterAll(async () => {
      await app?.t.close();
      await ecc?.idle();
      await ecc?.close();
    });

    it('an order placed through the API is created once by BAPI_SALESORDER_CREATEFROMDAT2 with our number, lines and net prices; its sales document shows on GET /v1/orders/:id; the cancel reaches SAP once', async () => {
      const from = ecc.calls.length;
      const order = await placeGiftOrder(app.api, 'PO-BAPI-E2E-1', NOTE);
      const [row] = await deliveredRows(app.t.store, order.id, 1);
      expect(ecc.calls.slice(from)).toEqual(['BAPI_SALESORDER_GETLIST', 'BAPI_SALESORDER_CREATEFROMDAT2']);
      const documents = [...ecc.documents.values()].filter((d) => d.header.PURCH_NO_C === order.number);
      expect(documents).toHaveLength(1);
      const document = documents[0]!;

      expect(document.header).toEqual({ DOC_TYPE: 'TA', SALES_ORG: '1000', DISTR_CHAN: '10', DIVISION: '00', PURCH_DATE: today(), PURCH_NO_C: order.number, CURRENCY: 'CNY' });
      expect(document.partners).toEqual([
        { role: 'AG', number: '0000100001' },
        { role: 'WE', number: '0000100002' },
      ]);
      expect(document.items).toEqual([
        { ITM_NUMBER: '000010', MATERIAL: 'MAT-100', PLANT: '1000', TARGET_QTY: '30', TARGET_QU: 'KAR', ITEM_CATEG: 'TAN', REASON_REJ: undefined },
        { ITM_NUMBER: '000020', MATERIAL: 'MAT-200', PLANT: '1000', TARGET_QTY: '48', TARGET_QU: 'KAR', ITEM_CATEG: 'TAN', REASON_REJ: undefined },
        { ITM_NUMBER: '000030', MATERIAL: 'MAT-GIFT', PLANT: '1000', TARGET_QTY: '24', TARGET_QU: 'BAG', ITEM_CATEG: 'TANN', REASON_REJ: undefined },
      ]);
      expect(document.schedules.map((s) => [s.ITM_NUMBER, s.REQ_QTY, s.REQ_DATE])).toEqual([
        ['000010', '30', today()],
        ['000020', '48', today()],
        ['000030', '24', today()],
      ]);
      // PR00 carries the net line price (per COND_P_UNT units when it does not divide): SAP books our net to the cent. The TANN gift has no price.
      expect(document.conditions.map((c) => [c.ITM_NUMBER, c.COND_TYPE, c.CURRENCY, c.COND_UNIT])).toEqual([
        ['000010', 'PR00', 'CNY', 'KAR'],
        ['000020', 'PR00', 'CNY', 'KAR'],
      ]);
      const bookedNet = document.items.map((item) => {
        const condition = document.conditions.find((c) => c.ITM_NUMBER === item.ITM_NUMBER);
        return condition ? booked(condition.COND_VALUE!, item.TARGET_QTY, condition.COND_P_UNT!) : '0.00';
      });
      expect(order.lines.map((l, i) => [l.sku, Number(document.items[i]!.TARGET_QTY), bookedNet[i]])).toEqual(ordered(order));
      expect(document.texts).toEqual([{ ITM_NUMBER: '000000', TEXT_ID: '0001', LANGU: 'E', FORMAT_COL: '*', TEXT_LINE: NOTE }]);

      expect(row).toMatchObject({
        status: 'delivered',
        attempts: 1,
        external_id: document.vbeln,
        response: `created in erp as ${document.vbeln}; sales document ${document.vbeln} (PURCH_NO_C ${order.number})`,
      });
      const shown = await view(app.api, order.id);
      expect(shown).toMatchObject({ status: 'confirmed', erpOrderNo: document.vbeln });
      expect(shown.events.map((e) => e.type)).toEqual(['submitted', 'reviewed', 'released', 'confirmed']);

      const before = ecc.calls.length;
      const changes = ecc.changes;
      expect((await app.api.cancel(order.id)).status).toBe('cancelled');
      const rows = await deliveredRows(app.t.store, order.id, 2);
      expect(rows[1]).toMatchObject({ event: 'order.cancelled', status: 'delivered', attempts: 1, external_id: document.vbeln });
      // One cancel: the lookup of its items, one BAPI_SALESORDER_CHANGE rejecting each item once.
      expect(ecc.calls.slice(before)).toEqual(['BAPI_SALESORDER_GETLIST', 'BAPI_SALESORDER_CHANGE']);
      expect(ecc.changes - changes).toBe(3);
      expect(document.items.map((i) => i.REASON_REJ)).toEqual(['10', '10', '10']);
      expect([...ecc.documents.values()].filter((d) => d.header.PURCH_NO_C === order.number)).toHaveLength(1);
      const cancelled = await view(app.api, order.id);
      expect(cancelled).toMatchObject({ status: 'cancelled', erpOrderNo: document.vbeln });
      expect(cancelled.events.at(-1)).toMatchObject({ type: 'erp_cancelled', message: `cancelled ERP order ${document.vbeln} in erp` });
    });
  });
});

const bydPresent = existsSync(BYD_WSDL);
// SAP-authored, no licence: the WSDL is read where it is and never copied; ../shared/fixtures exists in CI.
if (!bydPresent) console.warn(`[skip] SAP SOAP target, byd-manage-sales-order flavor — ${BYD_WSDL} is absent (../shared/fixtures not present)`);

describe.skipIf(!bydPresent)('SAP SOAP target, byd-manage-sales-order flavor (SAP ByD ManageSalesOrderIn WSDL)', () => {
  eachMode('SAP SOAP byd-manage-sales-order end to end', (mode) => {
    let app: TargetApp;
    let byd: FakeByd;
    beforeAll(async () => {
      byd = await startFakeByd({ manage: readFileSync(BYD_WSDL, 'utf8'), query: readFileSync(QUERY_WSDL, 'utf8') });
      app = await startTargetApp(
        mode,
        {
          kind: 'soap',
          flavor: 'byd-manage-sales-order',
          wsdl: `${byd.manageUrl}?wsdl`,
          endpoint: byd.manageUrl,
          auth: { type: 'basic', username: BYD_USER, password: BYD_PASSWORD },
          timeoutMs: 5_000,
          maps: { customers: { D001: '1000123' }, shipTos: { 'D001-NS': '1000200' }, plants: { 'WH-SZ': 'S1100' }, materials: { 'NUT-750-6': 'P-100', 'MLK-250-24': 'P-200', 'SEA-54-24': 'GIFT-1' }, units: { 盒: 'XBX', 袋: 'XBG' } },
          byd: {
            lookup: { type: 'query', wsdl: `${byd.queryUrl}?wsdl`, endpoint: byd.queryUrl },
            distributionChannelCode: '01',
            salesUnitPartyId: 'S1000',
            noteTextTypeCode: '10024',
            giftProcessingTypeCode: 'FRE',
            cancellationReasonCode: '4',
          },
        },
        undefined,
        'dh_e2e_byd',
      );
    });
    afterAll(async () => {
      await app?.t.close();
      await byd?.idle();
      await byd?.close();
    });

    it('an order placed through the API is created once by MaintainBundle with our number as BuyerID, our lines and net prices; its ByD ID shows on GET /v1/orders/:id; the cancel reaches ByD once', async () => {
      const from = byd.calls.length;
      const order = await placeGiftOrder(app.api, 'PO-BYD-E2E-1', NOTE);
      const [row] = await deliveredRows(app.t.store, order.id, 1);
      expect(byd.calls.slice(from)).toEqual(['FindByElements', 'MaintainBundle']);
      const created = [...byd.orders.values()].filter((o) => o.buyerId === order.number);
      expect(created).toHaveLength(1);
      const sales = created[0]!;
      expect(byd.messageIds).toEqual([stableUuid(`${order.id}:create`)]);

      expect({ ...sales, uuid: undefined, items: undefined }).toEqual({
        id: sales.id,
        uuid: undefined,
        buyerId: order.number,
        name: 'PO-BYD-E2E-1',
        account: '1000123',
        productRecipient: '1000200',
        salesUnit: 'S1000',
        distributionChannel: '01',
        currency: 'CNY',
        requestedStart: undefined,
        note: { typeCode: '10024', text: NOTE },
        cancellationReason: undefined,
        items: undefined,
      });
      expect(sales.items.map((i) => [i.id, i.buyerId, i.productId, i.quantity, i.unit, i.shipFrom, i.processingTypeCode])).toEqual([
        ['10', '1', 'P-100', { value: '30', unitCode: 'XBX' }, 'XBX', 'S1100', undefined],
        ['20', '2', 'P-200', { value: '48', unitCode: 'XBX' }, 'XBX', 'S1100', undefined],
        ['30', '3', 'GIFT-1', { value: '24', unitCode: 'XBG' }, 'XBG', 'S1100', 'FRE'],
      ]);
      // ItemMainPrice: the net line amount per `per` units, so ByD books our net to the cent; the gift at 0.
      for (const item of sales.items) expect(item.price).toMatchObject({ currency: 'CNY', perUnit: item.unit });
      expect(order.lines.map((l, i) => [l.sku, Number(sales.items[i]!.quantity.value), booked(sales.items[i]!.price!.rate, sales.items[i]!.quantity.value, sales.items[i]!.price!.per)])).toEqual(ordered(order));

      expect(row).toMatchObject({ status: 'delivered', attempts: 1, external_id: sales.id, response: `created in erp as ${sales.id}; ByD sales order ${sales.id} (BuyerID ${order.number})` });
      const shown = await view(app.api, order.id);
      expect(shown).toMatchObject({ status: 'confirmed', erpOrderNo: sales.id });
      expect(shown.events.map((e) => e.type)).toEqual(['submitted', 'reviewed', 'released', 'confirmed']);

      const before = byd.calls.length;
      expect((await app.api.cancel(order.id)).status).toBe('cancelled');
      const rows = await deliveredRows(app.t.store, order.id, 2);
      expect(rows[1]).toMatchObject({ event: 'order.cancelled', status: 'delivered', attempts: 1, external_id: sales.id });
      // One cancel: the lookup, then one MaintainBundle (actionCode 02) carrying the cancellation reason.
      expect(byd.calls.slice(before)).toEqual(['FindByElements', 'MaintainBundle']);
      expect(byd.messageIds).toEqual([stableUuid(`${order.id}:create`), stableUuid(`${order.id}:cancel`)]);
      expect(sales.cancellationReason).toBe('4');
      expect([...byd.orders.values()].filter((o) => o.buyerId === order.number)).toHaveLength(1);
      const cancelled = await view(app.api, order.id);
      expect(cancelled).toMatchObject({ status: 'cancelled', erpOrderNo: sales.id });
      expect(cancelled.events.at(-1)).toMatchObject({ type: 'erp_cancelled', message: `cancelled ERP order ${sales.id} in erp` });
    });
  });
});
