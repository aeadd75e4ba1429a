import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/core/auth/tokens.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { storeDrivers } from '../support/store.js';

const DEALERS = ['T001', 'T002', 'T003', 'T004'];

describe.each(storeDrivers())('concurrent orders on one SKU on %s', (driver) => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp(driver);
    // Four dealers (two more than the app seeds), one hot SKU with exactly 100 units in one warehouse.
    await t.store.query(`
      INSERT INTO dealers (code, name, tier) VALUES ('T003', '三', 'A'), ('T004', '四', 'B');
      INSERT INTO dealer_regions (dealer_id, region_code) SELECT id, '44' FROM dealers WHERE code IN ('T003', 'T004');
      INSERT INTO ship_tos (dealer_id, code, name, address, region_code) SELECT id, code || '-01', name, 'addr', '440305' FROM dealers WHERE code IN ('T003', 'T004');
      INSERT INTO credit_accounts (dealer_id, credit_limit) SELECT id, 1000000 FROM dealers;
      INSERT INTO products (sku, name) VALUES ('HOT-1', '爆款');
      INSERT INTO price_lists (code, name, tier) VALUES ('TIER-A', 'A', 'A'), ('TIER-B', 'B', 'B');
      INSERT INTO prices (price_list_id, product_id, unit_price) SELECT l.id, p.id, 9.90 FROM price_lists l, products p;
      INSERT INTO warehouses (code, name, region_code) VALUES ('WH1', 'one', '4403');
      INSERT INTO stock_lots (product_id, warehouse_id, lot, on_hand, expiry_date)
        SELECT p.id, w.id, 'L1', 60, current_date + 300 FROM products p, warehouses w
        UNION ALL SELECT p.id, w.id, 'L2', 40, current_date + 200 FROM products p, warehouses w;`);
    for (const code of DEALERS) tokens[code] = (await issueToken(t.store, { kind: 'dealer', dealerCode: code })).token;
  });
  afterAll(async () => t?.close());

  it('never oversells: 200 concurrent one-unit orders against 100 units', async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const dealer = DEALERS[i % DEALERS.length]!;
        return t.app.inject({
          method: 'POST',
          url: '/v1/orders',
          headers: bearer(tokens[dealer]!),
          payload: { shipTo: `${dealer}-01`, lines: [{ sku: 'HOT-1', qty: 1 }] },
        });
      }),
    );
    expect(responses.map((r) => r.statusCode).filter((s) => s !== 201)).toEqual([]);
    const orders = responses.map((r) => r.json() as { status: string; review: { findings: Array<{ code: string }> } });
    const approved = orders.filter((o) => o.status === 'approved');
    const held = orders.filter((o) => o.status === 'held');
    expect(approved).toHaveLength(100);
    expect(held).toHaveLength(100);
    for (const order of held) expect(order.review.findings.map((f) => f.code)).toEqual(['stock_short']);

    const { rows } = await t.store.query<{ on_hand: number; reserved: number; ledger: number }>(
      `SELECT sum(l.on_hand)::int AS on_hand, sum(l.reserved)::int AS reserved,
              (SELECT coalesce(sum(qty), 0)::int FROM reservations WHERE status = 'active') AS ledger
         FROM stock_lots l`,
    );
    expect(rows[0]).toEqual({ on_hand: 100, reserved: 100, ledger: 100 });
    // FEFO: the lot expiring first (L2, 40 units) was used up.
    const lots = await t.store.query<{ lot: string; reserved: number }>('SELECT lot, reserved FROM stock_lots ORDER BY lot');
    expect(lots.rows).toEqual([{ lot: 'L1', reserved: 60 }, { lot: 'L2', reserved: 40 }]);
  });
});
