import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueToken } from '../../src/core/auth/tokens.js';
import { businessDate } from '../../src/orders/evaluate.js';
import { daysBetween } from '../../src/ordering/availability.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { loadDemoInto } from '../support/demo.js';
import { storeDrivers } from '../support/store.js';

interface Item {
  sku: string;
  name: string;
  category: string;
  unitPrice: string | null;
  priceList: string | null;
  prices: Array<{ minQty: number; unitPrice: string }>;
  warehouse: string | null;
  available: number;
  availableTotal: number;
  nextExpiry: string | null;
}

describe.each(storeDrivers())('catalog and credit through the API on %s', (driver) => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const today = businessDate(new Date(), 'Asia/Shanghai');
  beforeAll(async () => {
    // A tolerance below D004's 18 overdue days, so its credit shows as blocked.
    t = await createTestApp(driver, { ordering: { overdueToleranceDays: 14 } });
    await loadDemoInto(t.store);
    for (const code of ['D001', 'D002', 'D003', 'D004']) tokens[code] = (await issueToken(t.store, { kind: 'dealer', dealerCode: code })).token;
  });
  afterAll(async () => t?.close());

  const get = (dealer: string, url: string) => t.app.inject({ method: 'GET', url, headers: bearer(tokens[dealer]!) });
  const catalog = async (dealer: string, query: string): Promise<{ shipTo: string; items: Item[]; nextCursor: string | null }> => {
    const response = await get(dealer, `/v1/catalog?${query}`);
    expect(response.statusCode).toBe(200);
    return response.json();
  };
  const one = async (dealer: string, sku: string, extra = ''): Promise<Item> => {
    const item = (await catalog(dealer, `search=${encodeURIComponent(sku)}${extra}`)).items.find((i) => i.sku === sku);
    expect(item).toBeDefined();
    return item!;
  };
  const order = (dealer: string, shipTo: string, sku: string, qty: number) =>
    t.app.inject({ method: 'POST', url: '/v1/orders', headers: bearer(tokens[dealer]!), payload: { shipTo, lines: [{ sku, qty }] } });

  it('shows a dealer its own override price, and another dealer its tier price with quantity breaks', async () => {
    expect(await one('D001', 'MLK-250-24')).toMatchObject({ unitPrice: '2.30', priceList: 'D001-KA', prices: [{ minQty: 1, unitPrice: '2.30' }] });
    expect(await one('D001', 'MLK-200-24')).toMatchObject({ unitPrice: '2.10', priceList: 'TIER-A' });
    expect(await one('D002', 'MLK-250-24')).toMatchObject({
      unitPrice: '2.40',
      priceList: 'TIER-A',
      prices: [{ minQty: 1, unitPrice: '2.40' }, { minQty: 240, unitPrice: '2.32' }, { minQty: 1200, unitPrice: '2.26' }],
    });
    expect((await one('D003', 'NUT-750-6')).prices).toEqual([{ minQty: 1, unitPrice: '65.00' }, { minQty: 60, unitPrice: '62.50' }]);
  });

  it('searches by Chinese name and by SKU, case-insensitive, with wildcards taken literally', async () => {
    expect((await catalog('D001', `search=${encodeURIComponent('纯牛奶')}`)).items.map((i) => i.sku)).toEqual(['MLK-1000-12', 'MLK-250-24', 'MLK-OG250-12']);
    expect((await catalog('D001', 'search=wtr-')).items.map((i) => i.sku)).toEqual(['WTR-1500-12', 'WTR-550-24']);
    // Two juices are "100%" juice: a literal percent sign finds them and nothing else.
    expect((await catalog('D001', 'search=%25')).items.map((i) => i.sku)).toEqual(['JCE-AP1000-6', 'JCE-OR300-12']);
    expect((await catalog('D001', 'search=MLK_250')).items).toEqual([]);
  });

  it('filters by category and lists categories with counts', async () => {
    const biscuits = await catalog('D001', `category=${encodeURIComponent('饼干')}`);
    expect(biscuits.items.map((i) => i.sku)).toEqual(['BSC-250-20', 'CRK-400-12', 'WAF-200-24']);
    const categories = (await get('D001', '/v1/catalog/categories')).json().items as Array<{ category: string; count: number }>;
    expect(categories).toContainEqual({ category: '饼干', count: 3 });
    expect(categories).toContainEqual({ category: '常温乳品', count: 7 });
  });

  it('pages by SKU with a cursor, every product exactly once, in a bounded number of queries', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await catalog('D002', `limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((i) => i.sku));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 20);
    const all = await t.store.query<{ sku: string }>(`SELECT sku FROM products WHERE status = 'active' ORDER BY sku`);
    expect(seen).toEqual(all.rows.map((r) => r.sku));
    const categories = (await get('D002', '/v1/catalog/categories')).json().items as Array<{ count: number }>;
    expect(categories.reduce((s, c) => s + c.count, 0)).toBe(seen.length);

    const spy = vi.spyOn(t.store, 'query');
    await catalog('D002', 'limit=2');
    const small = spy.mock.calls.length;
    spy.mockClear();
    await catalog('D002', 'limit=200');
    expect(spy.mock.calls.length).toBe(small);
    spy.mockRestore();
  });

  it('counts neither expired lots nor lots below the minimum remaining shelf life', async () => {
    // FMK-950-6 in WH-SZ has a lot that expired two days ago; the product needs 7 days left.
    const { rows } = await t.store.query<{ expiry: string; atp: number }>(
      `SELECT l.expiry_date::text AS expiry, l.on_hand - l.reserved AS atp FROM stock_lots l JOIN products p ON p.id = l.product_id
         JOIN warehouses w ON w.id = l.warehouse_id WHERE p.sku = 'FMK-950-6' AND w.code = 'WH-SZ'`,
    );
    expect(rows.some((r) => r.expiry < today && r.atp > 0)).toBe(true);
    const offered = rows.filter((r) => daysBetween(today, r.expiry) >= 7);
    const item = await one('D001', 'FMK-950-6', '&shipTo=D001-NS');
    expect(item.warehouse).toBe('WH-SZ');
    expect(item.available).toBe(offered.reduce((s, r) => s + r.atp, 0));
    expect(item.available).toBeLessThan(rows.reduce((s, r) => s + r.atp, 0));
    expect(item.nextExpiry).toBe(offered.map((r) => r.expiry).sort()[0]);
    expect(item.availableTotal).toBeGreaterThan(item.available);
  });

  it('defaults to a ship-to inside the dealer’s regions, and refuses another dealer’s', async () => {
    // D001-CS comes first by code but lies outside D001's authorised regions.
    expect((await catalog('D001', 'limit=1')).shipTo).toBe('D001-GZ');
    expect((await catalog('D001', 'limit=1&shipTo=D001-CS')).shipTo).toBe('D001-CS');
    expect((await catalog('D003', 'limit=1&shipTo=D003-WH')).shipTo).toBe('D003-WH');
    expect((await get('D001', '/v1/catalog?shipTo=D002-XH')).statusCode).toBe(404);
    expect((await get('D001', '/v1/catalog?shipTo=NOPE')).statusCode).toBe(404);
    expect((await get('D001', '/v1/catalog?limit=201')).statusCode).toBe(400);
  });

  it('shows less available stock after an approved order', async () => {
    const before = await one('D001', 'MLK-250-24', '&shipTo=D001-NS');
    const placed = await order('D001', 'D001-NS', 'MLK-250-24', 48);
    expect(placed.json()).toMatchObject({ status: 'approved' });
    const after = await one('D001', 'MLK-250-24', '&shipTo=D001-NS');
    expect(after.available).toBe(before.available - 48);
    expect(after.availableTotal).toBe(before.availableTotal - 48);
  });

  it('reports credit positions from the demo data, and open orders after an approved order', async () => {
    const d003 = await get('D003', '/v1/credit');
    expect(d003.statusCode).toBe(200);
    expect(d003.json()).toMatchObject({
      currency: 'CNY', creditLimit: '200000.00', arOpen: '188000.00', openOrders: '0.00', exposure: '188000.00',
      available: '12000.00', overdue: '0.00', oldestOverdueDays: 0, blocked: false,
    });
    expect(Date.parse(d003.json().syncedAt)).not.toBeNaN();
    expect((await get('D004', '/v1/credit')).json()).toMatchObject({
      creditLimit: '150000.00', arOpen: '64380.00', exposure: '64380.00', available: '85620.00',
      overdue: '8650.00', oldestOverdueDays: 18, overdueToleranceDays: 14, blocked: true,
    });

    const placed = (await order('D003', 'D003-JJ', 'MLK-250-24', 240)).json();
    expect(placed).toMatchObject({ status: 'approved', totals: { net: '588.00' } });
    expect((await get('D003', '/v1/credit')).json()).toMatchObject({ openOrders: '588.00', exposure: '188588.00', available: '11412.00' });
  });

  it('answers 401 without a token', async () => {
    for (const url of ['/v1/catalog', '/v1/catalog/categories', '/v1/credit']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
  });
});
