/**
 * Delivery faults against a fake ERP at the protocol edge (a local HTTP server that books every
 * POST as a new ERP order): embedded mode (PGlite, in-process jobs) always, server mode
 * (PostgreSQL, BullMQ on Redis) when the services are there (required in CI).
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { describeWith, uniqueName } from '../support/services.js';
import type { Driver } from '../support/store.js';
import { startFakeErp, TEST_CONNECTORS, type FakeErp } from './support/fake-erp.js';
import { demoOrders, outboxOf, settled, type DemoOrders } from './support/orders.js';

function faultSuite(driver: Driver, redis: boolean) {
  let t: TestApp;
  let erp: FakeErp;
  let api: DemoOrders;
  beforeAll(async () => {
    erp = await startFakeErp();
    t = await createTestApp(
      driver,
      {
        connectors: { erp: { kind: 'fake-erp', url: erp.url, timeoutMs: 1_500 } },
        delivery: { erp: { connector: 'erp' }, attempts: 3, backoffMs: 100, maxBackoffMs: 400, quickRetries: 1, quickRetryDelayMs: 50, leaseMs: 5_000 },
      },
      undefined,
      { registry: TEST_CONNECTORS, ...(redis ? { redisPrefix: uniqueName('dh_faults') } : {}) },
    );
    api = await demoOrders(t);
  });
  afterAll(async () => {
    await t?.close();
    await erp?.close();
  });

  it('(a) the ERP books the order but its answer times out: the retry finds it, one ERP order', async () => {
    erp.hangAfterBooking(1);
    const order = await api.place({ note: 'timeout' });
    const [row] = await settled(t.store, order.id);
    expect(erp.ordersFor(order.id)).toHaveLength(1);
    const calls = erp.calls.filter((c) => c.orderId === order.id).map((c) => `${c.kind}:${c.answered}`);
    expect(calls).toEqual(['find:not_found', 'create:hung', 'find:ok']);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, external_id: erp.ordersFor(order.id)[0]!.erpOrderNo });
    const shown = await api.get(order.id);
    expect(shown).toMatchObject({ status: 'confirmed', erpOrderNo: erp.ordersFor(order.id)[0]!.erpOrderNo });
    expect(shown.events.map((e) => e.type)).toEqual(['submitted', 'reviewed', 'released', 'confirmed']);
  });

  it('(b) the ERP is down for the whole retry window: rows go dead; replayed after it is back, each is delivered once', async () => {
    erp.down = true;
    onTestFinished(() => {
      erp.down = false;
    });
    const orders = [await api.place({ note: 'down-1' }), await api.place({ note: 'down-2' }), await api.place({ note: 'down-3' }, 'D002')];
    const dead = await Promise.all(orders.map((o) => settled(t.store, o.id, ['dead'])));
    for (const [row] of dead) expect(row).toMatchObject({ status: 'dead', attempts: 3, last_error: expect.stringMatching(/^attempt 3\/3: .*503 ERP is under maintenance/) });
    for (const order of orders) {
      expect(erp.ordersFor(order.id)).toHaveLength(0);
      const shown = await api.get(order.id, order === orders[2] ? 'D002' : 'D001');
      expect(shown.status).toBe('approved');
      expect(shown.events.at(-1)).toMatchObject({ type: 'erp_delivery_failed', message: expect.stringMatching(/failed 3 time\(s\) \(outbox #\d+\); last error/) });
    }
    const deadList = (await api.admin('GET', '/admin/outbox?status=dead&target=erp')).json();
    expect(deadList.items.map((i: { orderNumber: string }) => i.orderNumber)).toEqual(expect.arrayContaining(orders.map((o) => o.number)));
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/dealer_hub_outbox_backlog\{target="erp",status="dead"\} [3-9]/);
    expect(metrics.body).toMatch(/dealer_hub_outbox_delivery_failures_total\{target="erp",event="order.approved",result="dead"\} [3-9]/);

    erp.down = false;
    for (const [row] of dead) {
      const replayed = await api.admin('POST', `/admin/outbox/${row!.id}/replay`, { comment: 'ERP maintenance over' });
      expect(replayed.statusCode, replayed.body).toBe(200);
      expect(replayed.json()).toMatchObject({ status: 'pending', attempts: 0, replays: [{ actor: 'admin:test', statusBefore: 'dead', attemptsBefore: 3, comment: 'ERP maintenance over' }] });
    }
    for (const order of orders) {
      await settled(t.store, order.id);
      expect(erp.ordersFor(order.id)).toHaveLength(1);
    }
    const again = await api.admin('POST', `/admin/outbox/${dead[0]![0]!.id}/replay`);
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().error.message).toMatch(/^outbox #\d+ \(order\.approved of order DH\d+ → erp\) is delivered; only dead or rejected rows can be replayed/);
  });

  it('(d) a cancel queued behind a slow create is delivered after it', async () => {
    const hold = erp.holdCreate((doc) => doc.note === 'slow');
    const order = await api.place({ note: 'slow' });
    await hold.arrived;
    expect((await api.cancel(order.id)).status).toBe('cancelled');
    // The relay runs after the cancel (kicked), and again on retries; the cancel must wait for the create.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const waiting = await outboxOf(t.store, order.id);
    expect(waiting.map((r) => [r.event, r.status, r.claims])).toEqual([
      ['order.approved', 'in_flight', 1],
      ['order.cancelled', 'pending', 0],
    ]);
    hold.release();
    const rows = await settled(t.store, order.id);
    expect(rows[1]!.delivered_at!.getTime()).toBeGreaterThanOrEqual(rows[0]!.delivered_at!.getTime());
    const calls = erp.calls.filter((c) => c.orderId === order.id).map((c) => c.kind);
    expect(calls.lastIndexOf('create')).toBeLessThan(calls.indexOf('cancel'));
    expect(erp.ordersFor(order.id)).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    const shown = await api.get(order.id);
    expect(shown).toMatchObject({ status: 'cancelled', erpOrderNo: erp.ordersFor(order.id)[0]!.erpOrderNo });
    expect(shown.events.map((e) => e.type).slice(-3)).toEqual(['cancelled', 'erp_order_created', 'erp_cancelled']);
  });

  it('the ERP refusing an order holds it with its message; a replay with a corrected payload delivers it', async () => {
    erp.refuse((doc) => doc.note === 'refused' && !doc.shipTo.address.startsWith('Corrected'), 'ship-to address unknown to the ERP');
    const order = await api.place({ note: 'refused' });
    const [row] = await settled(t.store, order.id, ['rejected']);
    expect(row!.last_error).toMatch(/^outbox #\d+ \(order\.approved of order DH\d+ → erp via erp, attempt 1\/3\): refused: fake ERP refused order DH\d+: ship-to address unknown/);
    const held = await api.get(order.id);
    expect(held.status).toBe('held');
    expect(held.events.at(-1)).toMatchObject({ type: 'erp_rejected', fromStatus: 'approved', toStatus: 'held', message: 'ship-to address unknown to the ERP' });
    expect(held.review.findings.at(-1)).toMatchObject({ code: 'erp_rejected', data: { erpMessage: 'ship-to address unknown to the ERP', outboxId: row!.id } });
    const reserved = await t.store.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM reservations r JOIN order_lines ol ON ol.id = r.order_line_id WHERE ol.order_id = $1 AND r.status = 'active'`,
      [order.id],
    );
    expect(reserved.rows[0]!.n).toBe(0);

    const edited = { orderId: order.id, number: order.number, overrides: { shipTo: { address: 'Corrected: 南山区科技园 1 号' } } };
    const wrong = await api.admin('POST', `/admin/outbox/${row!.id}/replay`, { payload: { ...edited, number: 'DH0' } });
    expect(wrong.statusCode).toBe(422);
    const replayed = await api.admin('POST', `/admin/outbox/${row!.id}/replay`, { payload: edited, comment: 'address corrected' });
    expect(replayed.statusCode, replayed.body).toBe(200);
    expect(replayed.json().replays[0]).toMatchObject({ statusBefore: 'rejected', payloadBefore: { orderId: order.id, number: order.number }, payloadAfter: edited });
    await settled(t.store, order.id);
    expect(erp.ordersFor(order.id)).toHaveLength(1);
    const confirmed = await api.get(order.id);
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.events.map((e) => e.type).slice(-4)).toEqual(['erp_rejected', 'approved', 'released', 'confirmed']);
  });
}

describe('delivery faults on pglite with in-process jobs', () => faultSuite('pglite', false));
describeWith(['postgres', 'redis'], 'delivery faults on PostgreSQL with BullMQ', () => faultSuite('pg', true));
