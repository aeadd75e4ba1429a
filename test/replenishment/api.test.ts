import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/core/auth/tokens.js';
import type { Store } from '../../src/core/db/index.js';
import { businessDate } from '../../src/orders/evaluate.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { loadDemoInto } from '../support/demo.js';
import { storeDrivers } from '../support/store.js';

const TZ = 'Asia/Shanghai';
const DAY = 86_400_000;
const today = () => businessDate(new Date(), TZ);
const daysAgo = (n: number) => businessDate(new Date(Date.now() - n * DAY), TZ);

/**
 * Weekly orders of `qty` for `weeks` weeks, each dated mid-bucket (7k − 3 days ago, noon
 * Shanghai) so week k lands in bucket k − 1; plus the lines that must not count as demand.
 */
async function seedOrders(store: Store, dealer: string, shipTo: string, sku: string, qty: number, weeks: number): Promise<void> {
  const rows = Array.from({ length: weeks }, (_, i) => ({ n: i, qty, status: 'delivered', at: `${daysAgo(7 * (i + 1) - 3)}T12:00:00+08:00`, gift: false }));
  rows.push({ n: 900, qty: 5000, status: 'cancelled', at: `${daysAgo(10)}T12:00:00+08:00`, gift: false });
  rows.push({ n: 901, qty: 24, status: 'approved', at: new Date().toISOString(), gift: false }); // today: on order, not yet demand
  rows.push({ n: 902, qty: 240, status: 'delivered', at: `${daysAgo(11)}T12:00:00+08:00`, gift: true });
  await store.query(
    `WITH x AS (SELECT * FROM json_to_recordset($1::json) AS x(n int, qty int, status text, at timestamptz, gift boolean)),
          o AS (INSERT INTO orders (number, dealer_id, channel, ship_to_id, status, currency, gross, discount, net, created_at)
                SELECT 'R-' || $2 || '-' || x.n, d.id, 'api', s.id, x.status, 'CNY', 0, 0, 0, x.at
                  FROM x JOIN dealers d ON d.code = $2 JOIN ship_tos s ON s.dealer_id = d.id AND s.code = $3
                RETURNING id, number)
     INSERT INTO order_lines (order_id, line_no, product_id, qty, unit_price, gross, net, is_gift)
     SELECT o.id, 1, p.id, x.qty, 0, 0, 0, x.gift FROM o JOIN x ON o.number = 'R-' || $2 || '-' || x.n JOIN products p ON p.sku = $4`,
    [JSON.stringify(rows), dealer, shipTo, sku],
  );
}

describe.each(storeDrivers())('sell-through and replenishment over HTTP on %s', (driver) => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp(driver);
    await loadDemoInto(t.store);
    for (const code of ['D001', 'D002', 'D003']) tokens[code] = (await issueToken(t.store, { kind: 'dealer', dealerCode: code })).token;
    await seedOrders(t.store, 'D002', 'D002-XH', 'MLK-250-24', 48, 20);
  }, 120_000);
  afterAll(async () => t?.close());

  const post = (dealer: string, payload: unknown, contentType = 'application/json') =>
    t.app.inject({ method: 'POST', url: '/v1/sell-through', headers: { ...bearer(tokens[dealer]!), 'content-type': contentType }, payload: payload as string });
  const stored = async (dealer: string) =>
    (
      await t.store.query<{ store_code: string; sku: string; report_date: string; qty_sold: number | null; on_hand: number | null; source: string }>(
        `SELECT s.store_code, p.sku, s.report_date, s.qty_sold, s.on_hand, s.source FROM sell_through s JOIN products p ON p.id = s.product_id JOIN dealers d ON d.id = s.dealer_id
          WHERE d.code = $1 ORDER BY p.sku, s.store_code, s.report_date`,
        [dealer],
      )
    ).rows;

  it('stores JSON rows, replaces a day reported again field by field, and refuses bad reports whole', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => ({ date: daysAgo(7 * (i + 1) - 3), store: 'S-A', sku: 'MLK-200-24', quantitySold: 30 }));
    rows.push({ date: daysAgo(1), store: 'S-A', sku: 'MLK-200-24', onHand: 20 } as never, { date: daysAgo(2), store: 'S-B', sku: 'MLK-200-24', onHand: 10 } as never);
    const first = await post('D001', { rows });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ dealer: 'D001', rows: 14, inserted: 14, updated: 0, stores: 2, skus: 1, from: daysAgo(81), to: daysAgo(1) });

    const again = await post('D001', [{ date: daysAgo(4), store: 'S-A', sku: 'MLK-200-24', onHand: 55 }]);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ inserted: 0, updated: 1 });
    const day = (await stored('D001')).find((r) => r.report_date === daysAgo(4))!;
    expect(day).toMatchObject({ store_code: 'S-A', qty_sold: 30, on_hand: 55, source: 'api' });

    const bad = await post('D001', [
      { date: daysAgo(1), sku: 'NOPE-1', quantitySold: 1 },
      { date: '2026-02-30', sku: 'MLK-200-24', quantitySold: 1 },
      { date: daysAgo(1), sku: 'MLK-200-24' },
      { date: daysAgo(-3), sku: 'MLK-200-24', onHand: 1 },
    ]);
    expect(bad.statusCode).toBe(422);
    const problems = bad.json().error.details.problems as string[];
    expect(problems).toEqual([
      'rows[1]: date "2026-02-30" is not a calendar date (YYYY-MM-DD)',
      'rows[2]: neither quantity sold nor on hand is given',
      `rows[3]: date ${daysAgo(-3)} is after today (${today()})`,
      'rows[0]: unknown sku NOPE-1',
    ]);
    expect((await stored('D001')).length).toBe(14);
    expect((await post('D001', { rows: [{ date: daysAgo(1), sku: 'MLK-200-24', quantitySold: -2 }] })).statusCode).toBe(400);
    expect((await post('D001', '<xml/>', 'application/xml')).statusCode).toBe(415);
  });

  it('reads CSV with common header names', async () => {
    const csv = `Date,Store,SKU,Qty Sold,On Hand\n${daysAgo(3)},X1,YGT-135-12,7,\n${daysAgo(3)},X2,YGT-135-12,,9\n`;
    const res = await post('D003', csv, 'text/csv');
    expect(res.statusCode).toBe(201);
    expect(await stored('D003')).toEqual([
      { store_code: 'X1', sku: 'YGT-135-12', report_date: daysAgo(3), qty_sold: 7, on_hand: null, source: 'csv' },
      { store_code: 'X2', sku: 'YGT-135-12', report_date: daysAgo(3), qty_sold: null, on_hand: 9, source: 'csv' },
    ]);
    const noSku = await post('D003', `date,qty\n${daysAgo(3)},4\n`, 'text/csv');
    expect(noSku.statusCode).toBe(422);
    expect(noSku.json().error.message).toContain('no sku column');
  });

  it('suggests from order history: 48 a week × 3 weeks − 24 on order = 120 (5 packs of 24); cancelled and gift lines ignored', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/replenishment', headers: bearer(tokens.D002!) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.dealer).toBe('D002');
    expect(body.suggestions).toHaveLength(1);
    expect(body.suggestions[0]).toMatchObject({
      sku: 'MLK-250-24', suggestedQty: 120, packSize: 24, unit: '盒', forecastPerWeek: 48, leadTimeDays: 14, reviewPeriodDays: 7,
      safetyStock: 0, onHand: 0, onOrder: 24, demandSource: 'orders',
    });
    expect(['ses', 'holt']).toContain(body.suggestions[0].method);
    expect(body.suggestions[0].reasoning).toContain('144 + 0 − on hand 0 − on order 24 = 120 → rounded up to packs of 24: 120');
  });

  it('suggests from sell-through with the latest stock per store summed: 30 a week × 3 − (20 + 10) = 60 → 72; the stored plan is served until recomputed', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/v1/replenishment', headers: bearer(tokens.D001!) });
    const line = first.json().suggestions.find((s: { sku: string }) => s.sku === 'MLK-200-24');
    // S-A reported 55 four days ago and 20 yesterday: the latest counts; S-B 10.
    expect(line).toMatchObject({ suggestedQty: 72, forecastPerWeek: 30, onHand: 30, onOrder: 0, safetyStock: 0, demandSource: 'sell-through' });
    await post('D001', [{ date: daysAgo(1), store: 'S-B', sku: 'MLK-200-24', onHand: 70 }]);
    const cached = await t.app.inject({ method: 'GET', url: '/v1/replenishment', headers: bearer(tokens.D001!) });
    expect(cached.json().generatedAt).toBe(first.json().generatedAt);
    const compute = await t.app.inject({ method: 'POST', url: '/admin/replenishment/compute', headers: bearer(t.tokens.admin), payload: {} });
    expect(compute.statusCode).toBe(200);
    expect(compute.json()).toMatchObject({ dealers: 6, asOf: today() });
    const after = await t.app.inject({ method: 'GET', url: '/v1/replenishment?all=true', headers: bearer(tokens.D001!) });
    // 90 − (20 + 70) = 0: nothing to order, listed only with all=true.
    expect(after.json().suggestions.find((s: { sku: string }) => s.sku === 'MLK-200-24')).toMatchObject({ suggestedQty: 0, onHand: 90 });
    const positive = await t.app.inject({ method: 'GET', url: '/v1/replenishment', headers: bearer(tokens.D001!) });
    expect(positive.json().suggestions.some((s: { sku: string }) => s.sku === 'MLK-200-24')).toBe(false);
  });

  it('admin: demand and suggestions summed by SKU and by dealer, with filters', async () => {
    await t.app.inject({ method: 'POST', url: '/admin/replenishment/compute', headers: bearer(t.tokens.admin), payload: {} });
    const bySku = (await t.app.inject({ method: 'GET', url: '/admin/replenishment', headers: bearer(t.tokens.admin) })).json();
    expect(bySku.by).toBe('sku');
    expect(bySku.rows.find((r: { key: string }) => r.key === 'MLK-250-24')).toMatchObject({ dealers: 1, dealersToOrder: 1, suggestedQty: 120, forecastPerWeek: 48, onOrder: 24 });
    expect(bySku.rows.find((r: { key: string }) => r.key === 'MLK-200-24')).toMatchObject({ dealers: 1, dealersToOrder: 0, suggestedQty: 0, onHand: 90 });
    const byDealer = (await t.app.inject({ method: 'GET', url: '/admin/replenishment?by=dealer&dealer=D002', headers: bearer(t.tokens.admin) })).json();
    expect(byDealer.rows).toEqual([expect.objectContaining({ key: 'D002', skus: 1, suggestedQty: 120 })]);
    expect((await t.app.inject({ method: 'GET', url: '/admin/replenishment', headers: bearer(tokens.D001!) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/admin/replenishment/compute', headers: bearer(t.tokens.admin), payload: { dealer: 'D999' } })).statusCode).toBe(404);
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/sell-through', '/v1/replenishment', '/admin/replenishment', '/admin/replenishment/compute']));
    expect(doc.paths['/v1/replenishment'].get.responses['200'].content['application/json'].schema.properties.suggestions.items.required).toEqual(
      expect.arrayContaining(['sku', 'name', 'suggestedQty', 'packSize', 'unit', 'forecastPerWeek', 'leadTimeDays', 'reviewPeriodDays', 'safetyStock', 'onHand', 'onOrder', 'method', 'reasoning']),
    );
  });

  it('the replenishment.compute job recomputes one dealer', async () => {
    await t.store.query(`DELETE FROM replenishment_plans`);
    const { id } = await t.jobs.enqueue('replenishment.compute', { dealer: 'D002', trigger: 'test' });
    await expect.poll(async () => (await t.store.query<{ trigger: string }>(`SELECT trigger FROM replenishment_plans`)).rows, { timeout: 10_000 }).toEqual([{ trigger: 'test' }]);
    expect(id).toBeTruthy();
  });
});
