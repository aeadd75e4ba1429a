/**
 * Issue 6, "done when", for the Oracle EBS target (`kind: oracle-ebs` with `orders:`): an order
 * placed through POST /v1/orders travels through the real relay and deliver job into the Order
 * Import interface (OE_HEADERS_IFACE_ALL / OE_LINES_IFACE_ALL, one transaction) of a database
 * double at the driver edge (test/fixtures/oracle-ebs/fake-ebs.ts, injected through the connector
 * registry: test/support/targets/ebs.ts) once, with our number as ORIG_SYS_DOCUMENT_REF and our
 * lines, quantities and frozen net prices (a promotion's gift at 0 on the free-goods line type).
 *
 * EBS numbers the order only when its Order Import concurrent program runs; until then the target
 * answers with a provisional `IFACE:<our number>` (`provisional: true`): the order is `released`
 * with no ERP number (GET /v1/orders/:id never shows the stand-in). The test runs Order Import,
 * then the `delivery.confirm` job: the order is confirmed with EBS's ORDER_NUMBER; an order Order
 * Import refuses is held with the finding erp_rejected carrying EBS's message.
 * A cancel reaches EBS once: after import as one UPDATE/CANCELLED_FLAG header row, before import
 * by withdrawing the interface rows.
 *
 * On PGlite with in-process jobs, and on PostgreSQL with BullMQ when the services are there.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FakeEbs } from '../fixtures/oracle-ebs/fake-ebs.js';
import { demoEbs, EBS_ITEMS, EBS_OPTIONS, EBS_ORG, EBS_SHIP_TO, EBS_SOURCE, registryOnFakeEbs } from '../support/targets/ebs.js';
import { booked, deliveredRows, eachMode, erpRows, placeGiftOrder, startTargetApp, view, type OrderView, type TargetApp } from '../support/targets/e2e.js';
import { waitFor } from './support/orders.js';

const NOTE = '送货前请电话联系';
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

eachMode('Oracle EBS target end to end', (mode) => {
  let app: TargetApp;
  let ebs: FakeEbs;
  beforeAll(async () => {
    ebs = demoEbs();
    app = await startTargetApp(mode, EBS_OPTIONS, registryOnFakeEbs(ebs), 'dh_e2e_ebs');
  });
  afterAll(async () => app?.t.close());

  const headerInserts = (number: string) => ebs.sent(/^INSERT INTO OE_HEADERS_IFACE_ALL .*'INSERT'/).filter((s) => s.params[1] === number);
  const cancelInserts = (number: string) => ebs.sent(/^INSERT INTO OE_HEADERS_IFACE_ALL .*CANCELLED_FLAG/).filter((s) => s.params[1] === number);
  const byRef = (number: string) => (row: Record<string, unknown>) => row.ORIG_SYS_DOCUMENT_REF === number;

  /** The order is queued in the interface once: one committed transaction, the header and a line per order line, as ordered. */
  function expectQueuedAsOrdered(order: OrderView): void {
    expect(headerInserts(order.number)).toHaveLength(1);
    const queuedIn = ebs.transactions.filter((tx) => tx.statements.some((s) => /^INSERT INTO OE_HEADERS_IFACE_ALL/.test(s.sql) && s.params[1] === order.number));
    expect(queuedIn.map((tx) => [tx.outcome, tx.statements.filter((s) => s.sql.startsWith('INSERT')).length])).toEqual([['committed', 4]]);
    const headers = ebs.tables.OE_HEADERS_IFACE_ALL.filter(byRef(order.number));
    expect(headers).toEqual([
      {
        ORDER_SOURCE_ID: EBS_SOURCE,
        ORIG_SYS_DOCUMENT_REF: order.number,
        ORG_ID: EBS_ORG,
        OPERATION_CODE: 'INSERT',
        ORDER_TYPE_ID: 1430,
        ORDERED_DATE: today(),
        REQUEST_DATE: null,
        TRANSACTIONAL_CURR_CODE: 'CNY',
        SOLD_TO_ORG_ID: 1040,
        CUSTOMER_NUMBER: null,
        SHIP_TO_ORG_ID: EBS_SHIP_TO,
        CUSTOMER_PO_NUMBER: order.externalRef,
        PRICE_LIST_ID: null,
        SHIPPING_INSTRUCTIONS: NOTE,
        BOOKED_FLAG: 'Y',
        READY_FLAG: 'Y',
        CREATION_DATE: 'SYSDATE',
        CREATED_BY: 1318,
        LAST_UPDATE_DATE: 'SYSDATE',
        LAST_UPDATED_BY: 1318,
      },
    ]);
    const lines = ebs.tables.OE_LINES_IFACE_ALL.filter(byRef(order.number));
    expect(lines.map((l) => [l.ORIG_SYS_LINE_REF, l.LINE_NUMBER, l.OPERATION_CODE, l.INVENTORY_ITEM_ID, l.ORDERED_QUANTITY, l.ORDER_QUANTITY_UOM, l.LINE_TYPE_ID, l.SHIP_FROM_ORG_ID, l.CALCULATE_PRICE_FLAG])).toEqual([
      ['1', 1, 'INSERT', EBS_ITEMS['NUT-750-6'], 30, 'BX', null, 207, 'N'],
      ['2', 2, 'INSERT', EBS_ITEMS['MLK-250-24'], 48, 'BX', null, 207, 'N'],
      ['3', 3, 'INSERT', EBS_ITEMS['SEA-54-24'], 24, 'BAG', 1432, 207, 'N'],
    ]);
    // Frozen prices: list = our unit price, selling = net ÷ qty with the decimals that give back our net; the gift at 0.
    expect(lines.map((l) => Number(l.UNIT_LIST_PRICE))).toEqual(order.lines.map((l) => (l.isGift ? 0 : Number(l.unitPrice))));
    expect(order.lines.map((l, i) => [l.sku, lines[i]!.ORDERED_QUANTITY, booked(String(lines[i]!.UNIT_SELLING_PRICE), l.qty)])).toEqual(order.lines.map((l) => [l.sku, l.qty, l.net]));
  }

  /** Runs delivery.confirm (as its schedule would) until the order leaves `released`. */
  async function confirmRun(orderId: string): Promise<OrderView> {
    await app.t.jobs.enqueue('delivery.confirm', {});
    return waitFor(`order ${orderId} to leave released`, async () => {
      const order = await view(app.api, orderId);
      return order.status === 'released' ? undefined : order;
    });
  }

  it('an order placed through the API is queued once for Order Import; released without an ERP number until Order Import ran, then confirmed with the EBS number by delivery.confirm; the cancel reaches EBS once', async () => {
    const order = await placeGiftOrder(app.api, 'PO-EBS-E2E-1', NOTE);
    const [row] = await deliveredRows(app.t.store, order.id, 1);
    expectQueuedAsOrdered(order);
    const provisional = `IFACE:${order.number}`;
    expect(row).toMatchObject({
      status: 'delivered',
      attempts: 1,
      external_id: provisional,
      response: `created in erp as ${provisional}; queued in OE_HEADERS_IFACE_ALL with 3 line(s) as ORIG_SYS_DOCUMENT_REF ${order.number} (ORDER_SOURCE_ID ${EBS_SOURCE}), waiting for Order Import`,
    });

    // Before Order Import: released, no ERP number (the stand-in is on the outbox row only).
    const before = await view(app.api, order.id);
    expect(before).toMatchObject({ status: 'released', erpOrderNo: null });
    expect(before.events.map((e) => e.type)).toEqual(['submitted', 'reviewed', 'erp_pending_import']);
    expect(before.events.at(-1)).toMatchObject({ fromStatus: 'approved', toStatus: 'released', message: `handed to erp (outbox #${row!.id}); waiting for the ERP's order number (${provisional})` });
    // delivery.confirm before Order Import: still provisional, nothing changes.
    await app.t.jobs.enqueue('delivery.confirm', {});
    await waitFor('the confirm run to ask EBS', async () => (ebs.sent(/^SELECT OPERATION_CODE, ERROR_FLAG, REQUEST_ID FROM OE_HEADERS_IFACE_ALL/).filter((st) => st.params[1] === order.number).length >= 3 ? true : undefined));
    expect(await view(app.api, order.id)).toMatchObject({ status: 'released', erpOrderNo: null });

    // EBS runs Order Import: the order gets its ORDER_NUMBER, the interface rows go.
    const run = ebs.runOrderImport();
    expect(run).toMatchObject({ imported: [order.number], failed: [] });
    const [imported] = ebs.tables.OE_ORDER_HEADERS_ALL.filter(byRef(order.number));
    expect(imported).toMatchObject({ ORDER_SOURCE_ID: EBS_SOURCE, ORG_ID: EBS_ORG, FLOW_STATUS_CODE: 'BOOKED', CANCELLED_FLAG: 'N', LINES: 3 });
    const ebsNumber = String(imported!.ORDER_NUMBER);
    expect(ebs.tables.OE_HEADERS_IFACE_ALL.filter(byRef(order.number))).toEqual([]);
    const signal = AbortSignal.timeout(5_000);
    expect(await app.t.connectors.orderTarget('erp').find({ orderId: order.id, number: order.number }, signal)).toMatchObject({ erpOrderNo: ebsNumber });

    // After Order Import, delivery.confirm reads the ORDER_NUMBER back: released → confirmed.
    const after = await confirmRun(order.id);
    expect(after).toMatchObject({ status: 'confirmed', erpOrderNo: ebsNumber });
    expect(after.events.map((e) => e.type)).toEqual(['submitted', 'reviewed', 'erp_pending_import', 'confirmed']);
    expect(after.events.at(-1)).toMatchObject({ fromStatus: 'released', toStatus: 'confirmed', message: `ERP order ${ebsNumber}` });
    expect((await app.t.store.query(`SELECT status, external_id FROM outbox WHERE id = $1`, [row!.id])).rows).toEqual([{ status: 'delivered', external_id: provisional }]);

    // Cancel: one UPDATE header row with CANCELLED_FLAG 'Y' and no lines; the next Order Import run cancels the order.
    expect((await app.api.cancel(order.id)).status).toBe('cancelled');
    const rows = await deliveredRows(app.t.store, order.id, 2);
    expect(rows[1]).toMatchObject({ event: 'order.cancelled', status: 'delivered', attempts: 1, external_id: ebsNumber });
    expect(cancelInserts(order.number)).toHaveLength(1);
    expect(ebs.tables.OE_HEADERS_IFACE_ALL.filter(byRef(order.number))).toEqual([
      expect.objectContaining({ OPERATION_CODE: 'UPDATE', CANCELLED_FLAG: 'Y', CHANGE_REASON: 'NOT PROVIDED', CHANGE_COMMENTS: 'Cancelled in dealer-hub', READY_FLAG: 'Y' }),
    ]);
    expect(ebs.tables.OE_LINES_IFACE_ALL.filter(byRef(order.number))).toEqual([]);
    expect(ebs.runOrderImport()).toMatchObject({ imported: [order.number], failed: [] });
    expect(ebs.tables.OE_ORDER_HEADERS_ALL.filter(byRef(order.number))).toEqual([expect.objectContaining({ ORDER_NUMBER: Number(ebsNumber), CANCELLED_FLAG: 'Y', FLOW_STATUS_CODE: 'CANCELLED' })]);
    expect(headerInserts(order.number)).toHaveLength(1);
    const cancelled = await view(app.api, order.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', erpOrderNo: ebsNumber });
    expect(cancelled.events.at(-1)).toMatchObject({ type: 'erp_cancelled', message: `cancelled ERP order ${ebsNumber} in erp` });
  });

  it('an order cancelled before Order Import ran is withdrawn from the interface: nothing is imported', async () => {
    const order = await placeGiftOrder(app.api, 'PO-EBS-E2E-2', NOTE);
    await deliveredRows(app.t.store, order.id, 1);
    expectQueuedAsOrdered(order);
    expect((await app.api.cancel(order.id)).status).toBe('cancelled');
    const rows = await deliveredRows(app.t.store, order.id, 2);
    expect(rows[1]).toMatchObject({ event: 'order.cancelled', status: 'delivered', attempts: 1 });
    // One withdrawal: the header locked (NOWAIT), its lines and itself deleted, in one committed transaction; no cancellation row.
    const withdrawn = ebs.transactions.filter((tx) => tx.statements.some((s) => s.sql.startsWith('DELETE FROM OE_HEADERS_IFACE_ALL') && s.params[1] === order.number));
    expect(withdrawn.map((tx) => [tx.outcome, tx.statements.map((s) => s.sql.split(' WHERE ')[0])])).toEqual([
      [
        'committed',
        [
          'SELECT ORDER_NUMBER, HEADER_ID, FLOW_STATUS_CODE, CANCELLED_FLAG FROM OE_ORDER_HEADERS_ALL',
          'SELECT ERROR_FLAG, REQUEST_ID FROM OE_HEADERS_IFACE_ALL',
          'DELETE FROM OE_LINES_IFACE_ALL',
          'DELETE FROM OE_HEADERS_IFACE_ALL',
        ],
      ],
    ]);
    expect(cancelInserts(order.number)).toEqual([]);
    expect(ebs.tables.OE_HEADERS_IFACE_ALL.filter(byRef(order.number))).toEqual([]);
    expect(ebs.tables.OE_LINES_IFACE_ALL.filter(byRef(order.number))).toEqual([]);
    expect(ebs.runOrderImport().imported).not.toContain(order.number);
    expect(ebs.tables.OE_ORDER_HEADERS_ALL.filter(byRef(order.number))).toEqual([]);
    expect(await view(app.api, order.id)).toMatchObject({ status: 'cancelled', erpOrderNo: null });
  });

  it('an order Order Import refuses is held by delivery.confirm with the finding erp_rejected carrying EBS\'s message; its create row is rejected (replayable)', async () => {
    const order = await placeGiftOrder(app.api, 'PO-EBS-E2E-3', NOTE);
    const [row] = await deliveredRows(app.t.store, order.id, 1);
    expect(await view(app.api, order.id)).toMatchObject({ status: 'released', erpOrderNo: null });
    const said = 'Validation failed for the field - Ship To';
    const run = ebs.runOrderImport({ [order.number]: [said] });
    expect(run).toMatchObject({ imported: [], failed: [order.number] });

    const held = await confirmRun(order.id);
    expect(held).toMatchObject({ status: 'held', erpOrderNo: null });
    expect(held.events.at(-1)).toMatchObject({ type: 'erp_rejected', fromStatus: 'released', toStatus: 'held' });
    const erpMessage = `Order Import (request ${run.requestId}): ${said}`;
    const { review } = held as unknown as { review: { decision: string; findings: Array<Record<string, unknown>> } };
    expect(review.decision).toBe('hold');
    expect(review.findings.at(-1)).toMatchObject({ code: 'erp_rejected', severity: 'hold', data: { outboxId: row!.id, target: 'erp', connector: 'erp', erpMessage } });
    expect(await erpRows(app.t.store, order.id)).toEqual([expect.objectContaining({ id: row!.id, status: 'rejected', response: erpMessage })]);
  });
});
