import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/core/auth/tokens.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { loadDemoInto } from '../support/demo.js';
import { storeDrivers } from '../support/store.js';

describe.each(storeDrivers())('the review queue on %s', (driver) => {
  let t: TestApp;
  let d001: string;
  beforeAll(async () => {
    t = await createTestApp(driver);
    await loadDemoInto(t.store);
    d001 = (await issueToken(t.store, { kind: 'dealer', dealerCode: 'D001' })).token;
  });
  afterAll(async () => t?.close());

  const admin = () => bearer(t.tokens.admin);
  const place = async (shipTo: string, sku: string, qty: number) =>
    (await t.app.inject({ method: 'POST', url: '/v1/orders', headers: bearer(d001), payload: { shipTo, lines: [{ sku, qty }] } })).json();

  it('lists held orders and approves one held for region, reserving its stock and queuing it for the ERP', async () => {
    const held = await place('D001-CS', 'MLK-250-24', 24);
    expect(held.status).toBe('held');
    const queue = (await t.app.inject({ method: 'GET', url: '/admin/orders?status=held', headers: admin() })).json();
    expect(queue.items.map((o: { id: string }) => o.id)).toContain(held.id);

    const approved = await t.app.inject({ method: 'POST', url: `/admin/orders/${held.id}/approve`, headers: admin(), payload: { comment: '临时仓已报备' } });
    expect(approved.statusCode).toBe(200);
    const order = approved.json();
    expect(order.status).toBe('approved');
    expect(order.lines[0].lots.reduce((n: number, l: { qty: number }) => n + l.qty, 0)).toBe(24);
    expect(order.events.at(-1)).toMatchObject({ type: 'approved', fromStatus: 'held', toStatus: 'approved', message: '临时仓已报备' });
    const outbox = await t.store.query<{ event: string }>('SELECT event FROM outbox WHERE aggregate_id = $1', [held.id]);
    expect(outbox.rows).toEqual([{ event: 'order.approved' }]);
  });

  it('refuses to approve an order whose stock is still short, and writes nothing', async () => {
    const held = await place('D001-NS', 'YGT-135-12', 24);
    expect(held.review.findings[0].code).toBe('stock_short');
    const refused = await t.app.inject({ method: 'POST', url: `/admin/orders/${held.id}/approve`, headers: admin(), payload: {} });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ details: { code: 'stock_short' }, message: expect.stringMatching(/YGT-135-12 is short/) });
    const after = (await t.app.inject({ method: 'GET', url: `/admin/orders/${held.id}`, headers: admin() })).json();
    expect(after.status).toBe('held');
  });

  it('rejects a held order with the reason, and the dealer sees it', async () => {
    const held = await place('D001-CS', 'WTR-550-24', 24);
    expect((await t.app.inject({ method: 'POST', url: `/admin/orders/${held.id}/reject`, headers: admin(), payload: {} })).statusCode).toBe(400);
    const rejected = await t.app.inject({ method: 'POST', url: `/admin/orders/${held.id}/reject`, headers: admin(), payload: { comment: '收货地址不在授权区域' } });
    expect(rejected.json().status).toBe('rejected');
    const seen = (await t.app.inject({ method: 'GET', url: `/v1/orders/${held.id}`, headers: bearer(d001) })).json();
    expect(seen.events.at(-1)).toMatchObject({ type: 'rejected', message: '收货地址不在授权区域' });
    expect((await t.app.inject({ method: 'POST', url: `/admin/orders/${held.id}/approve`, headers: admin(), payload: {} })).statusCode).toBe(409);
  });

  it('is for admins only', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/admin/orders?status=held', headers: bearer(d001) })).statusCode).toBe(403);
  });
});
