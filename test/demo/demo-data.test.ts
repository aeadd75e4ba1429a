import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorRefinement, createConnectorHub, type ConnectorHub } from '../../src/connectors/hub.js';
import { CONNECTORS } from '../../src/connectors/registry.js';
import { loadConfig } from '../../src/core/config/index.js';
import { createLogger } from '../../src/core/logger.js';
import { DEMO_DEALER_CODES, demoDate } from '../../src/demo/demo-data.js';
import { loadDemoData } from '../../src/demo/load-demo.js';
import { PROMOTION_TYPES, type Eligibility, type PromotionRule } from '../../src/ordering/promotions/definition.js';
import { createTestStore, storeDrivers, type TestStore } from '../support/store.js';

// 10:00 in Shanghai; every relative date in config/demo-data is read against it.
const NOW = new Date('2026-03-15T02:00:00Z');
const TODAY = demoDate(NOW, 0);
const logger = createLogger({ level: 'silent', pretty: false });
const { config } = loadConfig('config/demo.yaml', {}, connectorRefinement(CONNECTORS));

function demoHub(now = NOW): ConnectorHub {
  return createConnectorHub(config.connectors, CONNECTORS, { logger, now: () => now });
}

interface DemoLoad {
  seeded: boolean;
  counts: Record<string, number>;
}

/** Loads config/demo-data through the demo connector, as `npm start` does. */
async function load(t: TestStore, now = NOW): Promise<DemoLoad> {
  const hub = demoHub(now);
  try {
    const reports = await loadDemoData(t.store, hub, config.demo.connector, logger);
    if (!reports) return { seeded: false, counts: {} };
    for (const report of reports) expect(report.counts, report.stream).toMatchObject({ rejected: 0 });
    return { seeded: true, counts: Object.fromEntries(reports.map((r) => [r.stream, r.counts.inserted])) };
  } finally {
    await hub.close();
  }
}

async function tableCounts(t: TestStore, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await t.store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = rows[0]?.n ?? -1;
  }
  return counts;
}

describe.each(storeDrivers())('demo data through the file connector on %s', (driver) => {
  let t: TestStore;
  let first: DemoLoad;
  beforeAll(async () => {
    t = await createTestStore(driver);
    first = await load(t);
  });
  afterAll(async () => t?.drop());

  it('loads an empty store stream by stream and counts what it inserted', async () => {
    expect(first.seeded).toBe(true);
    expect(await tableCounts(t, Object.keys(first.counts))).toEqual(first.counts);
    expect(first.counts).toMatchObject({ dealers: 4, warehouses: 3, credit_accounts: 4 });
    expect(first.counts.products).toBeGreaterThanOrEqual(30);
  });

  it('has the four demo dealers, each authorised in its own province', async () => {
    const { rows } = await t.store.query<{ code: string; provinces: string[] }>(
      `SELECT d.code, array_agg(DISTINCT left(dr.region_code, 2) ORDER BY left(dr.region_code, 2)) AS provinces
       FROM dealers d JOIN dealer_regions dr ON dr.dealer_id = d.id GROUP BY d.code ORDER BY d.code`,
    );
    expect(rows.map((row) => row.code)).toEqual([...DEMO_DEALER_CODES]);
    const provinces = rows.map((row) => row.provinces);
    for (const list of provinces) expect(list).toHaveLength(1);
    expect(new Set(provinces.flat()).size).toBe(4);
  });

  it('gives D001 exactly one ship-to outside its authorised regions', async () => {
    const { rows } = await t.store.query<{ dealer: string; code: string; inside: boolean }>(
      `SELECT d.code AS dealer, s.code,
              EXISTS (SELECT 1 FROM dealer_regions dr
                      WHERE dr.dealer_id = s.dealer_id AND s.region_code LIKE dr.region_code || '%') AS inside
       FROM ship_tos s JOIN dealers d ON d.id = s.dealer_id ORDER BY s.code`,
    );
    const d001 = rows.filter((row) => row.dealer === 'D001');
    expect(d001.filter((row) => !row.inside).map((row) => row.code)).toEqual(['D001-CS']);
    expect(d001.filter((row) => row.inside).length).toBeGreaterThanOrEqual(1);
    expect(rows.filter((row) => row.dealer !== 'D001' && !row.inside)).toEqual([]);
    for (const code of DEMO_DEALER_CODES) expect(rows.some((row) => row.dealer === code)).toBe(true);
  });

  it('uses only regions it defines, down to the ship-to districts', async () => {
    const { rows } = await t.store.query<{ missing: string }>(
      `SELECT code AS missing FROM (
         SELECT region_code AS code FROM ship_tos UNION SELECT region_code FROM dealer_regions
         UNION SELECT left(region_code, 4) FROM ship_tos UNION SELECT left(region_code, 2) FROM ship_tos
         UNION SELECT region_code FROM warehouses) used
       WHERE NOT EXISTS (SELECT 1 FROM regions r WHERE r.code = used.code)`,
    );
    expect(rows).toEqual([]);
  });

  it('prices at least 30 products in both tier lists, breaks below the base price', async () => {
    const { rows } = await t.store.query<{ sku: string; tiers: number }>(
      `SELECT p.sku, count(DISTINCT l.code)::int AS tiers
       FROM products p
       LEFT JOIN prices pr ON pr.product_id = p.id AND pr.min_qty = 1
       LEFT JOIN price_lists l ON l.id = pr.price_list_id AND l.code IN ('TIER-A', 'TIER-B')
       GROUP BY p.sku`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(30);
    expect(rows.filter((row) => row.tiers !== 2)).toEqual([]);

    const breaks = await t.store.query<{ sku: string; ok: boolean }>(
      `SELECT p.sku, b.unit_price < base.unit_price AS ok
       FROM prices b
       JOIN prices base ON base.price_list_id = b.price_list_id AND base.product_id = b.product_id AND base.min_qty = 1
       JOIN products p ON p.id = b.product_id
       WHERE b.min_qty > 1`,
    );
    expect(breaks.rows.length).toBeGreaterThan(0);
    expect(breaks.rows.every((row) => row.ok)).toBe(true);

    const override = await t.store.query<{ dealer: string; n: number }>(
      `SELECT d.code AS dealer, count(*)::int AS n FROM price_lists l
       JOIN dealers d ON d.id = l.dealer_id JOIN prices pr ON pr.price_list_id = l.id GROUP BY d.code`,
    );
    expect(override.rows).toEqual([{ dealer: 'D001', n: 3 }]);
  });

  it('has expired lots, near-expiry lots and out-of-stock SKUs relative to now', async () => {
    const { rows } = await t.store.query<{ expired: number; near: number; wrong_expiry: number; future_receipt: number }>(
      `SELECT count(*) FILTER (WHERE l.expiry_date < $1::date)::int AS expired,
              count(*) FILTER (WHERE l.expiry_date >= $1::date AND (l.expiry_date - $1::date) * 3 < p.shelf_life_days)::int AS near,
              count(*) FILTER (WHERE l.expiry_date <> l.production_date + p.shelf_life_days)::int AS wrong_expiry,
              count(*) FILTER (WHERE l.received_at > $1::date OR l.received_at < l.production_date)::int AS future_receipt
       FROM stock_lots l JOIN products p ON p.id = l.product_id`,
      [TODAY],
    );
    expect(rows[0]?.expired).toBeGreaterThan(0);
    expect(rows[0]?.near).toBeGreaterThan(0);
    expect(rows[0]).toMatchObject({ wrong_expiry: 0, future_receipt: 0 });

    const stock = await t.store.query<{ sku: string; on_hand: number; pack_size: number }>(
      `SELECT p.sku, p.pack_size, coalesce(sum(l.on_hand), 0)::int AS on_hand
       FROM products p LEFT JOIN stock_lots l ON l.product_id = p.id GROUP BY p.sku, p.pack_size`,
    );
    expect(stock.rows.filter((row) => row.on_hand === 0).map((row) => row.sku)).toEqual(['JCE-AP1000-6']);
    expect(stock.rows.filter((row) => row.on_hand > 0 && row.on_hand < 3 * row.pack_size).length).toBeGreaterThanOrEqual(2);
  });

  it('puts D003 near its credit limit and gives D004 an overdue balance', async () => {
    const { rows } = await t.store.query<{ code: string; credit_limit: string; ar_open: string; overdue: string; oldest_overdue_days: number }>(
      `SELECT d.code, c.credit_limit, c.ar_open, c.overdue, c.oldest_overdue_days
       FROM credit_accounts c JOIN dealers d ON d.id = c.dealer_id ORDER BY d.code`,
    );
    expect(rows.map((row) => row.code)).toEqual([...DEMO_DEALER_CODES]);
    const byCode = new Map(rows.map((row) => [row.code, row]));
    const d003 = byCode.get('D003')!;
    expect(new Decimal(d003.ar_open).div(d003.credit_limit).gte('0.9')).toBe(true);
    expect(new Decimal(d003.ar_open).lt(d003.credit_limit)).toBe(true);
    const d004 = byCode.get('D004')!;
    expect(new Decimal(d004.overdue).gt(0)).toBe(true);
    expect(d004.oldest_overdue_days).toBeGreaterThan(0);
  });

  it('keeps every credit account consistent with its open items', async () => {
    const { rows } = await t.store.query<{ code: string; ok: boolean }>(
      `SELECT d.code,
              c.ar_open = coalesce(sum(i.open_amount), 0)
              AND c.overdue = coalesce(sum(i.open_amount) FILTER (WHERE i.due_date < $1::date), 0)
              AND c.oldest_overdue_days = coalesce(max($1::date - i.due_date) FILTER (WHERE i.due_date < $1::date), 0) AS ok
       FROM credit_accounts c JOIN dealers d ON d.id = c.dealer_id
       LEFT JOIN ar_open_items i ON i.dealer_id = c.dealer_id
       GROUP BY d.code, c.ar_open, c.overdue, c.oldest_overdue_days ORDER BY d.code`,
      [TODAY],
    );
    expect(rows).toEqual(DEMO_DEALER_CODES.map((code) => ({ code, ok: true })));
  });

  it('returns money as exact decimal strings', async () => {
    const credit = await t.store.query<Record<string, unknown>>(
      `SELECT c.credit_limit, c.ar_open, c.overdue FROM credit_accounts c JOIN dealers d ON d.id = c.dealer_id WHERE d.code = 'D003'`,
    );
    expect(credit.rows[0]).toEqual({ credit_limit: '200000.00', ar_open: '188000.00', overdue: '0.00' });
    const price = await t.store.query<{ unit_price: unknown }>(
      `SELECT pr.unit_price FROM prices pr JOIN price_lists l ON l.id = pr.price_list_id JOIN products p ON p.id = pr.product_id
       WHERE l.code = 'TIER-A' AND p.sku = 'MLK-250-24' AND pr.min_qty = 1`,
    );
    expect(price.rows[0]?.unit_price).toBe('2.4000');
    const money = await t.store.query<{ value: unknown }>(
      `SELECT unit_price AS value FROM prices
       UNION ALL SELECT v FROM credit_accounts, LATERAL (VALUES (credit_limit), (ar_open), (overdue)) AS m(v)
       UNION ALL SELECT v FROM ar_open_items, LATERAL (VALUES (amount), (open_amount)) AS m(v)`,
    );
    expect(money.rows.length).toBeGreaterThan(60);
    for (const { value } of money.rows) expect(value).toMatch(/^\d+\.(\d{2}|\d{4})$/);
  });

  it('loads the demo promotions (one of every rule type) and their coupon codes, none rejected', async () => {
    // load() has checked that no stream rejected a record.
    expect(first.counts).toMatchObject({ promotions: 12, coupons: 5 });
    const { rows } = await t.store.query<{
      code: string; type: string; rules: PromotionRule; eligibility: Eligibility; stackable: boolean; exclusive_group: string | null;
      requires_coupon: boolean; source: string; valid_from: Date; valid_to: Date; status: string;
    }>('SELECT code, type, rules, eligibility, stackable, exclusive_group, requires_coupon, source, valid_from, valid_to, status FROM promotions ORDER BY code');
    expect(new Set(rows.map((p) => p.type))).toEqual(new Set(PROMOTION_TYPES));
    for (const p of rows) {
      expect(p, p.code).toMatchObject({ source: 'file:promotions.yaml', status: 'active' });
      expect([p.valid_from.toISOString(), p.valid_to.toISOString()], p.code).toEqual(['2024-12-31T16:00:00.000Z', '2029-12-31T16:00:00.000Z']);
    }
    expect(rows.filter((p) => !p.stackable).map((p) => p.code)).toEqual(['P-FIRST-ORDER']);
    expect(rows.filter((p) => p.exclusive_group !== null).map((p) => p.code)).toEqual(['P-MANJIAN-2000', 'P-TIERED']);
    expect(rows.filter((p) => p.eligibility.firstOrder).map((p) => p.code)).toEqual(['P-FIRST-ORDER']);

    // Every SKU and category a promotion names is a demo product's.
    const products = await t.store.query<{ sku: string; category: string }>('SELECT sku, category FROM products');
    const skus = new Set(products.rows.map((p) => p.sku));
    const categories = new Set(products.rows.map((p) => p.category));
    for (const { code, rules, eligibility } of rows) {
      const named = [
        ...(eligibility.products ?? []),
        ...(rules.type === 'gift' ? rules.gifts.map((g) => g.sku) : []),
        ...(rules.type === 'bundle' ? rules.components.map((c) => c.sku) : []),
      ];
      for (const sku of named) expect(skus.has(sku), `${code}: ${sku}`).toBe(true);
      for (const category of eligibility.categories ?? []) expect(categories.has(category), `${code}: ${category}`).toBe(true);
    }

    const coupons = await t.store.query<{ code: string; promotion: string; requires: boolean; max_uses: number | null; per_dealer_limit: number | null; dealer: string | null; status: string }>(
      `SELECT c.code, p.code AS promotion, p.requires_coupon AS requires, c.max_uses, c.per_dealer_limit, d.code AS dealer, c.status
         FROM coupons c JOIN promotions p ON p.id = c.promotion_id LEFT JOIN dealers d ON d.id = c.dealer_id ORDER BY c.code`,
    );
    expect(coupons.rows.every((c) => c.promotion === 'P-COUPON-60' && c.requires)).toBe(true);
    expect(coupons.rows.find((c) => c.code === 'WELCOME-D001')).toMatchObject({ max_uses: 1, dealer: 'D001', status: 'active' });
    expect(coupons.rows.find((c) => c.code === 'HUB-60')).toMatchObject({ max_uses: 100, per_dealer_limit: 2, dealer: null });
    expect(coupons.rows.find((c) => c.code === 'VIP-88')).toMatchObject({ max_uses: null, per_dealer_limit: 1 });
    expect(coupons.rows.find((c) => c.code === 'OLD-2024')).toMatchObject({ status: 'disabled' });
  });

  it('does nothing the second time', async () => {
    const before = await tableCounts(t, Object.keys(first.counts));
    const again = await load(t, new Date(NOW.getTime() + 86_400_000));
    expect(again).toEqual({ seeded: false, counts: {} });
    expect(await tableCounts(t, Object.keys(first.counts))).toEqual(before);
  });
});

describe.each(storeDrivers())('demo load from two starts at once on %s', (driver) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(driver);
  });
  afterAll(async () => t?.drop());

  it('loads once', async () => {
    const results = await Promise.all([load(t), load(t)]);
    expect(results.map((result) => result.seeded).sort()).toEqual([false, true]);
    const { rows } = await t.store.query<{ n: number }>('SELECT count(*)::int AS n FROM dealers');
    expect(rows[0]?.n).toBe(4);
  });
});
