import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/core/auth/tokens.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { storeDrivers } from '../support/store.js';

// Tier A dealers are the "chain" channel, capped at 30 units per SKU and warehouse; tier B
// dealers are "shops", with 20 units ring-fenced that the chain may not take.
const CHAIN = ['T001', 'T003'];
const SHOPS = ['T002', 'T004'];
const inventory = { channels: { chain: { tiers: ['A'], quota: { maxQty: 30 } }, shops: { tiers: ['B'], safetyStock: 20 } } };

describe.each(storeDrivers())('channel quotas and safety stock under concurrent orders on %s', (driver) => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp(driver, { inventory });
    await t.store.query(`
      INSERT INTO dealers (code, name, tier) VALUES ('T003', '三', 'A'), ('T004', '四', 'B');
      INSERT INTO dealer_regions (dealer_id, region_code) SELECT id, '44' FROM dealers WHERE code IN ('T002', 'T003', 'T004');
      INSERT INTO ship_tos (dealer_id, code, name, address, region_code) SELECT id, code || '-02', name, 'addr', '440305' FROM dealers;
      INSERT INTO credit_accounts (dealer_id, credit_limit) SELECT id, 1000000 FROM dealers;
      INSERT INTO products (sku, name) VALUES ('HOT-1', '爆款'), ('HOT-2', '爆款二');
      INSERT INTO price_lists (code, name, tier) VALUES ('TIER-A', 'A', 'A'), ('TIER-B', 'B', 'B');
      INSERT INTO prices (price_list_id, product_id, unit_price) SELECT l.id, p.id, 9.90 FROM price_lists l, products p;
      INSERT INTO warehouses (code, name, region_code) VALUES ('WH1', 'one', '4403');
      INSERT INTO stock_lots (product_id, warehouse_id, lot, on_hand, expiry_date)
        SELECT p.id, w.id, 'L1', 60, current_date + 300 FROM products p, warehouses w WHERE p.sku = 'HOT-1'
        UNION ALL SELECT p.id, w.id, 'L2', 40, current_date + 200 FROM products p, warehouses w WHERE p.sku = 'HOT-1'
        UNION ALL SELECT p.id, w.id, 'L1', 40, current_date + 300 FROM products p, warehouses w WHERE p.sku = 'HOT-2';`);
    for (const code of [...CHAIN, ...SHOPS]) tokens[code] = (await issueToken(t.store, { kind: 'dealer', dealerCode: code })).token;
  });
  afterAll(async () => t?.close());

  async function burst(dealers: string[], sku: string, n: number): Promise<{ approved: number; held: Array<{ review: { findings: Array<{ code: string; message: { en: string } }> } }> }> {
    const responses = await Promise.all(
      Array.from({ length: n }, (_, i) => {
        const dealer = dealers[i % dealers.length]!;
        return t.app.inject({ method: 'POST', url: '/v1/orders', headers: bearer(tokens[dealer]!), payload: { shipTo: `${dealer}-02`, lines: [{ sku, qty: 1 }] } });
      }),
    );
    expect(responses.map((r) => r.statusCode).filter((s) => s !== 201)).toEqual([]);
    const orders = responses.map((r) => r.json() as { status: string; review: { findings: Array<{ code: string; message: { en: string } }> } });
    return { approved: orders.filter((o) => o.status === 'approved').length, held: orders.filter((o) => o.status === 'held') };
  }

  async function reserved(sku: string): Promise<number> {
    const { rows } = await t.store.query<{ n: number }>(
      `SELECT coalesce(sum(l.reserved), 0)::int AS n FROM stock_lots l JOIN products p ON p.id = l.product_id WHERE p.sku = $1`,
      [sku],
    );
    return rows[0]!.n;
  }

  it('holds a channel to its quota: 80 concurrent chain orders against a quota of 30', async () => {
    const chain = await burst(CHAIN, 'HOT-1', 80);
    expect(chain.approved).toBe(30);
    expect(chain.held).toHaveLength(50);
    expect(chain.held[0]!.review.findings[0]!.message.en).toContain('channel chain may take 0 of the pool of 70, quota 30, 30 reserved by the channel');
    expect(await reserved('HOT-1')).toBe(30);
    // The shops are not capped: they take the other 70 and no more.
    const shops = await burst(SHOPS, 'HOT-1', 90);
    expect(shops.approved).toBe(70);
    expect(await reserved('HOT-1')).toBe(100);
  });

  it('keeps another channel’s safety stock out of reach and explains the channel ATP in quotes', async () => {
    // 40 units: the chain may take 40 − 20 ring-fenced for the shops = 20.
    const chain = await burst(CHAIN, 'HOT-2', 40);
    expect(chain.approved).toBe(20);
    const quote = await t.app.inject({ method: 'POST', url: '/v1/quotes', headers: bearer(tokens.T001!), payload: { shipTo: 'T001-02', lines: [{ sku: 'HOT-2', qty: 5 }] } });
    expect(quote.json().lines[0]).toMatchObject({
      available: 0,
      channel: 'chain',
      channelAtp: { channel: 'chain', pool: 20, poolTotal: 40, quota: 30, reservedByChannel: 20, reservedByOthers: 0, fencedForOthers: 20, available: 0 },
    });
    const catalog = await t.app.inject({ method: 'GET', url: '/v1/catalog?search=HOT-2', headers: bearer(tokens.T001!) });
    expect(catalog.json().items[0]).toMatchObject({ sku: 'HOT-2', available: 0 });
    // The shops get their 20.
    const shops = await burst(SHOPS, 'HOT-2', 30);
    expect(shops.approved).toBe(20);
    expect(await reserved('HOT-2')).toBe(40);
  });
});
