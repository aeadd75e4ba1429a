import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/core/auth/tokens.js';
import type { Store } from '../../src/core/db/index.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { loadDemoInto } from '../support/demo.js';
import { storeDrivers } from '../support/store.js';
import { mulberry32 } from '../../src/core/seeded-random.js';

const HOUR = 3_600_000;

/**
 * Writes `count` delivered orders of one SKU for a dealer straight into the store, the i-th
 * `hoursAgo(i)` hours back, quantities drawn (seeded) from 24/48/72 with 48 most often.
 */
async function seedHistory(store: Store, dealer: string, shipTo: string, sku: string, count: number, hoursAgo: (i: number) => number, seed: number): Promise<void> {
  const random = mulberry32(seed);
  const rows = Array.from({ length: count }, (_, i) => {
    const r = random();
    const qty = r < 0.2 ? 24 : r < 0.8 ? 48 : 72;
    return { n: i, qty, net: (qty * 2.3).toFixed(2), at: new Date(Date.now() - hoursAgo(i) * HOUR).toISOString() };
  });
  await store.query(
    `WITH x AS (SELECT * FROM json_to_recordset($1::json) AS x(n int, qty int, net numeric, at timestamptz)),
          o AS (INSERT INTO orders (number, dealer_id, channel, ship_to_id, status, currency, gross, discount, net, payment_method, created_at)
                SELECT 'H-' || $2 || '-' || $5 || '-' || x.n, d.id, 'api', s.id, 'delivered', 'CNY', x.net, 0, x.net, 'transfer', x.at
                  FROM x JOIN dealers d ON d.code = $2 JOIN ship_tos s ON s.dealer_id = d.id AND s.code = $3
                RETURNING id, number)
     INSERT INTO order_lines (order_id, line_no, product_id, qty, unit_price, gross, net)
     SELECT o.id, 1, p.id, x.qty, 2.3, x.net, x.net FROM o JOIN x ON o.number = 'H-' || $2 || '-' || $5 || '-' || x.n JOIN products p ON p.sku = $4`,
    [JSON.stringify(rows), dealer, shipTo, sku, seed],
  );
}

type Finding = { rule: string; code: string; severity: string; data: { score: number; factors: Array<{ factor: string; points: number }> } };
const riskOf = (findings: Finding[]) => findings.filter((f) => f.rule === 'risk');
const pointsOf = (f: Finding) => Object.fromEntries(f.data.factors.map((x) => [x.factor, x.points]));

describe.each(storeDrivers())('the risk rule on orders on %s', (driver) => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp(driver);
    await loadDemoInto(t.store);
    for (const code of ['D001', 'D002']) tokens[code] = (await issueToken(t.store, { kind: 'dealer', dealerCode: code })).token;
    // D001: 30 orders every ~3 days for 3 months, all to its Shenzhen ship-to.
    await seedHistory(t.store, 'D001', 'D001-NS', 'MLK-250-24', 30, (i) => 48 + i * 72, 11);
    // D002: the same rhythm, then 9 orders in the last 9 hours.
    await seedHistory(t.store, 'D002', 'D002-XH', 'MLK-250-24', 30, (i) => 48 + i * 72, 12);
  });
  afterAll(async () => t?.close());

  const post = (dealer: string, url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { ...bearer(tokens[dealer]!), ...headers }, payload: payload as object });
  const quote = async (dealer: string, body: unknown) => {
    const response = await post(dealer, '/v1/quotes', body);
    expect(response.statusCode).toBe(200);
    return response.json().review as { decision: string; findings: Finding[] };
  };

  it('a usual order is approved, explained by an info finding with score 0', async () => {
    const review = await quote('D001', { shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 48 }] });
    expect(review.decision).toBe('approve');
    expect(riskOf(review.findings)).toEqual([expect.objectContaining({ code: 'risk_score', severity: 'info', data: expect.objectContaining({ score: 0, threshold: 50, historyOrders: 30 }) })]);
  });

  it('a 10× order is held with the amount z-score and the quantity spike', async () => {
    const review = await quote('D001', { shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 480 }] });
    expect(review.decision).toBe('hold');
    const [risk] = riskOf(review.findings);
    expect(risk).toMatchObject({ code: 'risk_high', severity: 'hold', data: { score: 90 } });
    expect(pointsOf(risk!)).toMatchObject({ amount: 60, skuQuantity: 30, shipTo: 0, region: 0, velocity: 0 });
  });

  it('a new ship-to in a city never shipped to is held (inside the authorised province)', async () => {
    const review = await quote('D001', { shipTo: 'D001-GZ', lines: [{ sku: 'MLK-250-24', qty: 48 }] });
    expect(review.findings.map((f) => f.code)).toEqual(['risk_high']);
    expect(pointsOf(review.findings[0]!)).toMatchObject({ shipTo: 25, region: 30, amount: 0 });
  });

  it('an unusual payment method adds its points; the order records the method', async () => {
    const response = await post('D001', '/v1/orders', { shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 48 }], paymentMethod: 'cash' }, { 'idempotency-key': 'risk-pay-1' });
    expect(response.statusCode).toBe(201);
    const order = response.json();
    expect(order.status).toBe('approved');
    const [risk] = riskOf(order.review.findings);
    expect(risk).toMatchObject({ code: 'risk_score', severity: 'info', data: { score: 20 } });
    expect(pointsOf(risk!).paymentMethod).toBe(20);
    const { rows } = await t.store.query<{ payment_method: string; message: string }>(
      `SELECT o.payment_method, e.message FROM orders o JOIN order_events e ON e.order_id = o.id AND e.type = 'reviewed' WHERE o.id = $1`,
      [order.id],
    );
    expect(rows).toEqual([{ payment_method: 'cash', message: 'approved automatically with 1 note(s)' }]);
  });

  it('a velocity burst is held: 9 orders in the last 9 hours, then this one', async () => {
    expect((await quote('D002', { shipTo: 'D002-XH', lines: [{ sku: 'MLK-250-24', qty: 48 }] })).decision).toBe('approve');
    await seedHistory(t.store, 'D002', 'D002-XH', 'MLK-250-24', 9, (i) => i + 0.5, 13);
    const review = await quote('D002', { shipTo: 'D002-XH', lines: [{ sku: 'MLK-250-24', qty: 48 }] });
    expect(review.decision).toBe('hold');
    const [risk] = riskOf(review.findings);
    expect(pointsOf(risk!)).toMatchObject({ velocity: 50, amount: 0, shipTo: 0 });
    expect(risk!.data.factors.find((f) => f.factor === 'velocity')).toMatchObject({ count: 10 });
  });

  it('a dealer without history is not scored: the demo dealers are approved as before, with no risk finding', async () => {
    const fresh = (await issueToken(t.store, { kind: 'dealer', dealerCode: 'D003' })).token;
    const response = await t.app.inject({ method: 'POST', url: '/v1/quotes', headers: bearer(fresh), payload: { shipTo: 'D003-JJ', lines: [{ sku: 'MLK-250-24', qty: 48 }] } });
    expect(response.statusCode).toBe(200);
    expect(response.json().review).toEqual({ decision: 'approve', findings: [] });
  });
});
