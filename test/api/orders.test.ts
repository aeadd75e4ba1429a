import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/core/auth/tokens.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { loadDemoInto } from '../support/demo.js';
import { storeDrivers } from '../support/store.js';

describe.each(storeDrivers())('orders through the API on %s', (driver) => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp(driver);
    await loadDemoInto(t.store);
    for (const code of ['D001', 'D002', 'D003']) tokens[code] = (await issueToken(t.store, { kind: 'dealer', dealerCode: code })).token;
  });
  afterAll(async () => t?.close());

  const post = (dealer: string, url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { ...bearer(tokens[dealer]!), ...headers }, payload: payload as object });
  const reservedOf = async (sku: string) =>
    (await t.store.query<{ reserved: number }>(`SELECT coalesce(sum(l.reserved), 0)::int AS reserved FROM stock_lots l JOIN products p ON p.id = l.product_id WHERE p.sku = $1`, [sku])).rows[0]!.reserved;

  it('quotes without writing anything', async () => {
    const before = await t.store.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
    const quote = await post('D001', '/v1/quotes', { shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 48 }] });
    expect(quote.statusCode).toBe(200);
    expect(quote.json()).toMatchObject({ review: { decision: 'approve' }, totals: { currency: 'CNY' }, lines: [{ sku: 'MLK-250-24', qty: 48 }] });
    expect((await t.store.query<{ n: number }>('SELECT count(*)::int AS n FROM orders')).rows[0]).toEqual(before.rows[0]);
  });

  it('approves a clean order, reserves FEFO lots and writes the outbox row in the same transaction', async () => {
    const before = await reservedOf('MLK-250-24');
    const response = await post('D001', '/v1/orders', { externalRef: 'PO-1001', shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 48 }] }, { 'idempotency-key': 'k-1001' });
    expect(response.statusCode).toBe(201);
    const order = response.json();
    expect(order).toMatchObject({ status: 'approved', number: expect.stringMatching(/^DH\d{6}\d{7}$/), review: { decision: 'approve' } });
    expect(order.lines[0].lots.reduce((sum: number, l: { qty: number }) => sum + l.qty, 0)).toBe(48);
    expect(Number(order.totals.net)).toBeGreaterThan(0);
    expect(await reservedOf('MLK-250-24')).toBe(before + 48);
    const outbox = await t.store.query<{ event: string }>('SELECT event FROM outbox WHERE aggregate_id = $1', [order.id]);
    expect(outbox.rows).toEqual([{ event: 'order.approved' }]);
    const detail = (await t.app.inject({ method: 'GET', url: `/v1/orders/${order.id}`, headers: bearer(tokens.D001!) })).json();
    expect(detail.events.map((e: { type: string }) => e.type)).toEqual(['submitted', 'reviewed']);
  });

  it('replays an Idempotency-Key with the same body, and refuses it with another', async () => {
    const body = { externalRef: 'PO-1001', shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 48 }] };
    const replay = await post('D001', '/v1/orders', body, { 'idempotency-key': 'k-1001' });
    expect(replay.statusCode).toBe(200);
    const changed = await post('D001', '/v1/orders', { ...body, lines: [{ sku: 'MLK-250-24', qty: 72 }] }, { 'idempotency-key': 'k-1001' });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.message).toMatch(/already used for order DH/);
  });

  it('rejects the same purchase order number a second time, naming the first order', async () => {
    const again = await post('D001', '/v1/orders', { externalRef: 'PO-1001', shipTo: 'D001-GZ', lines: [{ sku: 'MLK-250-24', qty: 24 }] });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ message: expect.stringMatching(/PO-1001 was already placed as order DH\d+/), details: { code: 'duplicate_po' } });
  });

  it('holds an order shipped outside the dealer’s regions (窜货) and reserves nothing', async () => {
    const before = await reservedOf('MLK-250-24');
    const response = await post('D001', '/v1/orders', { shipTo: 'D001-CS', lines: [{ sku: 'MLK-250-24', qty: 24 }] });
    expect(response.statusCode).toBe(201);
    const order = response.json();
    expect(order.status).toBe('held');
    expect(order.review.findings).toEqual([expect.objectContaining({ rule: 'region', code: 'region_mismatch', severity: 'hold' })]);
    expect(order.review.findings[0].message['zh-CN']).toBeTruthy();
    expect(await reservedOf('MLK-250-24')).toBe(before);
  });

  it('holds an order beyond the dealer’s credit headroom with the numbers', async () => {
    const response = await post('D003', '/v1/orders', { shipTo: 'D003-JJ', lines: [{ sku: 'MLK-250-24', qty: 9600 }] });
    const order = response.json();
    expect(order.status).toBe('held');
    const credit = order.review.findings.find((f: { code: string }) => f.code === 'credit_exceeded');
    expect(credit.data).toMatchObject({ limit: '200000.00', arOpen: '188000.00' });
  });

  it('answers bad input with a specific 4xx and writes nothing', async () => {
    const count = async () => (await t.store.query<{ n: number }>('SELECT count(*)::int AS n FROM orders')).rows[0]!.n;
    const before = await count();
    const unknown = await post('D001', '/v1/orders', { shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 24 }, { sku: 'NOPE', qty: 1 }] });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.message).toMatch(/line 2.*NOPE/);
    expect((await post('D001', '/v1/orders', { shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 0 }] })).statusCode).toBe(400);
    expect((await post('D001', '/v1/orders', { shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 1.5 }] })).statusCode).toBe(400);
    expect((await post('D001', '/v1/orders', { shipTo: 'D001-NS', lines: [] })).statusCode).toBe(400);
    const pack = await post('D001', '/v1/orders', { shipTo: 'D001-NS', lines: [{ sku: 'MLK-200-24', qty: 7 }] });
    expect(pack.statusCode).toBe(422);
    expect(pack.json().error.message).toMatch(/pack size 24/);
    const foreign = await post('D001', '/v1/orders', { shipTo: 'D002-XH', lines: [{ sku: 'MLK-250-24', qty: 24 }] });
    expect(foreign.statusCode).toBe(404);
    const many = await post('D001', '/v1/orders', { shipTo: 'D001-NS', lines: Array.from({ length: 10_000 }, (_, i) => ({ sku: `S${i}`, qty: 1 })) });
    expect([400, 413]).toContain(many.statusCode);
    const text = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: { ...bearer(tokens.D001!), 'content-type': 'text/plain' }, payload: 'MLK-250-24 24' });
    expect(text.statusCode).toBe(415);
    const huge = await t.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: { ...bearer(tokens.D001!), 'content-type': 'application/json' },
      payload: JSON.stringify({ shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 24 }], note: 'x'.repeat(10 * 1024 * 1024) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(await count()).toBe(before);
  });

  it('cancels an approved order and gives its stock and credit back', async () => {
    const openOrders = async () =>
      (await t.store.query<{ open: string }>(`SELECT open_orders::text AS open FROM credit_accounts c JOIN dealers d ON d.id = c.dealer_id WHERE d.code = 'D002'`)).rows[0]!.open;
    const creditBefore = await openOrders();
    const placed = (await post('D002', '/v1/orders', { shipTo: 'D002-XH', lines: [{ sku: 'MLK-250-24', qty: 24 }] }, {})).json();
    expect(placed.status).toBe('approved');
    expect(Number(await openOrders())).toBeCloseTo(Number(creditBefore) + Number(placed.totals.net), 2);
    const before = await reservedOf('MLK-250-24');
    const cancelled = await post('D002', `/v1/orders/${placed.id}/cancel`, { reason: 'changed my mind' });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    expect(await reservedOf('MLK-250-24')).toBe(before - 24);
    expect(await openOrders()).toBe(creditBefore);
    const twice = await post('D002', `/v1/orders/${placed.id}/cancel`, {});
    expect(twice.statusCode).toBe(409);
  });

  it('cancels with no body at all, and with a JSON null body', async () => {
    for (const payload of [undefined, 'null']) {
      const placed = (await post('D002', '/v1/orders', { shipTo: 'D002-XH', lines: [{ sku: 'MLK-250-24', qty: 24 }] }, {})).json();
      const headers = { ...bearer(tokens.D002!), ...(payload ? { 'content-type': 'application/json' } : {}) };
      const cancelled = await t.app.inject({ method: 'POST', url: `/v1/orders/${placed.id}/cancel`, headers, payload });
      expect(cancelled.statusCode).toBe(200);
      expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    }
  });

  it('never shows one dealer another dealer’s orders', async () => {
    const mine = (await t.app.inject({ method: 'GET', url: '/v1/orders', headers: bearer(tokens.D002!) })).json();
    expect(mine.items.length).toBeGreaterThan(0);
    for (const order of mine.items) {
      expect(order.dealer).toBe('D002');
      const peek = await t.app.inject({ method: 'GET', url: `/v1/orders/${order.id}`, headers: bearer(tokens.D001!) });
      expect(peek.statusCode).toBe(404);
      expect((await post('D001', `/v1/orders/${order.id}/cancel`, {})).statusCode).toBe(404);
    }
  });

  it('pages the order list with a cursor and filters by status', async () => {
    const first = (await t.app.inject({ method: 'GET', url: '/v1/orders?limit=1', headers: bearer(tokens.D001!) })).json();
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toBeTruthy();
    const second = (await t.app.inject({ method: 'GET', url: `/v1/orders?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`, headers: bearer(tokens.D001!) })).json();
    expect(second.items[0].id).not.toBe(first.items[0].id);
    const held = (await t.app.inject({ method: 'GET', url: '/v1/orders?status=held', headers: bearer(tokens.D001!) })).json();
    expect(held.items.every((o: { status: string }) => o.status === 'held')).toBe(true);
  });
});
