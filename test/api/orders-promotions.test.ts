/**
 * Promotions in the order path, through the HTTP API on every store: quotes explain every
 * promotion, orders keep per-line discounts and gift lines, coupons and budgets are consumed in
 * the order's transaction (never overspent under concurrency) and given back on cancel.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/db/index.js';
import { promotionInput } from '../../src/ordering/promotions/definition.js';
import { promotionRecord } from '../../src/promotions/record.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { storeDrivers } from '../support/store.js';

/** Stores a promotion as the admin API would (validated input → row). */
async function addPromotion(store: Store, input: Record<string, unknown>): Promise<number> {
  const r = promotionRecord(promotionInput.parse(input));
  const { rows } = await store.query<{ id: string }>(
    `INSERT INTO promotions (code, name, type, rules, eligibility, priority, stackable, exclusive_group, valid_from, valid_to, time_zone,
                             requires_coupon, budget_amount, budget_uses, per_dealer_limit, status)
     VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
    [r.code, r.name, r.type, JSON.stringify(r.rules), JSON.stringify(r.eligibility), r.priority, r.stackable, r.exclusive_group, r.valid_from, r.valid_to,
      r.time_zone, r.requires_coupon, r.budget_amount, r.budget_uses, r.per_dealer_limit, r.status],
  );
  return Number(rows[0]!.id);
}

async function addCoupon(store: Store, promotionId: number, code: string, maxUses: number | null, perDealerLimit: number | null = null): Promise<void> {
  await store.query('INSERT INTO coupons (code, promotion_id, max_uses, per_dealer_limit) VALUES ($1, $2, $3, $4)', [code, promotionId, maxUses, perDealerLimit]);
}

interface Line {
  lineNo: number;
  sku: string;
  qty: number;
  discount: string;
  net: string;
  isGift: boolean;
  giftOf: string | null;
  discounts: Array<{ promotion: string; amount: string }>;
}
interface Report {
  code: string;
  status: string;
  discount: string;
  reason: { code: string; message: { en: string } };
  hint: { message: { en: string } } | null;
}

describe.each(storeDrivers())('promotions in quotes and orders on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(driver);
    // T001 (tier A, ship-to T001-01 in 440305) and T002 (tier B, T002-01 in 330106) come seeded.
    await t.store.query(`
      INSERT INTO dealer_regions (dealer_id, region_code) SELECT id, '33' FROM dealers WHERE code = 'T001';
      INSERT INTO credit_accounts (dealer_id, credit_limit) SELECT id, 10000000 FROM dealers;
      INSERT INTO products (sku, name, category) VALUES ('MLK', '牛奶', 'dairy'), ('YGT', '酸奶', 'dairy'), ('JCE', '果汁', 'juice'), ('GFT', '赠品杯', 'gift');
      INSERT INTO price_lists (code, name, tier) VALUES ('TIER-A', 'A', 'A'), ('TIER-B', 'B', 'B');
      INSERT INTO prices (price_list_id, product_id, unit_price)
        SELECT l.id, p.id, CASE p.sku WHEN 'MLK' THEN 10.00 WHEN 'YGT' THEN 25.00 WHEN 'JCE' THEN 3.3333 ELSE 5.00 END FROM price_lists l, products p;
      INSERT INTO warehouses (code, name, region_code) VALUES ('WH-SZ', '深圳仓', '4403'), ('WH-HZ', '杭州仓', '3301');
      INSERT INTO stock_lots (product_id, warehouse_id, lot, on_hand, expiry_date)
        SELECT p.id, w.id, 'L1', CASE p.sku WHEN 'GFT' THEN 3 ELSE 100000 END, current_date + 300 FROM products p, warehouses w
         WHERE p.sku <> 'GFT' OR w.code = 'WH-SZ';`);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    // Each test states its own promotions; orders of earlier tests stay (cancelled where it matters).
    await t.store.query(`DELETE FROM promotion_redemptions; DELETE FROM coupons; UPDATE order_lines SET promotion_id = NULL; DELETE FROM promotions`);
  });

  const post = (token: string, url: string, payload: unknown) => t.app.inject({ method: 'POST', url, headers: bearer(token), payload: payload as object });
  const quote = async (lines: Array<{ sku: string; qty: number }>, extra: Record<string, unknown> = {}, token = t.tokens.d1) => {
    const response = await post(token, '/v1/quotes', { shipTo: token === t.tokens.d1 ? 'T001-01' : 'T002-01', lines, ...extra });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { lines: Line[]; totals: { gross: string; discount: string; net: string }; promotions: Report[]; coupons: Array<{ code: string; status: string; reason: { code: string } }>; review: { decision: string; findings: Array<{ code: string; data: Record<string, unknown> }> } };
  };
  const order = (lines: Array<{ sku: string; qty: number }>, extra: Record<string, unknown> = {}) => post(t.tokens.d1, '/v1/orders', { shipTo: 'T001-01', lines, ...extra });

  it('explains a threshold not reached with the numbers and a hint, then applies it once reached', async () => {
    await addPromotion(t.store, { code: 'MJ1000', name: '满1000减100', rule: { type: 'threshold', threshold: '1000.00', amountOff: '100.00' } });
    const short = await quote([{ sku: 'MLK', qty: 82 }]);
    expect(short.promotions).toEqual([
      expect.objectContaining({ code: 'MJ1000', status: 'not_applied', discount: '0.00', reason: expect.objectContaining({ code: 'threshold_not_reached' }) }),
    ]);
    expect(short.promotions[0]!.reason.message.en).toBe('threshold not reached: 820.00 < 1000.00');
    expect(short.promotions[0]!.hint!.message.en).toBe('spend 180.00 more for 100.00 off');
    expect(short.totals).toMatchObject({ gross: '820.00', discount: '0.00', net: '820.00' });

    // 60 × 10.00 + 17 × 25.00 = 1025.00 → 100.00 off, split by largest remainder: 600/1025 × 100 = 58.536…, 425/1025 × 100 = 41.463…
    const reached = await quote([{ sku: 'MLK', qty: 60 }, { sku: 'YGT', qty: 17 }]);
    expect(reached.totals).toMatchObject({ gross: '1025.00', discount: '100.00', net: '925.00' });
    expect(reached.lines.map((l) => [l.sku, l.discount, l.net, l.discounts])).toEqual([
      ['MLK', '58.54', '541.46', [{ promotion: 'MJ1000', amount: '58.54' }]],
      ['YGT', '41.46', '383.54', [{ promotion: 'MJ1000', amount: '41.46' }]],
    ]);
    expect(reached.promotions[0]).toMatchObject({ status: 'applied', discount: '100.00' });
  });

  it('applies line-level before order-level: 10 % off after a buy-2-get-1 and a category discount', async () => {
    await addPromotion(t.store, { code: 'DAIRY5', name: '乳品每件减0.50', rule: { type: 'line_discount', amountOff: '0.50', per: 'unit' }, eligibility: { categories: ['dairy'] } });
    await addPromotion(t.store, { code: 'ALL10', name: '全单9折', rule: { type: 'order_percent', percentOff: '10' }, priority: 1 });
    const q = await quote([{ sku: 'MLK', qty: 10 }, { sku: 'JCE', qty: 3 }]);
    // MLK 100.00 − 5.00 = 95.00; JCE 3 × 3.3333 = 9.9999 → 10.00. 10 % of 105.00 = 10.50.
    expect(q.totals).toMatchObject({ gross: '110.00', discount: '15.50', net: '94.50' });
    const all10 = q.promotions.find((p) => p.code === 'ALL10')!;
    expect(all10.reason.message.en).toBe('10% of 105.00 after line discounts: 10.50 off');
    expect(q.promotions.map((p) => p.code)).toEqual(['DAIRY5', 'ALL10']);
  });

  it('adds gift lines, reserves their stock, and holds the order when a gift is out of stock', async () => {
    await addPromotion(t.store, { code: 'MZ', name: '满200赠杯', rule: { type: 'gift', minSubtotal: '200.00', gifts: [{ sku: 'GFT', qty: 1 }], perMultiple: true } });
    const placed = await order([{ sku: 'MLK', qty: 40 }]);
    expect(placed.statusCode, placed.body).toBe(201);
    const body = placed.json();
    expect(body.status).toBe('approved');
    const gift = body.lines.find((l: Line) => l.isGift);
    expect(gift).toMatchObject({ lineNo: 2, sku: 'GFT', qty: 2, unitPrice: '0.00', lineTotal: '0.00', net: '0.00', giftOf: 'MZ', warehouse: 'WH-SZ' });
    expect(gift.lots.reduce((s: number, l: { qty: number }) => s + l.qty, 0)).toBe(2);
    expect(body.totals).toMatchObject({ gross: '400.00', discount: '0.00', net: '400.00' });
    expect(body.promotions).toEqual([expect.objectContaining({ code: 'MZ', status: 'applied', gifts: [{ sku: 'GFT', qty: 2 }] })]);

    // 1 cup left in WH-SZ (3 − 2): a gift of 3 is short, reported like any line, never dropped.
    const short = await order([{ sku: 'MLK', qty: 60 }]);
    expect(short.statusCode).toBe(201);
    expect(short.json().status).toBe('held');
    expect(short.json().review.findings).toEqual([expect.objectContaining({ code: 'stock_short', data: expect.objectContaining({ lineNo: 2, sku: 'GFT', requested: 3 }) })]);
    for (const id of [body.id, short.json().id]) expect((await post(t.tokens.d1, `/v1/orders/${id}/cancel`, { reason: 'test' })).statusCode).toBe(200);
  });

  it('buy 2 get 1 of the same SKU allocates the gift after the ordered units from the same lots', async () => {
    await addPromotion(t.store, { code: 'B2G1', name: '买二赠一', rule: { type: 'buy_x_get_y', buy: 2, get: 1 }, eligibility: { products: ['GFT'] } });
    const q = await quote([{ sku: 'GFT', qty: 2 }]);
    // 3 cups in stock: 2 ordered + 1 free uses them all; the gift competes for the same lot.
    expect(q.lines.map((l) => [l.sku, l.qty, l.isGift])).toEqual([['GFT', 2, false], ['GFT', 1, true]]);
    expect(q.review.decision).toBe('approve');
    const more = await quote([{ sku: 'GFT', qty: 3 }]);
    expect(more.review.findings).toEqual([expect.objectContaining({ code: 'stock_short', data: expect.objectContaining({ lineNo: 2, requested: 1, shortfall: 1 }) })]);
  });

  it('stores per-line discounts and the promotion report with the order, the same as the quote', async () => {
    await addPromotion(t.store, { code: 'MJ500', name: '满500减50', rule: { type: 'threshold', threshold: '500.00', amountOff: '50.00' } });
    // 500.00 + 7 × 3.3333 = 523.33 → 50.00 off. Exact shares: MLK 47.771…, JCE 2.228…; the floors
    // (47.77 + 2.22) leave a cent, which goes to the larger remainder (JCE): 47.77 and 2.23.
    const lines = [{ sku: 'MLK', qty: 50 }, { sku: 'JCE', qty: 7 }];
    const q = await quote(lines);
    expect(q.lines.map((l) => l.discount)).toEqual(['47.77', '2.23']);
    const placed = await order(lines);
    expect(placed.statusCode).toBe(201);
    const body = placed.json();
    expect(body.totals).toEqual({ ...q.totals, currency: 'CNY' });
    expect(body.lines.map((l: Line) => [l.sku, l.discount, l.net, l.discounts])).toEqual(q.lines.map((l) => [l.sku, l.discount, l.net, l.discounts]));
    const { rows } = await t.store.query<{ discounts: unknown; net: string }>(
      `SELECT ol.discounts, ol.net::text FROM order_lines ol JOIN orders o ON o.id = ol.order_id WHERE o.id = $1 ORDER BY ol.line_no`,
      [body.id],
    );
    expect(rows.map((r) => r.discounts)).toEqual(q.lines.map((l) => l.discounts));
    const redemptions = await t.store.query<{ discount: string; status: string }>('SELECT discount::text, status FROM promotion_redemptions WHERE order_id = $1', [body.id]);
    expect(redemptions.rows).toEqual([{ discount: '50.00', status: 'active' }]);
    await post(t.tokens.d1, `/v1/orders/${body.id}/cancel`, { reason: 'test' });
  });

  it('does not show a dealer the promotions meant for other dealers or tiers', async () => {
    await addPromotion(t.store, { code: 'ONLY-T2', name: 'T002 专享', rule: { type: 'threshold', threshold: '1.00', amountOff: '1.00' }, eligibility: { dealers: ['T002'] } });
    await addPromotion(t.store, { code: 'TIER-B', name: 'B级专享', rule: { type: 'threshold', threshold: '1.00', amountOff: '1.00' }, eligibility: { tiers: ['B'] } });
    await addPromotion(t.store, { code: 'ZJ', name: '浙江区域', rule: { type: 'threshold', threshold: '1.00', amountOff: '1.00' }, eligibility: { regions: ['33'] } });
    const q = await quote([{ sku: 'MLK', qty: 1 }]);
    expect(q.promotions.map((p) => [p.code, p.reason.code])).toEqual([['ZJ', 'region_not_eligible']]);
    const t2 = await quote([{ sku: 'MLK', qty: 1 }], {}, t.tokens.d2);
    expect(t2.promotions.map((p) => [p.code, p.status])).toEqual([['ONLY-T2', 'applied'], ['TIER-B', 'applied'], ['ZJ', 'applied']]);
  });

  it('refuses an order with an invalid coupon (422) and consumes a single-use code exactly once; cancel gives it back', async () => {
    const id = await addPromotion(t.store, { code: 'VIP', name: '优惠码立减20', rule: { type: 'threshold', threshold: '100.00', amountOff: '20.00' }, requiresCoupon: true });
    await addCoupon(t.store, id, 'VIP-ONCE', 1);
    const unknown = await order([{ sku: 'MLK', qty: 20 }], { couponCodes: ['NOPE-123'] });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error).toMatchObject({ message: 'coupon NOPE-123 does not exist', details: { code: 'invalid_coupon' } });

    const q = await quote([{ sku: 'MLK', qty: 20 }], { couponCodes: [' vip-once '] });
    expect(q.coupons).toEqual([expect.objectContaining({ code: 'vip-once', status: 'applied' })]);
    expect(q.totals.discount).toBe('20.00');

    const first = await order([{ sku: 'MLK', qty: 20 }], { couponCodes: ['vip-once'] });
    expect(first.statusCode).toBe(201);
    expect(first.json().totals.discount).toBe('20.00');
    expect(first.json().coupons).toEqual([expect.objectContaining({ status: 'applied' })]);
    const second = await order([{ sku: 'MLK', qty: 20 }], { couponCodes: ['VIP-ONCE'] });
    expect(second.statusCode).toBe(422);
    expect(second.json().error.message).toBe('coupon VIP-ONCE is used up');

    expect((await post(t.tokens.d1, `/v1/orders/${first.json().id}/cancel`, { reason: 'changed my mind' })).statusCode).toBe(200);
    const coupon = await t.store.query<{ used: number }>(`SELECT used FROM coupons WHERE code = 'VIP-ONCE'`);
    expect(coupon.rows).toEqual([{ used: 0 }]);
    const again = await order([{ sku: 'MLK', qty: 20 }], { couponCodes: ['VIP-ONCE'] });
    expect(again.statusCode).toBe(201);
    expect(again.json().totals.discount).toBe('20.00');
    await post(t.tokens.d1, `/v1/orders/${again.json().id}/cancel`, { reason: 'test' });
  });

  it('stops a promotion when its amount budget cannot cover the discount, and reports why', async () => {
    await addPromotion(t.store, { code: 'BUDGET', name: '预算100', rule: { type: 'threshold', threshold: '100.00', amountOff: '30.00' }, budgetAmount: '100.00' });
    const placed = [];
    for (let i = 0; i < 4; i += 1) placed.push((await order([{ sku: 'MLK', qty: 10 }])).json());
    expect(placed.map((o) => o.totals.discount)).toEqual(['30.00', '30.00', '30.00', '0.00']);
    expect(placed[3].promotions[0].reason.message.en).toBe('budget exhausted: 10.00 left < discount 30.00');
    const { rows } = await t.store.query<{ used_amount: string; used_uses: number }>(`SELECT used_amount::text, used_uses FROM promotions WHERE code = 'BUDGET'`);
    expect(rows).toEqual([{ used_amount: '90.00', used_uses: 3 }]);
    for (const o of placed) await post(t.tokens.d1, `/v1/orders/${o.id}/cancel`, { reason: 'test' });
    const after = await t.store.query<{ used_amount: string; used_uses: number }>(`SELECT used_amount::text, used_uses FROM promotions WHERE code = 'BUDGET'`);
    expect(after.rows).toEqual([{ used_amount: '0.00', used_uses: 0 }]);
  });

  it('never overspends under concurrency: 40 orders race for 10 budgeted uses and 20 for one single-use code', async () => {
    const budgeted = await addPromotion(t.store, { code: 'TEN', name: '前10单减5', rule: { type: 'threshold', threshold: '10.00', amountOff: '5.00' }, budgetUses: 10 });
    const responses = await Promise.all(Array.from({ length: 40 }, () => order([{ sku: 'MLK', qty: 2 }])));
    expect(responses.map((r) => r.statusCode).filter((s) => s !== 201)).toEqual([]);
    const discounts = responses.map((r) => r.json().totals.discount as string);
    expect(discounts.filter((d) => d === '5.00')).toHaveLength(10);
    expect(discounts.filter((d) => d === '0.00')).toHaveLength(30);
    const counters = await t.store.query<{ used_uses: number; active: number }>(
      `SELECT used_uses, (SELECT count(*)::int FROM promotion_redemptions WHERE promotion_id = $1 AND status = 'active') AS active FROM promotions WHERE id = $1`,
      [budgeted],
    );
    expect(counters.rows).toEqual([{ used_uses: 10, active: 10 }]);

    const single = await addPromotion(t.store, { code: 'ONE', name: '唯一码', rule: { type: 'threshold', threshold: '10.00', amountOff: '1.00' }, requiresCoupon: true });
    await addCoupon(t.store, single, 'LUCKY-1', 1);
    const race = await Promise.all(Array.from({ length: 20 }, () => order([{ sku: 'YGT', qty: 1 }], { couponCodes: ['LUCKY-1'] })));
    expect(race.map((r) => r.statusCode).sort()).toEqual([201, ...Array<number>(19).fill(422)]);
    const coupon = await t.store.query<{ used: number }>(`SELECT used FROM coupons WHERE code = 'LUCKY-1'`);
    expect(coupon.rows).toEqual([{ used: 1 }]);
  });
});
