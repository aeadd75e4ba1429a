/**
 * The SQL staging target end to end: orders placed through the API land once in staging tables
 * (live on PostgreSQL through the sql connector's own driver; on PGlite through the same target
 * over the embedded store), with the ERP number read back and shown on GET /v1/orders/:id.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderDocument } from '../../src/connectors/contract.js';
import { adminQuery, createTestStore, storeDrivers, type TestStore } from '../support/store.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { uniqueName } from '../support/services.js';
import { quoteIdent } from '../../src/core/db/pg-store.js';
import { demoOrders, outboxOf, settled, type DemoOrders } from './support/orders.js';
import { registryOnStore, stagingDdl, stagingOrders } from './support/staging.js';

describe.each(storeDrivers())('SQL staging target on %s', (driver) => {
  let t: TestApp;
  let api: DemoOrders;
  const schema = driver === 'pg' ? uniqueName('stg') : 'stg';
  const count = async (table: string, orderId: string) =>
    (await t.store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.${table} WHERE ext_order_id = $1`, [orderId])).rows[0]!.n;

  beforeAll(async () => {
    const testStore: TestStore = await createTestStore(driver);
    await testStore.store.query(stagingDdl(schema));
    const erp = { kind: 'sql', dialect: 'postgres', url: process.env.DATABASE_URL ?? 'postgres://embedded/unused', orders: stagingOrders(schema) };
    t = await createTestApp(
      driver,
      { connectors: { erp }, delivery: { erp: { connector: 'erp' }, attempts: 3, backoffMs: 100, quickRetries: 1, quickRetryDelayMs: 50, leaseMs: 10_000 } },
      testStore,
      driver === 'pglite' ? { registry: registryOnStore(testStore.store) } : {},
    );
    api = await demoOrders(t);
  });
  afterAll(async () => {
    await t?.close();
    if (driver === 'pg') await adminQuery(process.env.DATABASE_URL!, `DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  });

  it('an order placed through the API appears once in the staging tables, its ERP number on GET /v1/orders/:id', async () => {
    const order = await api.place({ externalRef: 'PO-STG-1', note: 'deliver to dock 3', lines: [{ sku: 'MLK-250-24', qty: 48 }, { sku: 'MLK-200-24', qty: 24 }] });
    const [row] = await settled(t.store, order.id);
    const { rows: headers } = await t.store.query<Record<string, unknown>>(`SELECT * FROM ${schema}.so_header WHERE ext_order_id = $1`, [order.id]);
    expect(headers).toHaveLength(1);
    const header = headers[0]!;
    const shown = await api.get(order.id);
    expect(shown).toMatchObject({ status: 'confirmed', erpOrderNo: header.erp_order_no });
    expect(header).toMatchObject({ order_no: order.number, external_ref: 'PO-STG-1', dealer_code: 'D001', ship_to_code: 'D001-NS', currency: 'CNY', note: 'deliver to dock 3', status: 'NEW' });
    expect(header.net).toBe((shown as unknown as { totals: { net: string } }).totals.net);
    expect(header.order_date).toBe(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()));
    const { rows: lines } = await t.store.query<Record<string, unknown>>(`SELECT * FROM ${schema}.so_line WHERE ext_order_id = $1 ORDER BY line_no`, [order.id]);
    expect(lines.map((l) => [l.line_no, l.sku, l.qty, l.header_id])).toEqual([
      [1, 'MLK-250-24', 48, header.id],
      [2, 'MLK-200-24', 24, header.id],
    ]);
    expect(JSON.parse(String(lines[0]!.lots)).reduce((sum: number, lot: { qty: number }) => sum + lot.qty, 0)).toBe(48);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, external_id: header.erp_order_no });
    const detail = (await api.admin('GET', `/admin/outbox/${row!.id}`)).json();
    expect(detail).toMatchObject({ deliveredBy: 'erp', orderNumber: order.number, response: expect.stringContaining(`staged in ${schema}.so_header as ${header.id}`) });
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/dealer_hub_outbox_deliveries_total\{target="erp",event="order.approved"\} [1-9]/);
    expect(metrics).toMatch(/dealer_hub_outbox_oldest_due_age_seconds\{target="erp"\} 0/);
  });

  it('delivering the same row again (a redo after a lost answer or an expired lease) finds the staged order', async () => {
    const order = await api.place({ note: 'redo' });
    const [row] = await settled(t.store, order.id);
    await t.store.query(`UPDATE outbox SET status = 'pending', next_attempt_at = now() WHERE id = $1`, [row!.id]);
    await t.jobs.enqueue('delivery.relay', { trigger: 'test' });
    const [again] = await settled(t.store, order.id);
    expect(again).toMatchObject({ claims: 2, external_id: row!.external_id });
    expect(await count('so_header', order.id)).toBe(1);
    expect(await count('so_line', order.id)).toBe(1);
    expect((await api.get(order.id)).events.at(-1)).toMatchObject({ type: 'erp_order_found' });
  });

  it('two deliveries of one order at the same time stage it once', async () => {
    const target = t.connectors.orderTarget('erp');
    const orderId = randomUUID();
    const document: OrderDocument = {
      orderId, number: 'DH-RACE-1', externalRef: null, dealer: { code: 'D001', name: 'x' },
      shipTo: { code: 'D001-NS', name: 'x', address: 'x', regionCode: '440305', contact: null, phone: null }, currency: 'CNY', orderDate: '2026-11-24',
      requestedDate: null, note: null, totals: { gross: '10.00', discount: '0.00', net: '10.00' },
      lines: [{ lineNo: 1, sku: 'MLK-250-24', qty: 1, uom: 'CS', unitPrice: '10.0000', gross: '10.00', discount: '0.00', net: '10.00', isGift: false, warehouseCode: null, lots: [] }],
    };
    const signal = new AbortController().signal;
    const [a, b] = await Promise.all([target.create(document, signal), target.create(document, signal)]);
    expect(a.erpOrderNo).toBe(b.erpOrderNo);
    expect([a.detail, b.detail].filter((d) => d?.includes('already staged'))).toHaveLength(1);
    expect(await count('so_header', orderId)).toBe(1);
    expect(await target.find({ orderId, number: 'DH-RACE-1' }, signal)).toMatchObject({ erpOrderNo: a.erpOrderNo });
  });

  it('the staging database refusing an order (its trigger raises) holds the order with the message; a corrected replay stages it', async () => {
    const order = await api.place({ note: 'credit-block' });
    const [row] = await settled(t.store, order.id, ['rejected']);
    expect(row!.last_error).toMatch(new RegExp(`outbox #${row!.id} \\(order.approved of order ${order.number} → erp via erp, attempt 1/3\\): refused: .*customer D001 is blocked for credit \\(rule K3-17\\)`));
    const held = await api.get(order.id);
    expect(held.status).toBe('held');
    expect(held.review.findings.at(-1)).toMatchObject({ code: 'erp_rejected', data: { erpMessage: 'customer D001 is blocked for credit (rule K3-17)' } });
    expect(await count('so_header', order.id)).toBe(0);
    const replay = await api.admin('POST', `/admin/outbox/${row!.id}/replay`, { payload: { orderId: order.id, number: order.number, overrides: { note: 'credit released by finance' } } });
    expect(replay.statusCode, replay.body).toBe(200);
    await settled(t.store, order.id);
    expect((await api.get(order.id)).status).toBe('confirmed');
    const { rows } = await t.store.query<{ note: string }>(`SELECT note FROM ${schema}.so_header WHERE ext_order_id = $1`, [order.id]);
    expect(rows).toEqual([{ note: 'credit released by finance' }]);
  });

  it('a row that cannot be delivered as it is (its order is gone) is dead at once, naming the order', async () => {
    const orderId = randomUUID();
    await t.store.query(`INSERT INTO outbox (event, aggregate_type, aggregate_id, target, payload) VALUES ('order.approved', 'order', $1, 'erp', $2::jsonb)`, [
      orderId,
      JSON.stringify({ orderId, number: 'DH-GONE' }),
    ]);
    await t.jobs.enqueue('delivery.relay', { trigger: 'test' });
    const [row] = await settled(t.store, orderId, ['dead']);
    expect(row).toMatchObject({ attempts: 1, last_error: `attempt 1/3: order DH-GONE (${orderId}) does not exist` });
  });

  it('cancelling a confirmed order marks its staged header cancelled', async () => {
    const order = await api.place({ note: 'to cancel' });
    await settled(t.store, order.id);
    await api.cancel(order.id);
    const rows = await settled(t.store, order.id);
    expect(rows.map((r) => r.event)).toEqual(['order.approved', 'order.cancelled']);
    const { rows: headers } = await t.store.query<{ status: string }>(`SELECT status FROM ${schema}.so_header WHERE ext_order_id = $1`, [order.id]);
    expect(headers).toEqual([{ status: 'CANCELLED' }]);
    expect((await api.get(order.id)).events.at(-1)).toMatchObject({ type: 'erp_cancelled', message: expect.stringMatching(/^cancelled ERP order XS\d{8} in erp/) });
    expect(await outboxOf(t.store, order.id)).toHaveLength(2);
  });
});
