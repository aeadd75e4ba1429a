import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { storeDrivers } from '../support/store.js';

/** Seeded below: tier A pays 10.00 for MILK-1, tier B 11.00; JUICE-1 5.50 and GIFT-1 3.00 for both. */
const SEED = `
  INSERT INTO credit_accounts (dealer_id, credit_limit) SELECT id, 1000000 FROM dealers;
  INSERT INTO products (sku, name, category, status) VALUES
    ('MILK-1', '牛奶', 'dairy', 'active'), ('JUICE-1', '果汁', 'drinks', 'active'), ('GIFT-1', '赠品杯', 'gifts', 'active'), ('OLD-1', '停产', 'dairy', 'discontinued');
  INSERT INTO price_lists (code, name, tier) VALUES ('TIER-A', 'A', 'A'), ('TIER-B', 'B', 'B');
  INSERT INTO prices (price_list_id, product_id, unit_price)
    SELECT l.id, p.id, CASE p.sku WHEN 'MILK-1' THEN CASE l.tier WHEN 'A' THEN 10 ELSE 11 END WHEN 'JUICE-1' THEN 5.5 WHEN 'GIFT-1' THEN 3 ELSE 1 END
      FROM price_lists l, products p;
  INSERT INTO warehouses (code, name, region_code) VALUES ('WH44', '华南仓', '44'), ('WH33', '华东仓', '33');
  INSERT INTO stock_lots (product_id, warehouse_id, lot, on_hand, expiry_date)
    SELECT p.id, w.id, 'L1', 100000, current_date + 300 FROM products p, warehouses w;`;

type Json = Record<string, any>;

describe.each(storeDrivers())('admin promotions API on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(driver);
    await t.store.query(SEED);
  });
  afterAll(async () => t?.close());

  const admin = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: bearer(t.tokens.admin), ...(payload === undefined ? {} : { payload: payload as object }) });
  const order = async (token: string, shipTo: string, lines: Array<{ sku: string; qty: number }>) => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: bearer(token), payload: { shipTo, lines } });
    expect(response.statusCode).toBe(201);
    return response.json() as Json;
  };
  const count = async (table: string) => (await t.store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
  const codesOf = (warnings: Json[]) => warnings.map((w) => w.code);

  const threshold = (code: string, extra: Json = {}) => ({ code, name: `${code} 满减`, rule: { type: 'threshold', threshold: '100.00', amountOff: '10.00' }, ...extra });

  it('creates, reads, lists, replaces, pauses and deletes a promotion; windows are read in its time zone', async () => {
    const created = await admin('POST', '/admin/promotions', {
      ...threshold('P-CRUD'),
      rule: { type: 'threshold', threshold: '500.00', amountOff: '50.00' },
      validFrom: '2026-11-11',
      validTo: '2099-01-01T00:00',
      timeZone: 'Asia/Shanghai',
      status: 'draft',
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body.warnings).toEqual([]);
    expect(body.promotion).toMatchObject({
      code: 'P-CRUD',
      type: 'threshold',
      rule: { type: 'threshold', threshold: '500.00', amountOff: '50.00' },
      validFrom: '2026-11-10T16:00:00.000Z',
      validTo: '2098-12-31T16:00:00.000Z',
      timeZone: 'Asia/Shanghai',
      status: 'draft',
      activeNow: false,
      source: 'admin',
      usage: { usedAmount: '0.00', usedUses: 0, redemptions: 0, discountGiven: '0.00', released: 0, coupons: 0 },
      coupons: [],
    });
    const stored = await t.store.query<{ ok: boolean }>(`SELECT valid_from = '2026-11-10T16:00:00Z'::timestamptz AS ok FROM promotions WHERE code = 'P-CRUD'`);
    expect(stored.rows).toEqual([{ ok: true }]);

    expect((await admin('POST', '/admin/promotions', threshold('P-CRUD'))).statusCode).toBe(409);
    const sameButCase = await admin('POST', '/admin/promotions', threshold('p-crud'));
    expect(sameButCase.statusCode).toBe(409);
    expect(sameButCase.json().error.message).toMatch(/P-CRUD already exists/);

    const list = (query: string) => admin('GET', `/admin/promotions${query}`).then((r) => (r.json().items as Json[]).map((p) => p.code));
    expect(await list('')).toContain('P-CRUD');
    expect(await list('?status=draft')).toContain('P-CRUD');
    expect(await list('?status=active')).not.toContain('P-CRUD');
    expect(await list('?active=true')).not.toContain('P-CRUD');
    expect(await list('?type=gift')).not.toContain('P-CRUD');
    expect((await admin('GET', '/admin/promotions/P-CRUD')).json()).toMatchObject({ code: 'P-CRUD', status: 'draft' });
    expect((await admin('GET', '/admin/promotions/NOPE')).statusCode).toBe(404);

    // PUT replaces everything: Berlin is UTC+1 in November.
    const replaced = await admin('PUT', '/admin/promotions/P-CRUD', {
      ...threshold('P-CRUD'),
      name: '换了名字',
      rule: { type: 'threshold', threshold: '500.00', amountOff: '60.00' },
      validFrom: '2026-11-11T20:00',
      timeZone: 'Europe/Berlin',
      status: 'paused',
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json().promotion).toMatchObject({
      name: '换了名字',
      rule: { amountOff: '60.00' },
      validFrom: '2026-11-11T19:00:00.000Z',
      validTo: null,
      timeZone: 'Europe/Berlin',
      status: 'paused',
    });
    expect((await admin('PUT', '/admin/promotions/P-CRUD', threshold('P-OTHER'))).json().error.details.field).toBe('code');
    expect((await admin('PUT', '/admin/promotions/NOPE', threshold('NOPE'))).statusCode).toBe(404);

    const patched = await admin('PATCH', '/admin/promotions/P-CRUD', { status: 'active' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().promotion).toMatchObject({ status: 'active', activeNow: Date.now() >= Date.parse('2026-11-11T19:00:00Z') });
    expect((await admin('PATCH', '/admin/promotions/P-CRUD', { status: 'paused' })).json().promotion.status).toBe('paused');
    expect(await list('?status=paused')).toContain('P-CRUD');

    const deleted = await admin('DELETE', '/admin/promotions/P-CRUD');
    expect(deleted.json()).toMatchObject({ code: 'P-CRUD', deleted: true, status: 'deleted' });
    expect((await admin('GET', '/admin/promotions/P-CRUD')).statusCode).toBe(404);
  });

  it('rejects windows it cannot read and rules the schema refuses, naming the field', async () => {
    const badDate = await admin('POST', '/admin/promotions', threshold('P-BAD', { validFrom: '2026-13-01' }));
    expect(badDate.statusCode).toBe(422);
    expect(badDate.json().error).toMatchObject({ details: { field: 'validFrom' }, message: expect.stringMatching(/validFrom "2026-13-01" is not a date/) });
    const backwards = await admin('POST', '/admin/promotions', threshold('P-BAD', { validFrom: '2026-11-12', validTo: '2026-11-11' }));
    expect(backwards.statusCode).toBe(422);
    expect(backwards.json().error.details.field).toBe('validTo');
    const zone = await admin('POST', '/admin/promotions', threshold('P-BAD', { timeZone: 'Mars/Olympus' }));
    expect(zone.statusCode).toBe(422);
    expect(zone.json().error.details.errors).toEqual([expect.objectContaining({ field: 'timeZone', code: 'unknown_time_zone' })]);
    const both = await admin('POST', '/admin/promotions', { ...threshold('P-BAD'), rule: { type: 'line_discount', percentOff: '10', amountOff: '1.00' } });
    expect(both.statusCode).toBe(400);
    expect((await admin('GET', '/admin/promotions/P-BAD')).statusCode).toBe(404);
  });

  it('refuses a gift or bundle SKU that does not exist or cannot be given (422), and warns about names nobody has', async () => {
    const gift = await admin('POST', '/admin/promotions', {
      code: 'P-GIFT-BAD',
      name: '满10件送',
      rule: { type: 'gift', minQty: 10, gifts: [{ sku: 'NOPE', qty: 1 }, { sku: 'OLD-1', qty: 1 }, { sku: 'GIFT-1', qty: 1 }] },
    });
    expect(gift.statusCode).toBe(422);
    expect(gift.json().error).toMatchObject({
      code: 'invalid_promotion',
      message: expect.stringContaining('gift SKU NOPE does not exist'),
      details: {
        field: 'rule.gifts[0].sku',
        errors: [
          { field: 'rule.gifts[0].sku', code: 'unknown_sku', message: expect.any(String) },
          { field: 'rule.gifts[1].sku', code: 'sku_not_active', message: expect.stringContaining('OLD-1 is discontinued') },
        ],
      },
    });
    expect((await admin('GET', '/admin/promotions/P-GIFT-BAD')).statusCode).toBe(404);

    const bundle = await admin('POST', '/admin/promotions', {
      code: 'P-BUNDLE-BAD',
      name: '套餐',
      rule: { type: 'bundle', components: [{ sku: 'MILK-1', qty: 2 }, { sku: 'GHOST', qty: 1 }], price: '20.00' },
    });
    expect(bundle.statusCode).toBe(422);
    expect(bundle.json().error.details.errors).toEqual([expect.objectContaining({ field: 'rule.components[1].sku', code: 'unknown_sku' })]);

    const warned = await admin('POST', '/admin/promotions', {
      ...threshold('P-WARN'),
      eligibility: { products: ['MILK-1', 'NOPE-2'], dealers: ['T001', 'T999'], tiers: ['A', 'Z'], categories: ['dairy', 'toys'] },
      validFrom: '2025-01-01',
      validTo: '2025-02-01',
      status: 'paused',
    });
    expect(warned.statusCode).toBe(201);
    const warnings = warned.json().warnings as Json[];
    expect(warnings.map((w) => [w.field, w.code])).toEqual([
      ['eligibility.products', 'unknown_name'],
      ['eligibility.categories', 'unknown_name'],
      ['eligibility.dealers', 'unknown_name'],
      ['eligibility.tiers', 'unknown_name'],
      ['validTo', 'window_past'],
    ]);
    expect(warnings[0]!.message).toBe('eligibility.products: no product NOPE-2');
    expect(warnings[2]!.message).toBe('eligibility.dealers: no dealer T999');
    expect((await admin('DELETE', '/admin/promotions/P-WARN')).json().deleted).toBe(true);
  });

  it('warns when promotions of one exclusive group can reach the same orders', async () => {
    const ex1 = await admin('POST', '/admin/promotions', threshold('P-EX1', { exclusiveGroup: 'g1', stackable: false, eligibility: { tiers: ['A'] } }));
    expect(ex1.statusCode).toBe(201);
    expect(ex1.json().warnings).toEqual([]);

    // Dealer T001 is tier A: P-EX2 reaches the orders P-EX1 reaches.
    const ex2 = await admin('POST', '/admin/promotions', {
      code: 'P-EX2',
      name: '九五折',
      rule: { type: 'order_percent', percentOff: '5' },
      exclusiveGroup: 'g1',
      stackable: false,
      eligibility: { dealers: ['T001'] },
    });
    expect(ex2.statusCode).toBe(201);
    const warnings = ex2.json().warnings as Json[];
    expect(codesOf(warnings)).toEqual(['exclusive_group_conflict', 'exclusive_non_stackable']);
    expect(warnings[0]).toMatchObject({ field: 'exclusiveGroup', message: expect.stringMatching(/^P-EX1 is also in exclusive group "g1".*can never both apply/) });

    // Tier B only: neither P-EX1 (tier A) nor P-EX2 (dealer T001, tier A) can meet it.
    const ex3 = await admin('POST', '/admin/promotions', threshold('P-EX3', { exclusiveGroup: 'g1', eligibility: { tiers: ['B'] } }));
    expect(ex3.json().warnings).toEqual([]);
    // Different products do not meet either, unless the other one is open to every product.
    const ex4 = await admin('POST', '/admin/promotions', threshold('P-EX4', { exclusiveGroup: 'g2', eligibility: { products: ['JUICE-1'] } }));
    const ex5 = await admin('POST', '/admin/promotions', threshold('P-EX5', { exclusiveGroup: 'g2', eligibility: { categories: ['dairy'] } }));
    expect(ex4.json().warnings).toEqual([]);
    expect(ex5.json().warnings).toEqual([]);
    const ex6 = await admin('POST', '/admin/promotions', threshold('P-EX6', { exclusiveGroup: 'g2', eligibility: { products: ['MILK-1'] } }));
    expect((ex6.json().warnings as Json[]).map((w) => w.message.slice(0, 5))).toEqual(['P-EX5']);

    for (const code of ['P-EX1', 'P-EX2', 'P-EX3', 'P-EX4', 'P-EX5', 'P-EX6']) expect((await admin('DELETE', `/admin/promotions/${code}`)).json().deleted).toBe(true);
  });

  it('adds coupon codes and generates unique ones; codes are unique ignoring case', async () => {
    const created = await admin('POST', '/admin/promotions', threshold('P-CPN', { requiresCoupon: true, status: 'paused' }));
    expect(created.statusCode).toBe(201);
    expect(created.json().warnings).toEqual([expect.objectContaining({ field: 'requiresCoupon', code: 'no_coupons' })]);

    const generated = await admin('POST', '/admin/promotions/P-CPN/coupons', { generate: 25, prefix: 'XMAS-' });
    expect(generated.statusCode).toBe(201);
    const batch = generated.json();
    expect(batch.created).toBe(25);
    const codes = (batch.coupons as Json[]).map((c) => c.code as string);
    expect(codes).toHaveLength(25);
    expect(new Set(codes.map((c) => c.toLowerCase())).size).toBe(25);
    for (const c of codes) expect(c).toMatch(/^XMAS-[A-HJKMNP-Z2-9]{10}$/);
    expect(batch.coupons[0]).toMatchObject({ promotion: 'P-CPN', maxUses: 1, used: 0, status: 'active', dealer: null });
    expect(codesOf(batch.warnings)).toEqual(['promotion_not_active']);

    const one = await admin('POST', '/admin/promotions/P-CPN/coupons', { code: 'Hello2026', maxUses: null, dealer: 'T001', validFrom: '2026-11-11', validTo: '2026-11-12' });
    expect(one.statusCode).toBe(201);
    expect(one.json().coupons).toEqual([
      expect.objectContaining({ code: 'Hello2026', maxUses: null, dealer: 'T001', validFrom: '2026-11-10T16:00:00.000Z', validTo: '2026-11-11T16:00:00.000Z' }),
    ]);
    const duplicate = await admin('POST', '/admin/promotions/P-CPN/coupons', { code: 'HELLO2026' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.message).toMatch(/HELLO2026 already exists as Hello2026 \(promotion P-CPN\)/);
    expect((await admin('POST', '/admin/promotions/P-CPN/coupons', { code: 'X1' })).statusCode).toBe(400);
    const noDealer = await admin('POST', '/admin/promotions/P-CPN/coupons', { code: 'ZZZ-1', dealer: 'T999' });
    expect(noDealer.statusCode).toBe(422);
    expect(noDealer.json().error.details.field).toBe('dealer');
    expect((await admin('POST', '/admin/promotions/NOPE/coupons', { code: 'ZZZ-2' })).statusCode).toBe(404);

    const all = (await admin('GET', '/admin/promotions/P-CPN/coupons')).json();
    expect(all.items).toHaveLength(26);
    expect(all.nextCursor).toBeNull();
    const seen: string[] = [];
    for (let cursor: string | null = '', pages = 0; cursor !== null; pages += 1) {
      expect(pages).toBeLessThan(3);
      const page: Json = (await admin('GET', `/admin/promotions/P-CPN/coupons?limit=10${cursor ? `&cursor=${cursor}` : ''}`)).json();
      seen.push(...page.items.map((c: Json) => c.code));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(all.items.map((c: Json) => c.code));

    const disabled = await admin('PATCH', '/admin/coupons/hello2026', { status: 'disabled' });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ code: 'Hello2026', status: 'disabled' });
    expect((await admin('GET', '/admin/promotions/P-CPN/coupons?status=disabled')).json().items.map((c: Json) => c.code)).toEqual(['Hello2026']);
    expect((await admin('PATCH', '/admin/coupons/NOPE-X', { status: 'disabled' })).statusCode).toBe(404);

    const detail = (await admin('GET', '/admin/promotions/P-CPN')).json();
    expect(detail.usage.coupons).toBe(26);
    expect(detail.coupons).toHaveLength(26);
    const again = await admin('PUT', '/admin/promotions/P-CPN', threshold('P-CPN', { requiresCoupon: true, status: 'paused' }));
    expect(again.json().warnings).toEqual([]);
  });

  it('ends a promotion orders used instead of deleting it', async () => {
    expect((await admin('POST', '/admin/promotions', threshold('P-USED'))).statusCode).toBe(201);
    const placed = await order(t.tokens.d1, 'T001-01', [{ sku: 'MILK-1', qty: 20 }]);
    expect(placed.totals).toMatchObject({ gross: '200.00', discount: '10.00', net: '190.00' });
    expect((await admin('GET', '/admin/promotions/P-USED')).json().usage).toMatchObject({ redemptions: 1, discountGiven: '10.00' });

    const ended = await admin('DELETE', '/admin/promotions/P-USED');
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toMatchObject({ code: 'P-USED', deleted: false, status: 'ended', redemptions: 1, message: expect.stringMatching(/ended instead of deleted/) });
    expect((await admin('GET', '/admin/promotions/P-USED')).json()).toMatchObject({ status: 'ended', activeNow: false });
    const again = await admin('DELETE', '/admin/promotions/P-USED');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/cannot be deleted: orders used it \(1 redemption/);
  });

  it('dry-runs drafts against a cart: the draft threshold applies with the exact discount, nothing is written', async () => {
    expect((await admin('POST', '/admin/promotions', { code: 'P-JUICE', name: '果汁九折', rule: { type: 'line_discount', percentOff: '10' }, eligibility: { products: ['JUICE-1'] } })).statusCode).toBe(201);
    const before = { orders: await count('orders'), promotions: await count('promotions'), redemptions: await count('promotion_redemptions') };
    // MILK-1 25 × 10.00 = 250.00, JUICE-1 4 × 5.50 = 22.00; P-JUICE takes 2.20 off the juice.
    const cart = { dealer: 'T001', lines: [{ sku: 'MILK-1', qty: 25 }, { sku: 'JUICE-1', qty: 4 }] };
    const draft = { code: 'D-TH', name: '满200减30', rule: { type: 'threshold', threshold: '200.00', amountOff: '30.00' } };
    const badGift = { code: 'D-GIFT-BAD', name: '送不存在的', rule: { type: 'gift', minQty: 1, gifts: [{ sku: 'NOPE', qty: 1 }] } };
    const response = await admin('POST', '/admin/promotions/dry-run', { promotions: [draft, badGift], cart });
    expect(response.statusCode).toBe(200);
    const run = response.json();
    expect(run).toMatchObject({ dryRun: true, include: 'active', note: expect.stringMatching(/not consumed/), orders: null });
    expect(run.drafts).toEqual([
      { id: -1, code: 'D-TH', replaces: null, errors: [], warnings: [] },
      { id: -2, code: 'D-GIFT-BAD', replaces: null, errors: [expect.objectContaining({ field: 'rule.gifts[0].sku', code: 'unknown_sku' })], warnings: [] },
    ]);
    expect(run.cart).toMatchObject({ dealer: 'T001', shipTo: 'T001-01', channel: 'api' });
    expect(run.cart.before.totals).toEqual({ gross: '272.00', discount: '2.20', net: '269.80', currency: 'CNY' });
    // S after line discounts = 250.00 + 19.80 = 269.80 ≥ 200.00 → 30.00, split 3000 × 1980/26980 = 220.16 → 220 and
    // 3000 × 25000/26980 = 2779.83 → 2779; the cent left goes to MILK-1 (larger remainder): 2.20 and 27.80.
    expect(run.cart.after.totals).toEqual({ gross: '272.00', discount: '32.20', net: '239.80', currency: 'CNY' });
    const line = (sku: string) => run.cart.after.lines.find((l: Json) => l.sku === sku);
    expect(line('MILK-1')).toMatchObject({ discount: '27.80', net: '222.20', discounts: [{ promotion: 'D-TH', amount: '27.80' }] });
    expect(line('JUICE-1')).toMatchObject({ discount: '4.40', net: '17.60', discounts: [{ promotion: 'P-JUICE', amount: '2.20' }, { promotion: 'D-TH', amount: '2.20' }] });
    const report = (code: string) => run.cart.after.promotions.find((p: Json) => p.code === code);
    expect(report('D-TH')).toMatchObject({ id: -1, status: 'applied', discount: '30.00' });
    expect(report('D-GIFT-BAD')).toMatchObject({ status: 'not_applied', reason: { code: 'gift_not_orderable' } });
    expect(run.cart.difference).toEqual({
      discount: '30.00',
      net: '-30.00',
      promotions: [{ code: 'D-TH', draft: true, before: null, after: { status: 'applied', discount: '30.00', gifts: [] } }],
    });

    // The drafts alone: S = 272.00; 3000 × 2200/27200 = 242.65 → 242 (+1 by remainder), 2757 for MILK-1.
    const alone = (await admin('POST', '/admin/promotions/dry-run', { promotions: [draft], include: 'none', cart })).json();
    expect(alone.cart.after.totals).toMatchObject({ discount: '30.00', net: '242.00' });
    expect(alone.cart.after.lines.map((l: Json) => [l.sku, l.discount])).toEqual([['MILK-1', '27.57'], ['JUICE-1', '2.43']]);
    expect(alone.cart.difference).toMatchObject({ discount: '27.80', net: '-27.80' });
    expect(alone.cart.difference.promotions.map((p: Json) => [p.code, p.before?.discount ?? null, p.after?.discount ?? null])).toEqual([
      ['D-TH', null, '30.00'],
      ['P-JUICE', '2.20', null],
    ]);

    // A draft with a stored code stands in for it: 20 % of 22.00 instead of 10 %.
    const edit = (await admin('POST', '/admin/promotions/dry-run', { promotions: [{ code: 'P-JUICE', name: '果汁八折', rule: { type: 'line_discount', percentOff: '20' }, eligibility: { products: ['JUICE-1'] } }], cart })).json();
    expect(edit.drafts[0]).toMatchObject({ code: 'P-JUICE', replaces: 'P-JUICE' });
    expect(edit.drafts[0].id).toBeGreaterThan(0);
    expect(edit.cart.after.totals.discount).toBe('4.40');
    expect(edit.cart.difference.promotions).toEqual([
      { code: 'P-JUICE', draft: true, before: { status: 'applied', discount: '2.20', gifts: [] }, after: { status: 'applied', discount: '4.40', gifts: [] } },
    ]);

    // A draft that starts later does not apply now, and does at an instant inside its window.
    const later = { ...draft, validFrom: '2099-01-01' };
    const now = (await admin('POST', '/admin/promotions/dry-run', { promotions: [later], cart })).json();
    expect(now.cart.after.promotions.find((p: Json) => p.code === 'D-TH')).toMatchObject({ status: 'not_applied', reason: { code: 'not_started' } });
    const then = (await admin('POST', '/admin/promotions/dry-run', { promotions: [later], cart, at: '2099-01-02T10:00' })).json();
    expect(then.cart).toMatchObject({ at: '2099-01-02T02:00:00.000Z', difference: { discount: '30.00' } });

    expect((await admin('POST', '/admin/promotions/dry-run', { promotions: [draft] })).statusCode).toBe(400);
    expect((await admin('POST', '/admin/promotions/dry-run', { promotions: [draft], cart: { ...cart, dealer: 'T999' } })).statusCode).toBe(404);
    expect({ orders: await count('orders'), promotions: await count('promotions'), redemptions: await count('promotion_redemptions') }).toEqual(before);
  });

  it('dry-runs drafts against the last orders, per order and in total', async () => {
    // In force: P-JUICE (10 % off JUICE-1). P-USED is ended, P-CPN paused.
    const o1 = await order(t.tokens.d1, 'T001-01', [{ sku: 'MILK-1', qty: 30 }, { sku: 'JUICE-1', qty: 10 }]);
    const o2 = await order(t.tokens.d2, 'T002-01', [{ sku: 'MILK-1', qty: 10 }]);
    const o3 = await order(t.tokens.d1, 'T001-01', [{ sku: 'JUICE-1', qty: 4 }]);
    expect([o1.totals, o2.totals, o3.totals]).toEqual([
      { gross: '355.00', discount: '5.50', net: '349.50', currency: 'CNY' },
      { gross: '110.00', discount: '0.00', net: '110.00', currency: 'CNY' },
      { gross: '22.00', discount: '2.20', net: '19.80', currency: 'CNY' },
    ]);
    const redemptions = await count('promotion_redemptions');

    const drafts = [
      { code: 'D-TH300', name: '满300减25', rule: { type: 'threshold', threshold: '300.00', amountOff: '25.00' } },
      { code: 'D-GIFT', name: '每10件送杯', rule: { type: 'gift', minQty: 10, perMultiple: true, gifts: [{ sku: 'GIFT-1', qty: 1 }] } },
    ];
    const run = (await admin('POST', '/admin/promotions/dry-run', { promotions: drafts, lastOrders: 3 })).json();
    expect(run.cart).toBeNull();
    expect(run.assumptions.join(' ')).toMatch(/windows are ignored/);
    const orders = run.orders.orders as Json[];
    expect(orders.map((o) => o.number)).toEqual([o3.number, o2.number, o1.number]);

    // O3: 22.00 of juice, 4 items: neither 300.00 nor 10 items.
    expect(orders[0]).toMatchObject({
      dealer: 'T001',
      placed: { discount: '2.20', net: '19.80' },
      before: { discount: '2.20', net: '19.80', applied: [{ code: 'P-JUICE', discount: '2.20', gifts: [] }] },
      after: { discount: '2.20', net: '19.80', applied: [{ code: 'P-JUICE', discount: '2.20', gifts: [] }] },
      difference: { discount: '0.00', net: '0.00' },
      changed: false,
    });
    // O2 (T002, tier B): 110.00 < 300.00, but 10 items: one gift set, no money.
    expect(orders[1]).toMatchObject({
      dealer: 'T002',
      shipTo: 'T002-01',
      placed: { discount: '0.00', net: '110.00' },
      before: { discount: '0.00', net: '110.00', applied: [] },
      after: { discount: '0.00', net: '110.00', applied: [{ code: 'D-GIFT', discount: '0.00', gifts: [{ sku: 'GIFT-1', qty: 1 }] }] },
      difference: { discount: '0.00', net: '0.00' },
      changed: true,
    });
    // O1: juice 55.00 − 5.50; after line discounts S = 300.00 + 49.50 = 349.50 ≥ 300.00 → 25.00; 40 items → 4 gift sets.
    expect(orders[2]).toMatchObject({
      dealer: 'T001',
      placed: { discount: '5.50', net: '349.50' },
      before: { discount: '5.50', net: '349.50', applied: [{ code: 'P-JUICE', discount: '5.50', gifts: [] }] },
      after: {
        discount: '30.50',
        net: '324.50',
        applied: [
          { code: 'P-JUICE', discount: '5.50', gifts: [] },
          { code: 'D-GIFT', discount: '0.00', gifts: [{ sku: 'GIFT-1', qty: 4 }] },
          { code: 'D-TH300', discount: '25.00', gifts: [] },
        ],
      },
      difference: { discount: '25.00', net: '-25.00' },
      changed: true,
    });
    expect(run.orders.totals).toEqual({
      orders: 3,
      ordersAffected: 2,
      currency: 'CNY',
      before: { discount: '7.70', net: '479.30' },
      after: { discount: '32.70', net: '454.30' },
      extraDiscount: '25.00',
      promotions: [
        { code: 'D-GIFT', draft: true, before: { timesApplied: 0, discount: '0.00', gifts: [] }, after: { timesApplied: 2, discount: '0.00', gifts: [{ sku: 'GIFT-1', qty: 5 }] } },
        { code: 'D-TH300', draft: true, before: { timesApplied: 0, discount: '0.00', gifts: [] }, after: { timesApplied: 1, discount: '25.00', gifts: [] } },
        { code: 'P-JUICE', draft: false, before: { timesApplied: 2, discount: '7.70', gifts: [] }, after: { timesApplied: 2, discount: '7.70', gifts: [] } },
      ],
    });

    // Stored promotions are judged as they are now: the order that got P-USED (ended since) gets nothing before.
    const wider = (await admin('POST', '/admin/promotions/dry-run', { promotions: drafts, lastOrders: 10 })).json();
    expect(wider.orders.orders).toHaveLength(4);
    expect(wider.orders.orders[3]).toMatchObject({ placed: { discount: '10.00' }, before: { discount: '0.00', applied: [] }, after: { discount: '0.00' } });

    expect(await count('promotion_redemptions')).toBe(redemptions);
    expect(await count('orders')).toBe(4);
  });
});
