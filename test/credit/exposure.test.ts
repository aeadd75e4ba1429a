import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/core/auth/tokens.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { loadDemoInto } from '../support/demo.js';
import { storeDrivers } from '../support/store.js';

type Finding = { code: string; data: Record<string, unknown> };

/** Issue 8, "exposure is live": open AR + approved-not-invoiced orders + this order; overdue beyond tolerance holds. */
describe.each(storeDrivers())('live credit exposure on %s', (driver) => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp(driver);
    await loadDemoInto(t.store);
    for (const code of ['D003', 'D004']) tokens[code] = (await issueToken(t.store, { kind: 'dealer', dealerCode: code })).token;
  });
  afterAll(async () => t?.close());

  const post = (dealer: string, url: string, payload: object, key?: string) =>
    t.app.inject({ method: 'POST', url, headers: { ...bearer(tokens[dealer]!), ...(key ? { 'idempotency-key': key } : {}) }, payload });
  const order = { shipTo: 'D003-JJ', lines: [{ sku: 'MLK-1000-12', qty: 720 }] };

  it('approved orders count against the headroom until they leave the open states', async () => {
    // D003: limit 200,000.00, open AR 188,000.00 → 12,000.00 headroom.
    const first = (await post('D003', '/v1/orders', order, 'exp-1')).json();
    expect(first.status).toBe('approved');
    const net = first.totals.net as string;
    expect(Number(net)).toBeGreaterThan(6000);

    const second = (await post('D003', '/v1/orders', order, 'exp-2')).json();
    expect(second.status).toBe('held');
    const credit = (second.review.findings as Finding[]).find((f) => f.code === 'credit_exceeded')!;
    const headroom = (12000 - Number(net)).toFixed(2);
    expect(credit.data).toMatchObject({ limit: '200000.00', arOpen: '188000.00', openOrders: net, orderAmount: second.totals.net, headroom });

    expect((await post('D003', `/v1/orders/${first.id}/cancel`, {})).statusCode).toBe(200);
    const third = (await post('D003', '/v1/orders', order, 'exp-3')).json();
    expect(third.status).toBe('approved');
  });

  it('overdue ageing follows the open AR items, not only the last credit sync', async () => {
    // D004's synced figures: 8,650.00 overdue for 18 days, inside the 30-day tolerance.
    const inside = (await post('D004', '/v1/quotes', { shipTo: 'D004-CY', lines: [{ sku: 'MLK-250-24', qty: 48 }] })).json();
    expect(inside.review.decision).toBe('approve');
    // The invoice fell due 20 days earlier than the credit row (not yet re-synced) says.
    await t.store.query(`UPDATE ar_open_items SET due_date = due_date - 20 WHERE document_no = '9000030876'`);
    const beyond = (await post('D004', '/v1/quotes', { shipTo: 'D004-CY', lines: [{ sku: 'MLK-250-24', qty: 48 }] })).json();
    expect(beyond.review.decision).toBe('hold');
    expect(beyond.review.findings).toEqual([
      expect.objectContaining({ code: 'overdue_beyond_tolerance', data: { overdue: '8650.00', currency: 'CNY', oldestOverdueDays: 38, toleranceDays: 30 } }),
    ]);
  });
});
