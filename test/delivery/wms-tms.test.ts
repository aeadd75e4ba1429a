/**
 * Shipments and tracking end to end: an order placed through the API is confirmed by a fake ERP
 * (an OrderTarget at the HTTP edge), the confirmation sends exactly one outbound order to a fake
 * WMS through the http connector's `shipments:`, and a fake TMS moves it to shipped and delivered
 * by signed webhook (POST /webhooks/tms/:connector) and by polling (job tms.poll). Embedded mode
 * (PGlite, in-process jobs) always; PostgreSQL with BullMQ when the services are there (required
 * in CI: REQUIRE_SERVICES=1).
 */
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { httpOptionsSchema } from '../../src/connectors/http/index.js';
import { trackingFieldsSchema, trackingStatusesSchema, trackingWebhookSchema } from '../../src/connectors/http/outbound-options.js';
import { createTrackingWebhook, statusMapper } from '../../src/connectors/http/tracking.js';
import { connectorRefinement, createConnectorHub } from '../../src/connectors/hub.js';
import { CONNECTORS } from '../../src/connectors/registry.js';
import { configSchema } from '../../src/core/config/schema.js';
import { createLogger } from '../../src/core/logger.js';
import { checkDeliveryTarget } from '../../src/delivery/settings.js';
import { confirmationTargets } from '../../src/delivery/shipments.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { describeWith, uniqueName } from '../support/services.js';
import type { Driver } from '../support/store.js';
import { startFakeErp, TEST_CONNECTORS, type FakeErp } from './support/fake-erp.js';
import { easypostEvent, signWebhook, startFakeTms, startFakeWms, WEBHOOK_SECRET, type FakeTms, type FakeWms, type TrackerState } from './support/fake-wms-tms.js';
import { demoOrders, outboxOf, waitFor, type DemoOrders, type OutboxState } from './support/orders.js';

interface ShownOrder {
  status: string;
  erpOrderNo: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  lines: Array<{ lineNo: number; sku: string; qty: number; warehouse: string | null; lots: Array<{ lot: string; qty: number; expiryDate: string | null }> }>;
  events: Array<{ type: string; fromStatus: string | null; toStatus: string | null; actor: string; message: string | null }>;
}

function suite(driver: Driver, redis: boolean) {
  let t: TestApp;
  let erp: FakeErp;
  let wms: FakeWms;
  let tms: FakeTms;
  let api: DemoOrders;
  let parcels = 0;
  const parcel = () => `EZ${Date.now().toString().slice(-8)}${String(++parcels).padStart(3, '0')}`;

  beforeAll(async () => {
    [erp, wms, tms] = await Promise.all([startFakeErp(), startFakeWms(), startFakeTms()]);
    t = await createTestApp(
      driver,
      {
        connectors: {
          erp: { kind: 'fake-erp', url: erp.url, timeoutMs: 1_500 },
          wms: {
            kind: 'http',
            baseUrl: wms.url,
            timeoutMs: 600,
            shipments: {
              path: '/v1/outbound-orders',
              response: '$.data',
              lookup: { path: '/v1/outbound-orders?reference={number}', records: '$.data', match: 'orderNumber' },
              idempotencyHeader: 'Idempotency-Key',
              addFields: { owner: 'DEALER-HUB' },
            },
          },
          tms: {
            kind: 'http',
            baseUrl: tms.url,
            timeoutMs: 1_000,
            retry: { retries: 0 },
            tracking: {
              poll: { path: '/v2/trackers?tracking_code={trackingNumber}', records: '$.trackers' },
              webhook: { secret: WEBHOOK_SECRET, signatureHeader: 'X-Hmac-Signature', timestampHeader: 'X-Timestamp', deliveryId: '$.id', records: '$.result' },
            },
          },
        },
        delivery: { erp: { connector: 'erp' }, wms: { connector: 'wms' }, attempts: 3, backoffMs: 100, maxBackoffMs: 400, quickRetries: 1, quickRetryDelayMs: 50, leaseMs: 5_000 },
      },
      undefined,
      { registry: TEST_CONNECTORS, ...(redis ? { redisPrefix: uniqueName('dh_wmstms') } : {}) },
    );
    api = await demoOrders(t);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([erp?.close(), wms?.close(), tms?.close()]);
  });

  const show = async (id: string) => (await api.get(id)) as unknown as ShownOrder;

  /** Both rows of the order (ERP create, WMS request) in one of `statuses`. */
  const bothSettled = (orderId: string, statuses: readonly string[] = ['delivered']) =>
    waitFor(`the erp and wms rows of order ${orderId} to be ${statuses.join('/')}`, async () => {
      const rows = await outboxOf(t.store, orderId);
      return rows.length === 2 && rows.every((row) => statuses.includes(row.status)) ? (rows as [OutboxState, OutboxState]) : undefined;
    });

  const confirmed = async (note: string) => {
    const order = await api.place({ note });
    await bothSettled(order.id);
    return order;
  };

  const webhook = (body: string, headers: Record<string, string> = signWebhook(body), connector = 'tms') =>
    t.app.inject({ method: 'POST', url: `/webhooks/tms/${connector}`, headers, payload: body });

  const tracked = async (number: string) =>
    (await t.store.query<{ outcome: string; raw_status: string; source: string }>(
      `SELECT e.outcome, e.raw_status, e.source FROM tracking_events e JOIN orders o ON o.id = e.order_id WHERE o.number = $1 ORDER BY e.id`,
      [number],
    )).rows.map((r) => `${r.source}:${r.raw_status}:${r.outcome}`);

  const send = async (code: string, state: TrackerState) => {
    const response = await webhook(easypostEvent(code, state));
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response.json();
  };

  it('an order confirmed by the ERP is requested from the WMS exactly once, with ship-to, lines, lots and warehouse', async () => {
    const order = await api.place({ note: 'wms e2e', externalRef: 'PO-WMS-1', lines: [{ sku: 'MLK-250-24', qty: 48 }, { sku: 'MLK-200-24', qty: 24 }] });
    const [erpRow, wmsRow] = await bothSettled(order.id);
    expect([erpRow.event, wmsRow.event]).toEqual(['order.approved', 'order.confirmed']);
    const outbound = wms.ordersFor(order.number);
    expect(outbound).toHaveLength(1);
    expect(wms.callsFor(order.number)).toEqual(['lookup:none', 'request:ok']);
    expect(wmsRow).toMatchObject({ status: 'delivered', attempts: 1, external_id: outbound[0]!.id });

    const shown = await show(order.id);
    expect(shown.status).toBe('confirmed');
    expect(shown.events.map((e) => e.type)).toEqual(['submitted', 'reviewed', 'released', 'confirmed', 'wms_shipment_requested']);
    expect(shown.events.at(-1)).toMatchObject({ actor: 'delivery:wms', message: `outbound order ${outbound[0]!.id} requested from wms (outbox #${wmsRow.id})` });

    const body = outbound[0]!.body;
    expect(outbound[0]!.idempotencyKey).toBe(order.number);
    expect(body).toMatchObject({
      owner: 'DEALER-HUB',
      orderNumber: order.number,
      orderId: order.id,
      erpOrderNo: shown.erpOrderNo,
      customerRef: 'PO-WMS-1',
      customer: { code: 'D001' },
      shipTo: { code: 'D001-NS', region: '440305', contact: '陈立伟', phone: '0755-26601188', address: expect.stringContaining('留仙大道3370号') },
      note: 'wms e2e',
    });
    expect(body.lines).toEqual(
      shown.lines.map((line) => ({
        lineNo: line.lineNo,
        sku: line.sku,
        qty: line.qty,
        uom: expect.any(String),
        warehouse: line.warehouse,
        gift: false,
        lots: line.lots.map((lot) => ({ lot: lot.lot, qty: lot.qty, expiryDate: lot.expiryDate?.slice(0, 10) ?? null })),
      })),
    );
    expect(body.lines.flatMap((l: { lots: Array<{ qty: number }> }) => l.lots).reduce((sum: number, lot: { qty: number }) => sum + lot.qty, 0)).toBe(72);
    expect(body.warehouse).toBe(new Set(shown.lines.map((l) => l.warehouse)).size === 1 ? shown.lines[0]!.warehouse : null);

    // The same row delivered again (a redo after a lost answer or an expired lease) finds it.
    await t.store.query(`UPDATE outbox SET status = 'pending', next_attempt_at = now() WHERE id = $1`, [wmsRow.id]);
    await t.jobs.enqueue('delivery.relay', { trigger: 'test' });
    await waitFor('the redo', async () => (await outboxOf(t.store, order.id))[1]!.claims === 2 && (await outboxOf(t.store, order.id))[1]!.status === 'delivered');
    expect(wms.ordersFor(order.number)).toHaveLength(1);
    expect((await show(order.id)).events.at(-1)).toMatchObject({ type: 'wms_shipment_found' });
  });

  it('the WMS books the outbound order but its answer times out: the retry finds it, one outbound order', async () => {
    wms.hangAfterBooking(1);
    const order = await confirmed('wms timeout');
    expect(wms.ordersFor(order.number)).toHaveLength(1);
    expect(wms.callsFor(order.number)).toEqual(['lookup:none', 'request:hung', 'lookup:found']);
    const [, row] = await outboxOf(t.store, order.id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, external_id: wms.ordersFor(order.number)[0]!.id });
    expect((await show(order.id)).events.at(-1)).toMatchObject({ type: 'wms_shipment_found', message: expect.stringMatching(/^wms has outbound order OB\d+ already/) });
  });

  it('the WMS refusing the request (4xx) is recorded: row rejected, order stays confirmed with an event; a corrected replay requests it once', async () => {
    wms.refuse((body) => body.note === 'wms refuses' && !String(body.shipTo.address).startsWith('Dock'), 'shipTo.address: no such delivery zone');
    const order = await api.place({ note: 'wms refuses' });
    const [erpRow, row] = await bothSettled(order.id, ['delivered', 'rejected']);
    expect([erpRow.status, row.status]).toEqual(['delivered', 'rejected']);
    expect(row.last_error).toMatch(new RegExp(`^outbox #${row.id} \\(order\\.confirmed of order ${order.number} → wms via wms, attempt 1/3\\): refused: http 127\\.0\\.0\\.1:\\d+ refused outbound order ${order.number}: shipTo\\.address: no such delivery zone`));
    expect(wms.callsFor(order.number)).toEqual(['lookup:none', 'request:refused']);
    const refused = await show(order.id);
    expect(refused.status).toBe('confirmed');
    expect(refused.events.at(-1)).toMatchObject({ type: 'wms_rejected', message: `wms refused the shipment request (outbox #${row.id}): shipTo.address: no such delivery zone` });

    const replay = await api.admin('POST', `/admin/outbox/${row.id}/replay`, { payload: { orderId: order.id, number: order.number, overrides: { shipTo: { address: 'Dock 4, 留仙大道3370号' } } }, comment: 'zone fixed' });
    expect(replay.statusCode, replay.body).toBe(200);
    await bothSettled(order.id);
    expect(wms.ordersFor(order.number)).toHaveLength(1);
    expect(wms.ordersFor(order.number)[0]!.body.shipTo.address).toBe('Dock 4, 留仙大道3370号');
    expect((await show(order.id)).events.at(-1)).toMatchObject({ type: 'wms_shipment_requested' });
  });

  it('the WMS down for the whole retry window: the row goes dead with an event, the order stays confirmed', async () => {
    wms.down = true;
    onTestFinished(() => {
      wms.down = false;
    });
    const order = await api.place({ note: 'wms down' });
    const [, row] = await bothSettled(order.id, ['delivered', 'dead']);
    expect(row).toMatchObject({ status: 'dead', attempts: 3, last_error: expect.stringMatching(/^attempt 3\/3: .*503: WMS is under maintenance/) });
    const shown = await show(order.id);
    expect(shown.status).toBe('confirmed');
    expect(shown.events.at(-1)).toMatchObject({ type: 'wms_delivery_failed' });
    expect(wms.ordersFor(order.number)).toHaveLength(0);
  });

  it('webhook: a bad signature, a stale or missing timestamp are 401 and change nothing; unknown connectors are 404', async () => {
    const order = await confirmed('webhook auth');
    const code = parcel();
    const body = easypostEvent(code, { status: 'in_transit', reference: order.number });
    const before = (await t.store.query<{ n: number }>(`SELECT count(*)::int AS n FROM tracking_events`)).rows[0]!.n;

    const forged = await webhook(body, signWebhook(body, { secret: 'not-the-secret' }));
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error).toMatchObject({ code: 'invalid_signature', message: 'webhook refused: the X-Hmac-Signature signature does not match the body' });
    const tampered = await webhook(body.replace('in_transit', 'delivered'), signWebhook(body));
    expect(tampered.statusCode).toBe(401);
    const stale = await webhook(body, signWebhook(body, { at: new Date(Date.now() - 6 * 60_000) }));
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error.message).toMatch(/^webhook refused: X-Timestamp is 3\d\d s from now \(allowed ±300 s\)$/);
    const future = await webhook(body, signWebhook(body, { at: new Date(Date.now() + 10 * 60_000) }));
    expect(future.statusCode).toBe(401);
    const { 'x-timestamp': _stamp, ...unstamped } = signWebhook(body);
    expect((await webhook(body, unstamped)).json().error.message).toBe('webhook refused: missing X-Timestamp header');
    const { 'x-hmac-signature': _sig, ...unsigned } = signWebhook(body);
    expect((await webhook(body, unsigned)).statusCode).toBe(401);
    expect((await webhook(body, signWebhook(body), 'nope')).statusCode).toBe(404);
    expect((await webhook(body, signWebhook(body), 'wms')).statusCode).toBe(404);

    expect((await t.store.query<{ n: number }>(`SELECT count(*)::int AS n FROM tracking_events`)).rows[0]!.n).toBe(before);
    expect((await show(order.id)).status).toBe('confirmed');
    // The same body, properly signed, is accepted.
    expect((await webhook(body)).statusCode).toBe(200);
    expect(await show(order.id)).toMatchObject({ status: 'shipped', trackingNumber: code });
  });

  it('webhook: picked up → shipped with carrier and tracking number; a replayed delivery is a no-op; delivered → delivered; a late event never moves back', async () => {
    const order = await confirmed('webhook flow');
    const code = parcel();
    const pickedUp = easypostEvent(code, { status: 'picked_up', carrier: 'SF Express', reference: order.number, updatedAt: '2026-11-25T02:00:00Z' });
    const stockNow = async () =>
      (
        await t.store.query<{ on_hand: number; reserved: number; shipping: number }>(
          `SELECT sum(on_hand)::int AS on_hand, sum(reserved)::int AS reserved,
                  (SELECT coalesce(sum(r.qty), 0)::int FROM reservations r JOIN order_lines ol ON ol.id = r.order_line_id WHERE ol.order_id = $1 AND r.status = 'active') AS shipping
             FROM stock_lots`,
          [order.id],
        )
      ).rows[0]!;
    const before = await stockNow();
    expect(before.shipping).toBeGreaterThan(0);
    const first = await webhook(pickedUp);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ duplicate: false, events: [{ outcome: 'shipped', order: order.number, status: 'shipped', trackingNumber: code }] });
    const shipped = await show(order.id);
    expect(shipped).toMatchObject({ status: 'shipped', carrier: 'SF Express', trackingNumber: code, shippedAt: '2026-11-25T02:00:00.000Z', deliveredAt: null });
    // Shipping consumes the reservations and takes the units off on hand: ATP is unchanged by it.
    const stock = await t.store.query<{ status: string; n: number }>(
      `SELECT r.status, count(*)::int AS n FROM reservations r JOIN order_lines ol ON ol.id = r.order_line_id WHERE ol.order_id = $1 GROUP BY r.status`,
      [order.id],
    );
    expect(stock.rows).toEqual([{ status: 'consumed', n: expect.any(Number) }]);
    expect(await stockNow()).toEqual({ on_hand: before.on_hand - before.shipping, reserved: before.reserved - before.shipping, shipping: 0 });
    const ledger = await t.store.query<{ mismatched: number }>(
      `SELECT count(*)::int AS mismatched FROM stock_lots l
        WHERE l.reserved <> coalesce((SELECT sum(qty) FROM reservations r WHERE r.stock_lot_id = l.id AND r.status = 'active'), 0)`,
    );
    expect(ledger.rows).toEqual([{ mismatched: 0 }]);
    expect(shipped.events.at(-1)).toMatchObject({ type: 'shipped', fromStatus: 'confirmed', toStatus: 'shipped', actor: 'tms:tms', message: expect.stringContaining(`picked_up (SF Express ${code})`) });

    // The same delivery again (the TMS retried, or someone replays it), freshly timestamped and signed: nothing happens.
    const replayed = await webhook(pickedUp, signWebhook(pickedUp));
    expect(replayed.statusCode).toBe(200);
    expect(replayed.json()).toEqual({ deliveryId: JSON.parse(pickedUp).id, duplicate: true, events: [] });
    // The same event in a new delivery: recorded once.
    expect((await send(code, { status: 'picked_up', carrier: 'SF Express', reference: order.number, updatedAt: '2026-11-25T02:00:00Z' })).events).toEqual([
      expect.objectContaining({ outcome: 'duplicate' }),
    ]);
    expect((await send(code, { status: 'in_transit', carrier: 'SF Express', updatedAt: '2026-11-25T08:00:00Z' })).events).toEqual([
      expect.objectContaining({ outcome: 'no_change', order: order.number, status: 'shipped' }),
    ]);

    const delivered = await send(code, { status: 'delivered', carrier: 'SF Express', updatedAt: '2026-11-26T03:30:00Z' });
    expect(delivered.events).toEqual([expect.objectContaining({ outcome: 'delivered', status: 'delivered' })]);
    expect(await show(order.id)).toMatchObject({ status: 'delivered', carrier: 'SF Express', trackingNumber: code, deliveredAt: '2026-11-26T03:30:00.000Z' });

    // An older event arriving late never moves the order back.
    expect((await send(code, { status: 'out_for_delivery', carrier: 'SF Express', updatedAt: '2026-11-26T01:00:00Z' })).events).toEqual([
      expect.objectContaining({ outcome: 'no_change', status: 'delivered' }),
    ]);
    const final = await show(order.id);
    expect(final.status).toBe('delivered');
    expect(final.events.map((e) => e.type).slice(-3)).toEqual(['wms_shipment_requested', 'shipped', 'delivered']);
    expect(await tracked(order.number)).toEqual(['webhook:picked_up:shipped', 'webhook:in_transit:no_change', 'webhook:delivered:delivered', 'webhook:out_for_delivery:no_change']);
  });

  it('webhook: the same delivery twice at the same instant is applied once', async () => {
    const order = await confirmed('webhook race');
    const body = easypostEvent(parcel(), { status: 'picked_up', reference: order.number });
    const answers = await Promise.all([webhook(body), webhook(body), webhook(body)]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.json().duplicate).sort()).toEqual([false, true, true]);
    expect((await show(order.id)).events.filter((e) => e.type === 'shipped')).toHaveLength(1);
    expect(await tracked(order.number)).toEqual(['webhook:picked_up:shipped']);
  });

  it('webhook: delivered before any pick-up moves a confirmed order through shipped (and a released one through confirmed); unknown orders are 202, recorded unmatched', async () => {
    const order = await confirmed('delivered first');
    const code = parcel();
    const response = await webhook(easypostEvent(code, { status: 'delivered', carrier: 'USPS', reference: order.number }));
    expect(response.statusCode).toBe(200);
    expect(response.json().events).toEqual([expect.objectContaining({ outcome: 'delivered', message: expect.stringMatching(/^shipped and delivered: delivered/) })]);
    const shown = await show(order.id);
    expect(shown).toMatchObject({ status: 'delivered', carrier: 'USPS', trackingNumber: code });
    expect(shown.events.slice(-2).map((e) => [e.type, e.fromStatus, e.toStatus, e.actor])).toEqual([
      ['shipped', 'confirmed', 'shipped', 'tms:tms'],
      ['delivered', 'shipped', 'delivered', 'tms:tms'],
    ]);

    const released = await confirmed('released');
    await t.store.query(`UPDATE orders SET status = 'released' WHERE id = $1`, [released.id]);
    const byId = await send(parcel(), { status: 'in_transit', reference: released.id });
    expect(byId.events).toEqual([expect.objectContaining({ outcome: 'shipped', order: released.number })]);
    expect((await show(released.id)).events.slice(-2).map((e) => `${e.fromStatus}→${e.toStatus}`)).toEqual(['released→confirmed', 'confirmed→shipped']);

    const cancelled = await confirmed('cancel then ship');
    await api.cancel(cancelled.id);
    await waitFor('the cancel to reach the ERP', async () => {
      const rows = await outboxOf(t.store, cancelled.id);
      return rows.length === 3 && rows.every((r) => r.status === 'delivered');
    });
    expect((await send(parcel(), { status: 'picked_up', reference: cancelled.number })).events).toEqual([expect.objectContaining({ outcome: 'ignored', status: 'cancelled' })]);
    expect((await show(cancelled.id)).events.at(-1)).toMatchObject({ type: 'tracking_ignored', message: expect.stringMatching(/^tracking for an order that is cancelled was not applied/) });

    const stray = parcel();
    const unknown = await webhook(easypostEvent(stray, { status: 'in_transit', reference: 'DH0000000000000' }));
    expect(unknown.statusCode).toBe(202);
    expect(unknown.json().events).toEqual([expect.objectContaining({ outcome: 'unmatched', order: null })]);
    const { rows } = await t.store.query(`SELECT outcome, order_id, reference, tracking_number FROM tracking_events WHERE tracking_number = $1`, [stray]);
    expect(rows).toEqual([{ outcome: 'unmatched', order_id: null, reference: 'DH0000000000000', tracking_number: stray }]);
  });

  it('polling: the tms.poll job reads the TMS for shipped orders and moves a delivered one to delivered', async () => {
    const order = await confirmed('polled');
    const code = parcel();
    await send(code, { status: 'picked_up', carrier: 'UPS', reference: order.number, updatedAt: '2026-11-25T02:00:00Z' });
    expect((await show(order.id)).status).toBe('shipped');

    tms.set(code, { status: 'in_transit', carrier: 'UPS', updatedAt: '2026-11-25T09:00:00Z' });
    const run = async () => {
      const asked = tms.asked.length;
      await t.jobs.enqueue('tms.poll', { connector: 'tms' });
      await waitFor('a poll of the TMS', async () => tms.asked.slice(asked).includes(code) && (await tracked(order.number)).length > 0);
    };
    await run();
    await waitFor('the in_transit event', async () => (await tracked(order.number)).includes('poll:in_transit:no_change'));
    expect((await show(order.id)).status).toBe('shipped');

    tms.set(code, { status: 'delivered', carrier: 'UPS', updatedAt: '2026-11-26T10:15:00Z' });
    await run();
    await waitFor('the order to be delivered', async () => (await show(order.id)).status === 'delivered');
    const shown = await show(order.id);
    expect(shown).toMatchObject({ status: 'delivered', carrier: 'UPS', trackingNumber: code, deliveredAt: '2026-11-26T10:15:00.000Z' });
    expect(shown.events.at(-1)).toMatchObject({ type: 'delivered', actor: 'tms:tms', message: expect.stringContaining('by poll') });
    expect(await tracked(order.number)).toEqual(['webhook:picked_up:shipped', 'poll:in_transit:no_change', 'poll:delivered:delivered']);

    // Delivered orders are not asked about again.
    const asked = tms.asked.length;
    await t.jobs.enqueue('tms.poll', { connector: 'tms' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(tms.asked.slice(asked)).not.toContain(code);
  });
}

describe('http connector: shipments and tracking options', () => {
  const base = { baseUrl: 'https://wms.example.com/api' };
  const issues = (options: unknown) => {
    const parsed = httpOptionsSchema.safeParse(options);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts a connector with only shipments: or tracking:, and refuses ones that could double or do nothing', () => {
    expect(issues({ ...base, shipments: { path: '/v1/outbound-orders', idempotencyHeader: 'Idempotency-Key' } })).toEqual([]);
    expect(issues({ ...base, tracking: { webhook: { secret: 's3cret' } } })).toEqual([]);
    expect(issues({ ...base, shipments: { path: '/v1/outbound-orders' } })).toEqual([
      'shipments: shipments need lookup or idempotencyHeader (or both): without either, a retry after a timeout could request a second outbound order',
    ]);
    expect(issues({ ...base, shipments: { path: '/o', lookup: { path: '/o?ref={reference}' } } })).toEqual([
      'shipments.lookup.path: unknown placeholder {reference} in "/o?ref={reference}"; use {number}, {orderId}',
    ]);
    expect(issues({ ...base, tracking: {} })).toEqual(['tracking: tracking needs poll or webhook (or both)']);
    expect(issues(base)).toEqual(['streams: declare at least one stream (or a preset), shipments: or tracking:']);
  });

  it('delivery.wms must name an enabled connector; at start, one that offers shipments', () => {
    const config = configSchema.parse({ connectors: { stock: { kind: 'http', ...base, tracking: { webhook: { secret: 'x' } } } }, delivery: { wms: { connector: 'nope' } } });
    expect(connectorRefinement(CONNECTORS).refine(config).map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['delivery.wms.connector: no connector named "nope"; configured: stock']);
    const hub = createConnectorHub(config.connectors, CONNECTORS, { logger: createLogger({ level: 'silent', pretty: false }), now: () => new Date() });
    expect(() => checkDeliveryTarget(hub, 'wms', 'stock')).toThrow('connector stock (http) takes no shipment requests with these settings (add `shipments:`)');
  });

  it('verifies base64 signatures, "<timestamp>.<body>" signing and rotated keys; the delivery id falls back to the body digest', () => {
    const mapStatus = statusMapper(trackingStatusesSchema.parse({}));
    const fields = trackingFieldsSchema.parse({});
    const body = Buffer.from(easypostEvent('EZ1', { status: 'delivered', reference: 'DH1' }, 'evt_1'));
    const now = new Date('2026-11-25T00:00:00Z');
    const stamp = String(now.getTime() / 1000);
    const hook = createTrackingWebhook(trackingWebhookSchema.parse({ secret: 'k2', encoding: 'base64', signed: 'timestamp.body', deliveryId: '$.nothing' }), fields, mapStatus);
    const sign = (key: string, content: Buffer) => createHmac('sha256', key).update(content).digest('base64');
    const signed = Buffer.concat([Buffer.from(`${stamp}.`), body]);
    const headers = (signature: string) => ({ 'x-timestamp': stamp, 'x-signature': signature });
    expect(hook.verify({ body, headers: headers(`v1=${sign('k1', signed)}, v1=${sign('k2', signed)}`) }, now)).toEqual({
      ok: true,
      deliveryId: `sha256:${createHash('sha256').update(body).digest('hex')}`,
    });
    expect(hook.verify({ body, headers: headers(sign('k2', body)) }, now)).toMatchObject({ ok: false, reason: 'the X-Signature signature does not match the body' });
    expect(hook.verify({ body, headers: { ...headers(sign('k2', signed)), 'x-timestamp': String(Number(stamp) + 1) } }, now)).toMatchObject({ ok: false });
    expect(hook.parse(body)).toEqual([{ reference: 'DH1', carrier: 'USPS', trackingNumber: 'EZ1', status: 'delivered', rawStatus: 'delivered', occurredAt: expect.any(Date) }]);
    expect(() => hook.parse(Buffer.from('<xml/>'))).toThrow(/^the body is not JSON/);
  });
});

describe('shipment requests without a WMS', () => {
  it('are not written: only a configured wms target is told of confirmations', () => {
    expect(confirmationTargets({ erp: 'kingdee' })).toEqual([]);
    expect(confirmationTargets({ erp: 'kingdee', wms: 'wms' })).toEqual(['wms']);
  });
});

describe('WMS and TMS on pglite with in-process jobs', () => suite('pglite', false));
describeWith(['postgres', 'redis'], 'WMS and TMS on PostgreSQL with BullMQ', () => suite('pg', true));
