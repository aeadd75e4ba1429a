import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventorySchema } from '../../src/core/config/schema-inventory.js';
import { createLogger } from '../../src/core/logger.js';
import { runExpiryAlerts, type ExpiryAlertDeps } from '../../src/inventory/expiry-alerts.js';
import { expiryMetrics } from '../../src/inventory/metrics.js';
import { addDays } from '../../src/inventory/shelf-life.js';
import { businessDate } from '../../src/orders/evaluate.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { storeDrivers } from '../support/store.js';

const TZ = 'Asia/Shanghai';
const NOW = new Date();
const T = businessDate(NOW, TZ);
const DAY = 86_400_000;

/** A local webhook receiver that records bodies and answers with the status it is told to. */
async function receiver(): Promise<{ url: string; bodies: Array<{ alerts: Array<{ lot: string; fromTier: string; toTier: string }> }>; status: { code: number }; close(): Promise<void> }> {
  const bodies: Array<{ alerts: Array<{ lot: string; fromTier: string; toTier: string }> }> = [];
  const status = { code: 204 };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (status.code < 300) bodies.push(JSON.parse(text) as never);
      res.writeHead(status.code).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/expiry`, bodies, status, close: () => new Promise((r) => server.close(() => r())) };
}

describe.each(storeDrivers())('expiry tiers, alerts and minimum shelf life on %s', (driver) => {
  let t: TestApp;
  let hook: Awaited<ReturnType<typeof receiver>>;
  const inventory = {
    expiry: { valuePriceList: 'LIST' },
    minRemainingShelfLife: { dealers: { T002: 0.5 } },
  };
  beforeAll(async () => {
    hook = await receiver();
    t = await createTestApp(driver, { inventory, ordering: { timeZone: TZ } });
    // 100 days of life: RED 20 left (20%), YEL 40 (40%), BLU 60 (60%), NEW 90; EXP has only a production
    // date, 101 days ago, so production + shelf life expired yesterday.
    await t.store.query(`
      INSERT INTO products (sku, name, shelf_life_days, category) VALUES ('MLK', '牛奶', 100, 'dairy');
      INSERT INTO price_lists (code, name, tier) VALUES ('TIER-A', 'A', 'A'), ('TIER-B', 'B', 'B'), ('LIST', 'list', 'LIST');
      INSERT INTO prices (price_list_id, product_id, unit_price)
        SELECT l.id, p.id, CASE l.code WHEN 'LIST' THEN 12.00 ELSE 10.00 END FROM price_lists l, products p;
      INSERT INTO credit_accounts (dealer_id, credit_limit) SELECT id, 1000000 FROM dealers;
      INSERT INTO warehouses (code, name, region_code) VALUES ('WH1', 'one', '4403');`);
    const lots: Array<[string, number | null, number, number]> = [['RED', 20, -80, 10], ['YEL', 40, -60, 6], ['BLU', 60, -40, 4], ['NEW', 90, -10, 50], ['EXP', null, -101, 3]];
    for (const [lot, expiry, produced, qty] of lots) {
      await t.store.query(
        `INSERT INTO stock_lots (product_id, warehouse_id, lot, expiry_date, production_date, on_hand)
         SELECT p.id, w.id, $1, $2::date, $3::date, $4 FROM products p, warehouses w`,
        [lot, expiry === null ? null : addDays(T, expiry), addDays(T, produced), qty],
      );
    }
  });
  afterAll(async () => {
    await t?.close();
    await hook?.close();
  });

  it('lists lots by tier with quantities and list-price value', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/admin/alerts/expiry', headers: bearer(t.tokens.admin) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.valueBasis).toBe('list price of LIST (quantity 1)');
    expect(body.tiers).toEqual({
      expired: { lots: 1, onHand: 3, reserved: 0, available: 3, value: '36.00' },
      red: { lots: 1, onHand: 10, reserved: 0, available: 10, value: '120.00' },
      yellow: { lots: 1, onHand: 6, reserved: 0, available: 6, value: '72.00' },
      blue: { lots: 1, onHand: 4, reserved: 0, available: 4, value: '48.00' },
    });
    expect(body.items.map((l: { lot: string; tier: string }) => `${l.lot}:${l.tier}`)).toEqual(['EXP:expired', 'RED:red', 'YEL:yellow', 'BLU:blue']);
    expect(body.items[0]).toMatchObject({ expiryDate: addDays(T, -1), expiryComputed: true, remainingDays: -1 });
    const red = await t.app.inject({ method: 'GET', url: '/admin/alerts/expiry?tier=red', headers: bearer(t.tokens.admin) });
    expect(red.json().items.map((l: { lot: string }) => l.lot)).toEqual(['RED']);
    expect((await t.app.inject({ method: 'GET', url: '/admin/alerts/expiry', headers: bearer(t.tokens.d1) })).statusCode).toBe(403);
  });

  it('shows dealers the tier of what they would receive in the catalog', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/catalog', headers: bearer(t.tokens.d1) });
    expect(res.json().items[0]).toMatchObject({ sku: 'MLK', available: 70, nextExpiry: addDays(T, 20), expiryTier: 'red', remainingDays: 20, remainingFraction: 0.2 });
    // T002 needs half the life left: its first lot is BLU.
    const t2 = await t.app.inject({ method: 'GET', url: '/v1/catalog', headers: bearer(t.tokens.d2) });
    expect(t2.json().items[0]).toMatchObject({ available: 54, expiryTier: 'blue', remainingDays: 60, remainingFraction: 0.6 });
  });

  it('skips lots below the dealer’s minimum and explains the shortage', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/quotes', headers: bearer(t.tokens.d2), payload: { shipTo: 'T002-01', lines: [{ sku: 'MLK', qty: 60 }] } });
    expect(res.statusCode).toBe(200);
    const quote = res.json();
    expect(quote.lines[0]).toMatchObject({ available: 54, expiryTier: 'blue', remainingDays: 60, channel: 'default', channelAtp: null });
    expect(quote.lines[0].lots.map((l: { lot: string }) => l.lot)).toEqual(['BLU', 'NEW']);
    const finding = quote.review.findings.find((f: { code: string }) => f.code === 'stock_short');
    expect(finding.message.en).toContain('73 in stock but only 54 with ≥ 50% shelf life (3 expired)');
    expect(finding.data.stock).toMatchObject({ inStock: 73, expired: 3, belowMinShelfLife: 16, eligible: 54 });
  });

  it('puts the tier on quote and order lines', async () => {
    const quote = await t.app.inject({ method: 'POST', url: '/v1/quotes', headers: bearer(t.tokens.d1), payload: { shipTo: 'T001-01', lines: [{ sku: 'MLK', qty: 12 }] } });
    expect(quote.json().lines[0]).toMatchObject({ expiryTier: 'red', remainingDays: 20, remainingFraction: 0.2 });
    const placed = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: bearer(t.tokens.d1), payload: { shipTo: 'T001-01', lines: [{ sku: 'MLK', qty: 12 }] } });
    expect(placed.statusCode).toBe(201);
    expect(placed.json().lines[0]).toMatchObject({ expiryTier: 'red', remainingDays: 20, remainingFraction: 0.2 });
    expect(placed.json().lines[0].lots.map((l: { lot: string; qty: number }) => [l.lot, l.qty])).toEqual([['RED', 10], ['YEL', 2]]);
    const read = await t.app.inject({ method: 'GET', url: `/v1/orders/${placed.json().id}`, headers: bearer(t.tokens.d1) });
    expect(read.json().lines[0]).toMatchObject({ expiryTier: 'red', remainingDays: 20 });
    // The product facts the tier is worked out from stay inside: the API view has none of them.
    expect(Object.keys(read.json().lines[0])).not.toContain('shelfLifeDays');
    expect(Object.keys(read.json().lines[0].lots[0])).not.toContain('productionDate');
  });

  it('alerts once per tier crossing: log, metric and webhook', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write: (c, _e, done) => (lines.push(...String(c).split('\n').filter(Boolean).map((l) => JSON.parse(l))), done()) });
    const registry = new Registry();
    const metrics = expiryMetrics(registry, t.store);
    const deps: ExpiryAlertDeps = {
      store: t.store,
      logger: createLogger({ level: 'info', pretty: false }, sink),
      config: inventorySchema.parse({ ...inventory, expiry: { ...inventory.expiry, webhook: { url: hook.url } } }),
      timeZone: TZ,
      observe: metrics.observe,
    };
    const first = await runExpiryAlerts(deps, NOW);
    expect(first.raised.map((a) => `${a.lot}:${a.fromTier}>${a.toTier}`).sort()).toEqual(['BLU:none>blue', 'EXP:none>expired', 'RED:none>red', 'YEL:none>yellow']);
    expect(first.delivered).toBe(4);
    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0]!.alerts.map((a) => a.lot).sort()).toEqual(['BLU', 'EXP', 'RED', 'YEL']);
    expect(lines.filter((l) => l.msg && String(l.msg).startsWith('expiry alert: lot RED'))).toHaveLength(1);

    // Nothing changed: nothing raised, nothing posted.
    expect((await runExpiryAlerts(deps, NOW)).raised).toEqual([]);
    expect(hook.bodies).toHaveLength(1);

    // Eleven days on, with the webhook down: YEL (29 of 100 left) turns red, BLU (49) yellow; RED stays red.
    hook.status.code = 500;
    const later = new Date(NOW.getTime() + 11 * DAY);
    await expect(runExpiryAlerts(deps, later)).rejects.toThrow(/answered 500/);
    const { rows } = await t.store.query<{ lot: string; to_tier: string; webhook_status: string }>(
      `SELECT l.lot, a.to_tier, a.webhook_status FROM expiry_alerts a JOIN stock_lots l ON l.id = a.stock_lot_id WHERE a.webhook_status = 'pending' ORDER BY l.lot`,
    );
    expect(rows).toEqual([{ lot: 'BLU', to_tier: 'yellow', webhook_status: 'pending' }, { lot: 'YEL', to_tier: 'red', webhook_status: 'pending' }]);
    // The retry raises nothing new but delivers what is pending.
    hook.status.code = 200;
    const retry = await runExpiryAlerts(deps, later);
    expect(retry.raised).toEqual([]);
    expect(retry.delivered).toBe(2);
    expect(hook.bodies[1]!.alerts.map((a) => `${a.lot}:${a.fromTier}>${a.toTier}`).sort()).toEqual(['BLU:blue>yellow', 'YEL:yellow>red']);

    const text = await registry.metrics();
    expect(text).toContain('dealer_hub_expiry_alerts_total{tier="red"} 2');
    expect(text).toContain('dealer_hub_expiry_alerts_total{tier="yellow"} 2');
    expect(text).toContain('dealer_hub_expiry_lots{tier="red"} 2');
    expect(text).toContain('dealer_hub_expiry_lots{tier="blue"} 0');
  });
});
