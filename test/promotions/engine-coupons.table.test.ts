/**
 * Table-driven examples of coupons (README §1.4 and "Coupons"), largest-remainder allocation
 * (README §5) and regression cases for bugs the earlier implementations had. Expected amounts
 * are worked by hand from README.md.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { promotionRule, type CouponFacts, type Promotion } from '../../src/ordering/promotions/definition.js';
import { evaluatePromotions } from '../../src/ordering/promotions/engine.js';
import type { CartLine, PromotionContext, PromotionResult } from '../../src/ordering/promotions/types.js';
import { NOW, cart, context, promotion } from './builders.js';
import { checkInvariants } from './compare.js';

/** it.each rows as [title, row] so that `%s` prints the whole title (`$name` is truncated at 40 characters). */
const named = <T extends { name: string }>(rows: T[]): Array<[string, T]> => rows.map((row) => [row.name, row]);

type RuleInput = z.input<typeof promotionRule>;
type LineSpec = [sku: string, unitPrice: string, qty: number, category?: string | null];
const rule = (r: RuleInput) => promotionRule.parse(r);
const threshold = (t: string, off: string) => rule({ type: 'threshold', threshold: t, amountOff: off });

function evaluate(lines: CartLine[], promotions: Promotion[], ctx: PromotionContext = context()): PromotionResult {
  const result = evaluatePromotions(lines, promotions, ctx);
  checkInvariants(lines, result);
  return result;
}
const report = (r: PromotionResult, code: string) => r.promotions.find((p) => p.code === code)!;
const giftLines = (r: PromotionResult) => r.lines.filter((l) => l.isGift).map((l) => `${l.sku}×${l.qty} of ${l.giftOf}`);
const ms = (offset: number) => new Date(NOW.getTime() + offset);

function coupon(code: string, extra: Partial<CouponFacts> = {}): CouponFacts {
  return { code, promotionId: 1, maxUses: 1, used: 0, perDealerLimit: null, dealerUses: 0, dealerCode: null, validFrom: null, validTo: null, status: 'active', ...extra };
}

describe('coupons', () => {
  // P1: 10.00 off from 100.00, needs a coupon. P2: 5.00 off from 100.00, needs none.
  // Cart 1000.00: P1 + P2 = 15.00 when P1 is unlocked, else P2 alone = 5.00.
  interface CouponRow {
    name: string;
    codes: string[];
    coupons: CouponFacts[];
    lines?: LineSpec[];
    p1?: Partial<Promotion>;
    ctx?: Partial<PromotionContext>;
    p1Status: 'applied' | 'not_applied';
    p1Reason: string;
    /** The code reported as having unlocked P1; undefined = not checked. */
    p1Coupon?: string | null;
    /** Coupon reports: [code, status, reason code]. */
    reports: Array<[string, string, string]>;
    /** [index in reports, English reason]. */
    en?: [number, string];
    discount: string;
  }
  it.each(named<CouponRow>([
    { name: 'requiresCoupon without a code', codes: [], coupons: [], p1Status: 'not_applied', p1Reason: 'coupon_required', p1Coupon: null, reports: [], discount: '5.00' },
    {
      name: 'a usable single-use code unlocks it',
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10')],
      p1Status: 'applied',
      p1Reason: 'applied_amount',
      p1Coupon: 'SAVE10',
      reports: [['SAVE10', 'applied', 'coupon_applied']],
      en: [0, 'coupon SAVE10 applied: P1'],
      discount: '15.00',
    },
    {
      name: 'case-insensitive and trimmed: "  save10 " matches SAVE10',
      codes: ['  save10 '],
      coupons: [coupon('SAVE10')],
      p1Status: 'applied',
      p1Reason: 'applied_amount',
      p1Coupon: 'save10',
      reports: [['save10', 'applied', 'coupon_applied']],
      discount: '15.00',
    },
    {
      name: 'case-insensitive the other way: "SAVE10" matches a stored "Save10"',
      codes: ['SAVE10'],
      coupons: [coupon('Save10')],
      p1Status: 'applied',
      p1Reason: 'applied_amount',
      p1Coupon: 'SAVE10',
      reports: [['SAVE10', 'applied', 'coupon_applied']],
      discount: '15.00',
    },
    {
      name: 'single-use code already used → invalid, promotion needs a code',
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10', { used: 1 })],
      p1Status: 'not_applied',
      p1Reason: 'coupon_required',
      p1Coupon: null,
      reports: [['SAVE10', 'invalid', 'coupon_used_up']],
      en: [0, 'coupon SAVE10 is used up'],
      discount: '5.00',
    },
    {
      name: 'unlimited code (maxUses null) used 500 times',
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10', { maxUses: null, used: 500 })],
      p1Status: 'applied',
      p1Reason: 'applied_amount',
      reports: [['SAVE10', 'applied', 'coupon_applied']],
      discount: '15.00',
    },
    {
      name: 'maxUses 5, used 4: one use left',
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10', { maxUses: 5, used: 4 })],
      p1Status: 'applied',
      p1Reason: 'applied_amount',
      reports: [['SAVE10', 'applied', 'coupon_applied']],
      discount: '15.00',
    },
    {
      name: "coupon per-dealer limit 1, this dealer used it once → invalid",
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10', { maxUses: null, perDealerLimit: 1, dealerUses: 1 })],
      p1Status: 'not_applied',
      p1Reason: 'coupon_required',
      reports: [['SAVE10', 'invalid', 'coupon_dealer_limit']],
      en: [0, "coupon SAVE10: this dealer's limit is reached"],
      discount: '5.00',
    },
    {
      name: 'coupon per-dealer limit 2, used once',
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10', { maxUses: null, perDealerLimit: 2, dealerUses: 1 })],
      p1Status: 'applied',
      p1Reason: 'applied_amount',
      reports: [['SAVE10', 'applied', 'coupon_applied']],
      discount: '15.00',
    },
    {
      name: 'a code for another dealer → invalid',
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10', { dealerCode: 'D002' })],
      p1Status: 'not_applied',
      p1Reason: 'coupon_required',
      reports: [['SAVE10', 'invalid', 'coupon_other_dealer']],
      en: [0, 'coupon SAVE10 belongs to another dealer'],
      discount: '5.00',
    },
    {
      name: "a code for this dealer (D001)",
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10', { dealerCode: 'D001' })],
      p1Status: 'applied',
      p1Reason: 'applied_amount',
      reports: [['SAVE10', 'applied', 'coupon_applied']],
      discount: '15.00',
    },
    {
      name: 'a disabled code → invalid',
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10', { status: 'disabled' })],
      p1Status: 'not_applied',
      p1Reason: 'coupon_required',
      reports: [['SAVE10', 'invalid', 'coupon_disabled']],
      en: [0, 'coupon SAVE10 is disabled'],
      discount: '5.00',
    },
    {
      name: 'coupon validFrom now + 1 ms → invalid (not valid yet)',
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10', { validFrom: ms(1) })],
      p1Status: 'not_applied',
      p1Reason: 'coupon_required',
      reports: [['SAVE10', 'invalid', 'coupon_not_started']],
      en: [0, 'coupon SAVE10 is not valid yet'],
      discount: '5.00',
    },
    {
      name: 'coupon validFrom = now (inclusive)',
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10', { validFrom: NOW })],
      p1Status: 'applied',
      p1Reason: 'applied_amount',
      reports: [['SAVE10', 'applied', 'coupon_applied']],
      discount: '15.00',
    },
    {
      name: 'coupon validTo = now (exclusive) → invalid (expired)',
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10', { validTo: NOW })],
      p1Status: 'not_applied',
      p1Reason: 'coupon_required',
      reports: [['SAVE10', 'invalid', 'coupon_expired']],
      en: [0, 'coupon SAVE10 has expired'],
      discount: '5.00',
    },
    {
      name: 'coupon validTo = now + 1 ms',
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10', { validTo: ms(1) })],
      p1Status: 'applied',
      p1Reason: 'applied_amount',
      reports: [['SAVE10', 'applied', 'coupon_applied']],
      discount: '15.00',
    },
    {
      name: 'an unknown code → invalid',
      codes: ['NOPE'],
      coupons: [coupon('SAVE10')],
      p1Status: 'not_applied',
      p1Reason: 'coupon_required',
      reports: [['NOPE', 'invalid', 'coupon_unknown']],
      en: [0, 'coupon NOPE does not exist'],
      discount: '5.00',
    },
    {
      name: 'a redundant second code for the same promotion is not applied (and not consumed)',
      codes: ['SAVE10', 'EXTRA'],
      coupons: [coupon('SAVE10'), coupon('EXTRA')],
      p1Status: 'applied',
      p1Reason: 'applied_amount',
      p1Coupon: 'SAVE10',
      reports: [
        ['SAVE10', 'applied', 'coupon_applied'],
        ['EXTRA', 'not_applied', 'coupon_redundant'],
      ],
      en: [1, 'its promotion is already unlocked by SAVE10'],
      discount: '15.00',
    },
    {
      name: 'the first usable code in entry order unlocks it',
      codes: ['EXTRA', 'SAVE10'],
      coupons: [coupon('SAVE10'), coupon('EXTRA')],
      p1Status: 'applied',
      p1Reason: 'applied_amount',
      p1Coupon: 'EXTRA',
      reports: [
        ['EXTRA', 'applied', 'coupon_applied'],
        ['SAVE10', 'not_applied', 'coupon_redundant'],
      ],
      en: [1, 'its promotion is already unlocked by EXTRA'],
      discount: '15.00',
    },
    {
      name: 'an unusable first code is skipped: the second unlocks it',
      codes: ['SAVE10', 'EXTRA'],
      coupons: [coupon('SAVE10', { used: 1 }), coupon('EXTRA')],
      p1Status: 'applied',
      p1Reason: 'applied_amount',
      p1Coupon: 'EXTRA',
      reports: [
        ['SAVE10', 'invalid', 'coupon_used_up'],
        ['EXTRA', 'applied', 'coupon_applied'],
      ],
      discount: '15.00',
    },
    {
      name: 'the same code entered twice (different case) is reported once',
      codes: ['SAVE10', 'save10'],
      coupons: [coupon('SAVE10')],
      p1Status: 'applied',
      p1Reason: 'applied_amount',
      p1Coupon: 'SAVE10',
      reports: [['SAVE10', 'applied', 'coupon_applied']],
      discount: '15.00',
    },
    {
      name: "a code for a promotion that doesn't need one → not_applied coupon_not_needed",
      codes: ['FREE'],
      coupons: [coupon('FREE', { promotionId: 2 })],
      p1Status: 'not_applied',
      p1Reason: 'coupon_required',
      p1Coupon: null,
      reports: [['FREE', 'not_applied', 'coupon_not_needed']],
      en: [0, 'promotion P2 applies without a code'],
      discount: '5.00',
    },
    {
      name: 'coupon_not_needed beside a code that is needed',
      codes: ['FREE', 'SAVE10'],
      coupons: [coupon('FREE', { promotionId: 2 }), coupon('SAVE10')],
      p1Status: 'applied',
      p1Reason: 'applied_amount',
      p1Coupon: 'SAVE10',
      reports: [
        ['FREE', 'not_applied', 'coupon_not_needed'],
        ['SAVE10', 'applied', 'coupon_applied'],
      ],
      discount: '15.00',
    },
    {
      name: 'an unusable code is invalid even when its promotion needs none',
      codes: ['FREE'],
      coupons: [coupon('FREE', { promotionId: 2, used: 1 })],
      p1Status: 'not_applied',
      p1Reason: 'coupon_required',
      reports: [['FREE', 'invalid', 'coupon_used_up']],
      discount: '5.00',
    },
    {
      name: 'a code whose promotion is not loaded → invalid',
      codes: ['GHOST'],
      coupons: [coupon('GHOST', { promotionId: 99 })],
      p1Status: 'not_applied',
      p1Reason: 'coupon_required',
      reports: [['GHOST', 'invalid', 'coupon_promotion_unavailable']],
      en: [0, 'coupon GHOST: its promotion is not available'],
      discount: '5.00',
    },
    {
      name: 'unlocked, but the promotion is not reached → not_applied with its reason',
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10')],
      lines: [['S01', '50.00', 1]],
      p1Status: 'not_applied',
      p1Reason: 'threshold_not_reached',
      reports: [['SAVE10', 'not_applied', 'coupon_promotion_not_applied']],
      en: [0, 'promotion P1 did not apply: threshold not reached: 50.00 < 100.00'],
      discount: '0.00',
    },
    {
      name: 'a usable code for a paused promotion → not_applied with its reason',
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10')],
      p1: { status: 'paused' },
      p1Status: 'not_applied',
      p1Reason: 'not_active',
      reports: [['SAVE10', 'not_applied', 'coupon_promotion_not_applied']],
      en: [0, 'promotion P1 did not apply: promotion is paused'],
      discount: '5.00',
    },
    {
      name: 'a usable code, but the promotion per-dealer limit is reached (screened after the coupon)',
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10')],
      p1: { perDealerLimit: 1 },
      ctx: { dealerUses: new Map([[1, 1]]) },
      p1Status: 'not_applied',
      p1Reason: 'dealer_limit_reached',
      reports: [['SAVE10', 'not_applied', 'coupon_promotion_not_applied']],
      en: [0, 'promotion P1 did not apply: per-dealer limit reached: 1 of 1 uses'],
      discount: '5.00',
    },
    {
      name: 'a usable code for a promotion the dealer is not eligible for',
      codes: ['SAVE10'],
      coupons: [coupon('SAVE10')],
      p1: { eligibility: { tiers: ['silver'] } },
      p1Status: 'not_applied',
      p1Reason: 'tier_not_eligible',
      reports: [['SAVE10', 'not_applied', 'coupon_promotion_not_applied']],
      en: [0, 'promotion P1 did not apply: dealer tier gold is not eligible'],
      discount: '5.00',
    },
  ]))('%s', (_name, row) => {
    const lines = cart(...(row.lines ?? [['S01', '1000.00', 1]]));
    const promotions = [promotion(1, threshold('100.00', '10.00'), { requiresCoupon: true, ...row.p1 }), promotion(2, threshold('100.00', '5.00'))];
    const r = evaluate(lines, promotions, context({ couponCodes: row.codes, coupons: row.coupons, ...row.ctx }));
    const p1 = report(r, 'P1');
    expect([p1.status, p1.discount, p1.reason.code]).toEqual([row.p1Status, row.p1Status === 'applied' ? '10.00' : '0.00', row.p1Reason]);
    if (row.p1Coupon !== undefined) expect(p1.coupon).toBe(row.p1Coupon);
    expect(report(r, 'P2').coupon).toBeNull();
    expect(r.coupons.map((c) => [c.code, c.status, c.reason.code])).toEqual(row.reports);
    if (row.en) expect(r.coupons[row.en[0]]!.reason.message.en).toBe(row.en[1]);
    expect(r.totals.discount).toBe(row.discount);
  });

  it('the coupon_required reason reads "needs a valid coupon code"', () => {
    const r = evaluate(cart(['S01', '1000.00', 1]), [promotion(1, threshold('100.00', '10.00'), { requiresCoupon: true })]);
    expect(report(r, 'P1').reason.message.en).toBe('needs a valid coupon code');
  });
});

describe('largest-remainder allocation', () => {
  interface AllocationRow {
    name: string;
    lines: LineSpec[];
    promotions: Promotion[];
    /** Per cart line, in cart order: [sku, discount, net]. */
    expected: Array<[string, string, string]>;
    totalNet: string;
  }
  it.each(named<AllocationRow>([
    {
      name: '1.00 off over three lines of 1.00: 0.34 / 0.33 / 0.33, the extra cent to the first in SKU order',
      // 100 × 100 / 300 = 33 r 100 for each; 1 left → A (first by SKU, although last-but-one in the cart)
      lines: [['C', '1.00', 1], ['A', '1.00', 1], ['B', '1.00', 1]],
      promotions: [promotion(1, threshold('0.01', '1.00'))],
      expected: [['C', '0.33', '0.67'], ['A', '0.34', '0.66'], ['B', '0.33', '0.67']],
      totalNet: '2.00',
    },
    {
      name: '10.00 off over three lines of 1.00: capped at 3.00, every line 0.00, none negative',
      // d = min(10.00, C = 3.00) = 3.00 → 100 / 100 / 100
      lines: [['C', '1.00', 1], ['A', '1.00', 1], ['B', '1.00', 1]],
      promotions: [promotion(1, threshold('0.01', '10.00'))],
      expected: [['C', '1.00', '0.00'], ['A', '1.00', '0.00'], ['B', '1.00', '0.00']],
      totalNet: '0.00',
    },
    {
      name: '0.10 over 0.33 / 0.33 / 0.34: the cent to the largest remainder (C)',
      // Σ 100; A: 10 × 33 / 100 = 3 r 30; B: 3 r 30; C: 10 × 34 / 100 = 3 r 40; 1 left → C
      lines: [['A', '0.33', 1], ['B', '0.33', 1], ['C', '0.34', 1]],
      promotions: [promotion(1, threshold('0.01', '0.10'))],
      expected: [['A', '0.03', '0.30'], ['B', '0.03', '0.30'], ['C', '0.04', '0.30']],
      totalNet: '0.90',
    },
    {
      name: '0.02 over three lines of 1.00: two cents to the first two in SKU order',
      // 2 × 100 / 300 = 0 r 200 each; 2 left → A, B
      lines: [['B', '1.00', 1], ['C', '1.00', 1], ['A', '1.00', 1]],
      promotions: [promotion(1, threshold('0.01', '0.02'))],
      expected: [['B', '0.01', '0.99'], ['C', '0.00', '1.00'], ['A', '0.01', '0.99']],
      totalNet: '2.98',
    },
    {
      name: '0.05 over 0.01 / 0.01 / 9.98: no part exceeds its weight',
      // Σ 1000; A: 5 × 1 / 1000 = 0 r 5; B: 0 r 5; C: 5 × 998 / 1000 = 4 r 990; 1 left → C → 0 / 0 / 5
      lines: [['A', '0.01', 1], ['B', '0.01', 1], ['C', '9.98', 1]],
      promotions: [promotion(1, threshold('0.01', '0.05'))],
      expected: [['A', '0.00', '0.01'], ['B', '0.00', '0.01'], ['C', '0.05', '9.93']],
      totalNet: '9.95',
    },
    {
      name: '3.33 over three lines of 2.00: 1.11 each, exact',
      // 333 × 200 / 600 = 111 r 0
      lines: [['A', '2.00', 1], ['B', '2.00', 1], ['C', '2.00', 1]],
      promotions: [promotion(1, threshold('0.01', '3.33'))],
      expected: [['A', '1.11', '0.89'], ['B', '1.11', '0.89'], ['C', '1.11', '0.89']],
      totalNet: '2.67',
    },
    {
      name: '7.00 over 1.00 / 2.00 / 4.00: everything, in proportion',
      lines: [['A', '1.00', 1], ['B', '2.00', 1], ['C', '4.00', 1]],
      promotions: [promotion(1, threshold('0.01', '7.00'))],
      expected: [['A', '1.00', '0.00'], ['B', '2.00', '0.00'], ['C', '4.00', '0.00']],
      totalNet: '0.00',
    },
    {
      name: 'order-level weights are the nets after line discounts',
      // P1 0.90 off line A → remaining 10 / 100 / 100 (Σ 210); P2 1.00:
      // A: 100 × 10 / 210 = 4 r 160; B: 100 × 100 / 210 = 47 r 130; C: 47 r 130;
      // 2 left → A (160), then B (130, tie with C → earlier line) → 5 / 48 / 47
      lines: [['A', '1.00', 1], ['B', '1.00', 1], ['C', '1.00', 1]],
      promotions: [
        promotion(1, rule({ type: 'line_discount', amountOff: '0.90', per: 'line' }), { eligibility: { products: ['A'] } }),
        promotion(2, threshold('0.01', '1.00')),
      ],
      expected: [['A', '0.95', '0.05'], ['B', '0.48', '0.52'], ['C', '0.47', '0.53']],
      totalNet: '1.10',
    },
  ]))('%s', (_name, { lines: spec, promotions, expected, totalNet }) => {
    const lines = cart(...spec);
    const r = evaluate(lines, promotions);
    const cartLines = r.lines.filter((l) => !l.isGift);
    expect(cartLines.map((l) => [l.sku, l.discount, l.net])).toEqual(expected);
    expect(r.totals.net).toBe(totalNet);
    const netCents = cartLines.reduce((sum, l) => sum + Math.round(Number(l.net) * 100), 0);
    expect(netCents).toBe(Math.round(Number(totalNet) * 100));
    for (const l of cartLines) expect(Number(l.net)).toBeGreaterThanOrEqual(0);
  });

  it('each promotion keeps its own share per line', () => {
    // The last row above: A gets 0.90 from P1 and 0.05 from P2.
    const lines = cart(['A', '1.00', 1], ['B', '1.00', 1], ['C', '1.00', 1]);
    const r = evaluate(lines, [promotion(1, rule({ type: 'line_discount', amountOff: '0.90', per: 'line' }), { eligibility: { products: ['A'] } }), promotion(2, threshold('0.01', '1.00'))]);
    expect(r.lines.map((l) => l.discounts)).toEqual([
      [{ promotion: 'P1', amount: '0.90' }, { promotion: 'P2', amount: '0.05' }],
      [{ promotion: 'P2', amount: '0.48' }],
      [{ promotion: 'P2', amount: '0.47' }],
    ]);
  });
});

describe('regressions', () => {
  it.each(named([
    // floor(qty / 2) × 1
    { name: 'regression: buy-X-get-Y applies per multiple (buy 2 get 1, qty 7 → 3 free), not once', qty: 7, free: 3 },
    { name: 'regression: buy-X-get-Y applies per multiple (buy 2 get 1, qty 8 → 4 free), not once', qty: 8, free: 4 },
    { name: 'regression: buy-X-get-Y applies per multiple (buy 2 get 1, qty 3 → 1 free), not once', qty: 3, free: 1 },
    { name: 'regression: buy-X-get-Y applies per multiple (buy 2 get 1, qty 2 → 1 free), not once', qty: 2, free: 1 },
  ]))('%s', (_name, { qty, free }) => {
    const lines = cart(['S01', '5.00', qty]);
    const r = evaluate(lines, [promotion(1, rule({ type: 'buy_x_get_y', buy: 2, get: 1 }))]);
    expect(report(r, 'P1').gifts).toEqual([{ sku: 'S01', qty: free }]);
    expect(r.lines.filter((l) => l.isGift).map((l) => [l.lineNo, l.sku, l.qty, l.gross, l.net])).toEqual([[2, 'S01', free, '0.00', '0.00']]);
    expect(r.totals.discount).toBe('0.00');
  });

  it.each(named([
    {
      // buy 1 get 1, maxFreeQty 5, SKU order A, B, C: A 2 → 2 (given 2); B 2 → min(2, 3) = 2 (given 4); C 4 → min(4, 1) = 1
      name: 'regression: maxFreeQty respected across lines (buy 1 get 1, max 5: 2 + 2 + 1)',
      lines: [['C', '1.00', 4], ['B', '1.00', 2], ['A', '1.00', 2]] as LineSpec[],
      maxFreeQty: 5,
      gifts: ['A×2 of P1', 'B×2 of P1', 'C×1 of P1'],
    },
    {
      // A 2 → min(2, 2) = 2 (given 2); B, C: min(·, 0) = 0 → no gift lines
      name: 'regression: maxFreeQty respected across lines (max 2 used up by the first line)',
      lines: [['C', '1.00', 4], ['B', '1.00', 2], ['A', '1.00', 2]] as LineSpec[],
      maxFreeQty: 2,
      gifts: ['A×2 of P1'],
    },
  ]))('%s', (_name, { lines: spec, maxFreeQty, gifts }) => {
    const r = evaluate(cart(...spec), [promotion(1, rule({ type: 'buy_x_get_y', buy: 1, get: 1, maxFreeQty }))]);
    expect(giftLines(r)).toEqual(gifts);
    expect(report(r, 'P1').gifts.reduce((sum, g) => sum + g.qty, 0)).toBe(maxFreeQty);
  });

  it('regression: gift added only once per promotion (not per line)', () => {
    // Three eligible lines, plus other promotions so that several passes run (alone and stacked).
    // P2 line 10 %: A 10.00, B 20.00, C 30.00 → remaining 90 / 180 / 270 (Σ 540.00 ≥ 100.00)
    // P3 10.00 over 9000 : 18000 : 27000 (Σ 54000): A 166 r 36000, B 333 r 18000, C 500 r 0; 1 left → A → 1.67 / 3.33 / 5.00
    const lines = cart(['A', '100.00', 1], ['B', '200.00', 1], ['C', '300.00', 1]);
    const r = evaluate(
      lines,
      [
        promotion(1, rule({ type: 'gift', minSubtotal: '100.00', gifts: [{ sku: 'G01', qty: 1 }] })),
        promotion(2, rule({ type: 'line_discount', percentOff: '10' })),
        promotion(3, threshold('100.00', '10.00')),
        promotion(4, rule({ type: 'gift', minQty: 1, gifts: [{ sku: 'G02', qty: 2 }] })),
      ],
      context({ giftProducts: new Map([['G01', { unitPrice: '3.00' }], ['G02', { unitPrice: null }]]) }),
    );
    expect(giftLines(r)).toEqual(['G01×1 of P1', 'G02×2 of P4']);
    expect(r.lines.filter((l) => l.isGift).map((l) => l.lineNo)).toEqual([4, 5]);
    expect(report(r, 'P1').gifts).toEqual([{ sku: 'G01', qty: 1 }]);
    expect(report(r, 'P4').gifts).toEqual([{ sku: 'G02', qty: 2 }]);
    expect(r.lines.slice(0, 3).map((l) => l.discount)).toEqual(['11.67', '23.33', '35.00']);
    expect(r.totals).toEqual({ gross: '600.00', discount: '70.00', net: '530.00', currency: 'CNY' });
  });

  it("regression: no double application on re-quote: evaluating the promoted result's input twice gives identical output", () => {
    // P1 buy 2 get 1 on A: floor(4 / 2) = 2 free. P3 10 % on B: 20.00. P2 gift G01 (S ≥ 100.00).
    // P4 (coupon) 10.00 from 100.00: S after lines = 40.00 + 180.00 = 220.00; 1000c over 4000 : 18000 (Σ 22000):
    // A 181 r 18000, B 818 r 4000; 1 left → A → 1.82 / 8.18. Totals: 240.00 − 30.00 = 210.00.
    const lines = cart(['B', '200.00', 1], ['A', '10.00', 4]);
    const promotions = [
      promotion(1, rule({ type: 'buy_x_get_y', buy: 2, get: 1 }), { eligibility: { products: ['A'] } }),
      promotion(2, rule({ type: 'gift', minSubtotal: '100.00', gifts: [{ sku: 'G01', qty: 1 }] })),
      promotion(3, rule({ type: 'line_discount', percentOff: '10' }), { eligibility: { products: ['B'] } }),
      promotion(4, threshold('100.00', '10.00'), { requiresCoupon: true, budgetAmount: '1000.00', usedAmount: '10.00', budgetUses: 100, usedUses: 1 }),
    ];
    const ctx = context({
      couponCodes: ['save10'],
      coupons: [coupon('SAVE10', { promotionId: 4 })],
      giftProducts: new Map([['G01', { unitPrice: '3.00' }]]),
    });
    const before = JSON.stringify({ lines, promotions, coupons: ctx.coupons, codes: ctx.couponCodes });

    const first = evaluate(lines, promotions, ctx);
    const second = evaluate(lines, promotions, ctx);
    // Fresh copies of the promotions (no compiled cache) give the same result too.
    const third = evaluate(structuredClone(lines), structuredClone(promotions), ctx);

    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(JSON.stringify({ lines, promotions, coupons: ctx.coupons, codes: ctx.couponCodes })).toBe(before);
    expect(lines).toHaveLength(2);
    expect(first.lines.map((l) => [l.lineNo, l.sku, l.qty, l.discount, l.net, l.giftOf])).toEqual([
      [1, 'B', 1, '28.18', '171.82', null],
      [2, 'A', 4, '1.82', '38.18', null],
      [3, 'A', 2, '0.00', '0.00', 'P1'],
      [4, 'G01', 1, '0.00', '0.00', 'P2'],
    ]);
    expect(first.totals).toEqual({ gross: '240.00', discount: '30.00', net: '210.00', currency: 'CNY' });
    expect(first.coupons.map((c) => [c.code, c.status])).toEqual([['save10', 'applied']]);
  });

  it.each(named([
    // line_discount: R(33.3333 × 3 × 10 / 100) = R(9.99999) = 10.00; per unit: 3 × R(3.33333) = 9.99
    { name: 'regression: percent rounding: half-up once on the exact product, not per unit (line 10 % of 3 × 33.3333 → 10.00, not 9.99)', lines: [['S01', '33.3333', 3]] as LineSpec[], rule: { type: 'line_discount', percentOff: '10' } as RuleInput, discount: '10.00', net: '90.00' },
    // line_discount: R(0.05 × 3 × 12.5 / 100) = R(0.01875) = 0.02; per unit: 3 × R(0.00625) = 0.03
    { name: 'regression: percent rounding: half-up once on the exact product, not per unit (line 12.5 % of 3 × 0.05 → 0.02, not 0.03)', lines: [['S01', '0.0500', 3]] as LineSpec[], rule: { type: 'line_discount', percentOff: '12.5' } as RuleInput, discount: '0.02', net: '0.13' },
    // line_discount: R(0.10 × 9 × 5 / 100) = R(0.045) = 0.05 (half-up tie); per unit: 9 × R(0.005) = 0.09
    { name: 'regression: percent rounding: half-up once on the exact product, not per unit (line 5 % of 9 × 0.10 → 0.05, not 0.09)', lines: [['S01', '0.1000', 9]] as LineSpec[], rule: { type: 'line_discount', percentOff: '5' } as RuleInput, discount: '0.05', net: '0.85' },
    // mix_match percentOff: R(33.3333 × 3 × 10 / 100) = 10.00
    { name: 'regression: percent rounding: half-up once on the exact product, not per unit (mix_match 10 % of 3 × 33.3333 → 10.00)', lines: [['S01', '33.3333', 3]] as LineSpec[], rule: { type: 'mix_match', quantity: 3, percentOff: '10' } as RuleInput, discount: '10.00', net: '90.00' },
    // order_percent: 3 × 0.3333 = 0.9999 → 1.00; 12.5 % = 0.125 → 0.13
    { name: 'regression: percent rounding: half-up once on the exact product, not per unit (order 12.5 % of 1.00 → 0.13)', lines: [['S01', '0.3333', 3]] as LineSpec[], rule: { type: 'order_percent', percentOff: '12.5' } as RuleInput, discount: '0.13', net: '0.87' },
  ]))('%s', (_name, { lines: spec, rule: r, discount, net }) => {
    const res = evaluate(cart(...spec), [promotion(1, rule(r))]);
    expect(report(res, 'P1').discount).toBe(discount);
    expect(res.totals.net).toBe(net);
  });

  // Line 10 % on S01 (100.00 each) runs first; the order-level promotion sees the net after it.
  it.each(named([
    // 10 × 100.00 = 1000.00 − 100.00 = 900.00 < 1000.00 (the threshold alone would apply on 1000.00)
    { name: 'regression: threshold uses the subtotal after line discounts (1000.00 − 10 % = 900.00 < 1000.00)', qty: 10, rule: threshold('1000.00', '100.00'), status: 'not_applied', discount: '0.00', en: 'threshold not reached: 900.00 < 1000.00', hint: 'spend 100.00 more for 100.00 off', net: '900.00' },
    // 12 × 100.00 = 1200.00 − 120.00 = 1080.00 ≥ 1000.00 → 100.00; net 1200 − 120 − 100 = 980.00
    { name: 'regression: threshold uses the subtotal after line discounts (1200.00 − 10 % = 1080.00 ≥ 1000.00)', qty: 12, rule: threshold('1000.00', '100.00'), status: 'applied', discount: '100.00', en: 'spent 1080.00 ≥ 1000.00: 100.00 off', hint: null, net: '980.00' },
    // tiered: S = 900.00 → tier 500.00 (20.00), not 1000.00 (60.00); net 1000 − 100 − 20 = 880.00
    {
      name: 'regression: threshold uses the subtotal after line discounts (tiered: 900.00 reaches the 500 tier only)',
      qty: 10,
      rule: rule({ type: 'tiered', tiers: [{ threshold: '500.00', amountOff: '20.00' }, { threshold: '1000.00', amountOff: '60.00' }] }),
      status: 'applied',
      discount: '20.00',
      en: 'spent 900.00 ≥ 500.00: 20.00 off',
      hint: 'spend 100.00 more for 60.00 off',
      net: '880.00',
    },
    // repeating every 500: floor(900 / 500) = 1 → 50.00 (not 2 on 1000.00); net 850.00
    { name: 'regression: threshold uses the subtotal after line discounts (repeating: floor(900 / 500) = 1)', qty: 10, rule: rule({ type: 'repeating', every: '500.00', amountOff: '50.00' }), status: 'applied', discount: '50.00', en: '1 × 50.00 for every 500.00: 50.00 off', hint: 'spend 100.00 more for 100.00 off', net: '850.00' },
  ]))('%s', (_name, { qty, rule: orderRule, status, discount, en, hint, net }) => {
    const r = evaluate(cart(['S01', '100.00', qty]), [promotion(1, rule({ type: 'line_discount', percentOff: '10' }), { priority: 500 }), promotion(2, orderRule, { priority: 1 })]);
    const p2 = report(r, 'P2');
    expect([p2.status, p2.discount, p2.reason.message.en, p2.hint?.message.en ?? null]).toEqual([status, discount, en, hint]);
    expect(report(r, 'P1').discount).toBe(`${(qty * 10).toFixed(2)}`);
    expect(r.totals.net).toBe(net);
  });

  it('regression: threshold uses the subtotal after line discounts (gift minSubtotal 1000.00 not met by 900.00)', () => {
    const r = evaluate(
      cart(['S01', '100.00', 10]),
      [promotion(1, rule({ type: 'line_discount', percentOff: '10' })), promotion(2, rule({ type: 'gift', minSubtotal: '1000.00', gifts: [{ sku: 'G01', qty: 1 }] }))],
      context({ giftProducts: new Map([['G01', { unitPrice: '3.00' }]]) }),
    );
    const p2 = report(r, 'P2');
    expect([p2.status, p2.reason.code, p2.reason.message.en, p2.hint?.message.en]).toEqual(['not_applied', 'gift_condition_not_met', 'gift condition not met: 900.00 < 1000.00', 'spend 100.00 more for the gift']);
    expect(r.lines.filter((l) => l.isGift)).toEqual([]);
    expect(r.totals.net).toBe('900.00');
  });
});
