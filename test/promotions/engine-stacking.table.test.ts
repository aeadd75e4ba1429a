/**
 * Table-driven examples of how promotions combine (README §3–§4) and how they are screened
 * (README §1–§2): evaluation order, exclusive groups, stackable vs non-stackable options,
 * budgets, limits, the validity window and eligibility. Expected amounts are worked by hand.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { promotionRule, type Eligibility, type Promotion } from '../../src/ordering/promotions/definition.js';
import { evaluatePromotions } from '../../src/ordering/promotions/engine.js';
import type { CartLine, PromotionContext, PromotionResult } from '../../src/ordering/promotions/types.js';
import { NOW, cart, context, promotion } from './builders.js';
import { checkInvariants } from './compare.js';

/** it.each rows as [title, row] so that `%s` prints the whole title (`$name` is truncated at 40 characters). */
const named = <T extends { name: string }>(rows: T[]): Array<[string, T]> => rows.map((row) => [row.name, row]);

type RuleInput = z.input<typeof promotionRule>;
const rule = (r: RuleInput) => promotionRule.parse(r);
const threshold = (t: string, off: string) => rule({ type: 'threshold', threshold: t, amountOff: off });
const percentOff = (p: string) => rule({ type: 'order_percent', percentOff: p });

function evaluate(lines: CartLine[], promotions: Promotion[], ctx: PromotionContext = context()): PromotionResult {
  const result = evaluatePromotions(lines, promotions, ctx);
  checkInvariants(lines, result);
  return result;
}
const report = (r: PromotionResult, code: string) => r.promotions.find((p) => p.code === code)!;
/** code → [status, discount, reason code] for every promotion, in report order. */
const statuses = (r: PromotionResult) => r.promotions.map((p) => [p.code, p.status, p.discount, p.reason.code]);

const ms = (offset: number) => new Date(NOW.getTime() + offset);
const DAY = 86_400_000;

describe('evaluation order', () => {
  it('line-level before order-level: order_percent takes 10 % of the amount after line discounts, and says so', () => {
    // P2 line 10 % (priority 200) still runs before P1 order 10 % (priority 1).
    // gross 10 × 100.00 = 1000.00; P2: 100.00 → 900.00; P1: S = 900.00, 10 % = 90.00 → net 810.00
    const lines = cart(['S01', '100.00', 10]);
    const r = evaluate(lines, [promotion(1, percentOff('10'), { priority: 1 }), promotion(2, rule({ type: 'line_discount', percentOff: '10' }), { priority: 200 })]);
    expect(statuses(r)).toEqual([
      ['P2', 'applied', '100.00', 'applied_amount'],
      ['P1', 'applied', '90.00', 'applied_amount'],
    ]);
    expect(report(r, 'P1').reason.message.en).toBe('10% of 900.00 after line discounts: 90.00 off');
    expect(report(r, 'P1').level).toBe('order');
    expect(report(r, 'P2').level).toBe('line');
    expect(r.lines[0]!.discounts).toEqual([
      { promotion: 'P2', amount: '100.00' },
      { promotion: 'P1', amount: '90.00' },
    ]);
    expect(r.totals).toEqual({ gross: '1000.00', discount: '190.00', net: '810.00', currency: 'CNY' });
  });

  it('order-level S is fixed after the line stage: a threshold before order_percent does not lower its base', () => {
    // P1 threshold 1000 → 100.00; P2 10 % of S = 1000.00 (not 900.00) = 100.00, C = 900.00 ≥ 100.00 → net 800.00
    const lines = cart(['S01', '1000.00', 1]);
    const r = evaluate(lines, [promotion(1, threshold('1000.00', '100.00'), { priority: 1 }), promotion(2, percentOff('10'), { priority: 2 })]);
    expect(statuses(r)).toEqual([
      ['P1', 'applied', '100.00', 'applied_amount'],
      ['P2', 'applied', '100.00', 'applied_amount'],
    ]);
    expect(report(r, 'P2').reason.message.en).toBe('10% of 1000.00 after line discounts: 100.00 off');
    expect(r.totals.net).toBe('800.00');
  });

  // Two order-level 60.00 off a 100.00 cart: the first in (priority, id) takes 60.00, the second
  // only the 40.00 left (C = 100.00 − 60.00).
  it.each(named([
    { name: 'priority 1 before 2', p1: 1, p2: 2, d1: '60.00', d2: '40.00', order: ['P1', 'P2'] },
    { name: 'priority 2 after 1 (P2 first)', p1: 2, p2: 1, d1: '40.00', d2: '60.00', order: ['P2', 'P1'] },
    { name: 'equal priority: lower id first', p1: 5, p2: 5, d1: '60.00', d2: '40.00', order: ['P1', 'P2'] },
  ]))('order-level cap by evaluation order — %s', (_name, { p1, p2, d1, d2, order }) => {
    const lines = cart(['S01', '100.00', 1]);
    const r = evaluate(lines, [promotion(2, threshold('10.00', '60.00'), { priority: p2 }), promotion(1, threshold('10.00', '60.00'), { priority: p1 })]);
    expect(r.promotions.map((p) => p.code)).toEqual(order);
    expect([report(r, 'P1').discount, report(r, 'P2').discount]).toEqual([d1, d2]);
    expect(r.totals.net).toBe('0.00');
  });

  // Two line-level 6.00 off per line on a 10.00 line: the first takes 6.00, the second min(6.00, 4.00).
  it.each(named([
    { name: 'priority 1 before 2', p1: 1, p2: 2, d1: '6.00', d2: '4.00' },
    { name: 'priority 2 after 1 (P2 first)', p1: 2, p2: 1, d1: '4.00', d2: '6.00' },
    { name: 'equal priority: lower id first', p1: 7, p2: 7, d1: '6.00', d2: '4.00' },
  ]))('line-level cap by evaluation order — %s', (_name, { p1, p2, d1, d2 }) => {
    const lines = cart(['S01', '10.00', 1]);
    const perLine = rule({ type: 'line_discount', amountOff: '6.00', per: 'line' });
    const r = evaluate(lines, [promotion(1, perLine, { priority: p1 }), promotion(2, perLine, { priority: p2 })]);
    expect([report(r, 'P1').discount, report(r, 'P2').discount]).toEqual([d1, d2]);
    expect(r.totals.net).toBe('0.00');
  });

  it('gift lines never count towards a condition and never receive a discount', () => {
    // P1 buy 1 get 1 on A (2 × 10.00): 2 free A. P2 gift needs 3 items: Q = 2 cart units (the 2 free A
    // do not count) → not met. P3 10 % of S = 20.00 = 2.00, all on cart line A.
    const lines = cart(['A', '10.00', 2]);
    const r = evaluate(
      lines,
      [
        promotion(1, rule({ type: 'buy_x_get_y', buy: 1, get: 1 })),
        promotion(2, rule({ type: 'gift', minQty: 3, gifts: [{ sku: 'G01', qty: 1 }] })),
        promotion(3, percentOff('10')),
      ],
      context({ giftProducts: new Map([['G01', { unitPrice: '1.00' }]]) }),
    );
    expect(statuses(r)).toEqual([
      ['P1', 'applied', '0.00', 'applied_gift'],
      ['P2', 'not_applied', '0.00', 'gift_condition_not_met'],
      ['P3', 'applied', '2.00', 'applied_amount'],
    ]);
    expect(report(r, 'P2').reason.message.en).toBe('gift condition not met: 2 < 3 items');
    expect(r.lines.map((l) => [l.sku, l.qty, l.isGift, l.discount, l.net])).toEqual([
      ['A', 2, false, '2.00', '18.00'],
      ['A', 2, true, '0.00', '0.00'],
    ]);
    expect(r.totals).toEqual({ gross: '20.00', discount: '2.00', net: '18.00', currency: 'CNY' });
  });

  it('a later order-level promotion with nothing left does not apply (nothing_left)', () => {
    // P1 takes min(100.00, 100.00) = all; P2: S = 100.00 ≥ 10.00 but C = 0 → d = 0
    const lines = cart(['S01', '100.00', 1]);
    const r = evaluate(lines, [promotion(1, threshold('10.00', '100.00'), { priority: 1 }), promotion(2, threshold('10.00', '5.00'), { priority: 2 })]);
    expect(statuses(r)).toEqual([
      ['P1', 'applied', '100.00', 'applied_amount'],
      ['P2', 'not_applied', '0.00', 'nothing_left'],
    ]);
    expect(report(r, 'P2').reason.message.en).toBe('nothing left to discount on the eligible lines');
  });
});

describe('exclusive groups', () => {
  const lines = cart(['S01', '1000.00', 1]);
  it.each(named<{ name: string; promotions: Promotion[]; expected: Array<[string, string, string, string]>; en?: [string, string]; net: string }>([
    {
      name: 'keeps the best for the dealer: 5 % (50.00) beats 10.00 off',
      promotions: [promotion(1, threshold('100.00', '10.00'), { exclusiveGroup: 'G' }), promotion(2, percentOff('5'), { exclusiveGroup: 'G' })],
      expected: [
        ['P1', 'not_applied', '0.00', 'exclusive_group_lost'],
        ['P2', 'applied', '50.00', 'applied_amount'],
      ],
      en: ['P1', 'exclusive group G: P2 gives more (50.00 ≥ 10.00)'],
      net: '950.00',
    },
    {
      name: 'tie (50.00 = 50.00), same priority: lower id wins',
      promotions: [promotion(2, percentOff('5'), { exclusiveGroup: 'G' }), promotion(1, threshold('100.00', '50.00'), { exclusiveGroup: 'G' })],
      expected: [
        ['P1', 'applied', '50.00', 'applied_amount'],
        ['P2', 'not_applied', '0.00', 'exclusive_group_lost'],
      ],
      en: ['P2', 'exclusive group G: P1 gives more (50.00 ≥ 50.00)'],
      net: '950.00',
    },
    {
      name: 'tie (50.00 = 50.00): lower priority wins over lower id',
      promotions: [promotion(1, threshold('100.00', '50.00'), { exclusiveGroup: 'G' }), promotion(2, percentOff('5'), { exclusiveGroup: 'G', priority: 50 })],
      expected: [
        ['P2', 'applied', '50.00', 'applied_amount'],
        ['P1', 'not_applied', '0.00', 'exclusive_group_lost'],
      ],
      en: ['P1', 'exclusive group G: P2 gives more (50.00 ≥ 50.00)'],
      net: '950.00',
    },
    {
      name: 'one winner per group; ungrouped promotions still stack',
      // G: P2 30.00 > P1 10.00; H: P3 20.00 > P4 5.00; P5 1.00 ungrouped → 30 + 20 + 1 = 51.00
      promotions: [
        promotion(1, threshold('100.00', '10.00'), { exclusiveGroup: 'G' }),
        promotion(2, threshold('100.00', '30.00'), { exclusiveGroup: 'G' }),
        promotion(3, threshold('100.00', '20.00'), { exclusiveGroup: 'H' }),
        promotion(4, threshold('100.00', '5.00'), { exclusiveGroup: 'H' }),
        promotion(5, threshold('100.00', '1.00')),
      ],
      expected: [
        ['P1', 'not_applied', '0.00', 'exclusive_group_lost'],
        ['P2', 'applied', '30.00', 'applied_amount'],
        ['P3', 'applied', '20.00', 'applied_amount'],
        ['P4', 'not_applied', '0.00', 'exclusive_group_lost'],
        ['P5', 'applied', '1.00', 'applied_amount'],
      ],
      en: ['P4', 'exclusive group H: P3 gives more (20.00 ≥ 5.00)'],
      net: '949.00',
    },
    {
      name: 'a member that does not apply alone is not in the contest',
      // P1 needs 2000.00: not a candidate; P2 10.00 applies
      promotions: [promotion(1, threshold('2000.00', '500.00'), { exclusiveGroup: 'G' }), promotion(2, threshold('100.00', '10.00'), { exclusiveGroup: 'G' })],
      expected: [
        ['P1', 'not_applied', '0.00', 'threshold_not_reached'],
        ['P2', 'applied', '10.00', 'applied_amount'],
      ],
      en: ['P1', 'threshold not reached: 1000.00 < 2000.00'],
      net: '990.00',
    },
  ]))('%s', (_name, { promotions, expected, en, net }) => {
    const r = evaluate(lines, promotions);
    expect(statuses(r)).toEqual(expected);
    if (en) expect(report(r, en[0]).reason.message.en).toBe(en[1]);
    expect(r.totals.net).toBe(net);
  });
});

describe('stackable vs non-stackable options', () => {
  const lines = cart(['S01', '1000.00', 1]);
  // Stackable set: P1 20.00 off + P2 1 % of S = 1000.00 → 10.00; together 30.00.
  const set = () => [promotion(1, threshold('100.00', '20.00')), promotion(2, percentOff('1'))];
  it.each(named<{ name: string; promotions: Promotion[]; expected: Array<[string, string, string, string]>; en: [string, string]; net: string }>([
    {
      name: 'a non-stackable 5 % (50.00) beats the stackable set (30.00)',
      promotions: [...set(), promotion(3, percentOff('5'), { stackable: false })],
      expected: [
        ['P1', 'not_applied', '0.00', 'not_combined'],
        ['P2', 'not_applied', '0.00', 'not_combined'],
        ['P3', 'applied', '50.00', 'applied_amount'],
      ],
      en: ['P1', 'not combined: P3 gives more (50.00 ≥ 30.00)'],
      net: '950.00',
    },
    {
      name: 'tie (3 % = 30.00): the stackable set wins',
      promotions: [...set(), promotion(3, percentOff('3'), { stackable: false })],
      expected: [
        ['P1', 'applied', '20.00', 'applied_amount'],
        ['P2', 'applied', '10.00', 'applied_amount'],
        ['P3', 'not_applied', '0.00', 'not_combined'],
      ],
      en: ['P3', 'not combined: P1 + P2 gives more (30.00 ≥ 30.00)'],
      net: '970.00',
    },
    {
      name: 'a smaller non-stackable (2 % = 20.00) loses to the set',
      promotions: [...set(), promotion(3, percentOff('2'), { stackable: false })],
      expected: [
        ['P1', 'applied', '20.00', 'applied_amount'],
        ['P2', 'applied', '10.00', 'applied_amount'],
        ['P3', 'not_applied', '0.00', 'not_combined'],
      ],
      en: ['P3', 'not combined: P1 + P2 gives more (30.00 ≥ 20.00)'],
      net: '970.00',
    },
    {
      name: 'two non-stackables tie at 40.00: lower priority wins',
      promotions: [promotion(1, threshold('100.00', '40.00'), { stackable: false, priority: 20 }), promotion(2, percentOff('4'), { stackable: false, priority: 10 })],
      expected: [
        ['P2', 'applied', '40.00', 'applied_amount'],
        ['P1', 'not_applied', '0.00', 'not_combined'],
      ],
      en: ['P1', 'not combined: P2 gives more (40.00 ≥ 40.00)'],
      net: '960.00',
    },
    {
      name: 'two non-stackables tie at 40.00, same priority: lower id wins',
      promotions: [promotion(2, percentOff('4'), { stackable: false }), promotion(1, threshold('100.00', '40.00'), { stackable: false })],
      expected: [
        ['P1', 'applied', '40.00', 'applied_amount'],
        ['P2', 'not_applied', '0.00', 'not_combined'],
      ],
      en: ['P2', 'not combined: P1 gives more (40.00 ≥ 40.00)'],
      net: '960.00',
    },
    {
      name: 'non-stackables never combine with each other: the best one alone',
      // P3 50.00 alone beats P4 30.00 alone; they are not added together
      promotions: [promotion(3, percentOff('5'), { stackable: false }), promotion(4, threshold('100.00', '30.00'), { stackable: false })],
      expected: [
        ['P3', 'applied', '50.00', 'applied_amount'],
        ['P4', 'not_applied', '0.00', 'not_combined'],
      ],
      en: ['P4', 'not combined: P3 gives more (50.00 ≥ 30.00)'],
      net: '950.00',
    },
  ]))('%s', (_name, { promotions, expected, en, net }) => {
    const r = evaluate(lines, promotions);
    expect(statuses(r)).toEqual(expected);
    expect(report(r, en[0]).reason.message.en).toBe(en[1]);
    expect(r.totals.net).toBe(net);
  });

  it('a gift counts at its value: buy 2 get 1 (2 free × 10.00 = 20.00) beats 15.00 off', () => {
    // P1 non-stackable: floor(4 / 2) = 2 free, value R(10.00 × 2) = 20.00 > P2 15.00
    const c = cart(['S01', '10.00', 4]);
    const r = evaluate(c, [promotion(1, rule({ type: 'buy_x_get_y', buy: 2, get: 1 }), { stackable: false }), promotion(2, threshold('40.00', '15.00'))]);
    expect(statuses(r)).toEqual([
      ['P1', 'applied', '0.00', 'applied_gift'],
      ['P2', 'not_applied', '0.00', 'not_combined'],
    ]);
    expect(report(r, 'P2').reason.message.en).toBe('not combined: P1 gives more (20.00 ≥ 15.00)');
    expect(r.lines.filter((l) => l.isGift).map((l) => [l.lineNo, l.sku, l.qty, l.giftOf])).toEqual([[2, 'S01', 2, 'P1']]);
    expect(r.totals).toEqual({ gross: '40.00', discount: '0.00', net: '40.00', currency: 'CNY' });
  });

  it('a gift is valued at R(unitPrice × free) once: 3 × 0.3333 = 0.9999 → 1.00, ties with 1.00 off and the lower id wins', () => {
    // P2 buy 1 get 1 on 3 × 0.3333: 3 free, value R(0.9999) = 1.00; P1 threshold 1.00 off: tie → P1 (lower id)
    const c = cart(['S01', '0.3333', 3], ['S02', '5.00', 1]);
    const r = evaluate(c, [
      promotion(1, threshold('0.01', '1.00'), { stackable: false }),
      promotion(2, rule({ type: 'buy_x_get_y', buy: 1, get: 1 }), { stackable: false, eligibility: { products: ['S01'] } }),
    ]);
    expect(statuses(r)).toEqual([
      ['P2', 'not_applied', '0.00', 'not_combined'],
      ['P1', 'applied', '1.00', 'applied_amount'],
    ]);
    expect(report(r, 'P2').reason.message.en).toBe('not combined: P1 gives more (1.00 ≥ 1.00)');
  });
});

describe('budgets and limits', () => {
  const lines = cart(['S01', '1000.00', 1]);
  it.each(named<{ name: string; extra: Partial<Promotion>; ctx?: Partial<PromotionContext>; status: string; discount: string; code: string; en?: string }>([
    // threshold 100 → 50.00 off
    { name: 'budgetAmount: 40.00 left < 50.00 → budget_exhausted', extra: { budgetAmount: '100.00', usedAmount: '60.00' }, status: 'not_applied', discount: '0.00', code: 'budget_exhausted', en: 'budget exhausted: 40.00 left < discount 50.00' },
    { name: 'budgetAmount: 50.00 left = 50.00 → applies', extra: { budgetAmount: '100.00', usedAmount: '50.00' }, status: 'applied', discount: '50.00', code: 'applied_amount' },
    { name: 'budgetAmount: nothing used → applies', extra: { budgetAmount: '100.00', usedAmount: '0.00' }, status: 'applied', discount: '50.00', code: 'applied_amount' },
    { name: 'budgetAmount: fully used → screened out (budget_spent)', extra: { budgetAmount: '100.00', usedAmount: '100.00' }, status: 'not_applied', discount: '0.00', code: 'budget_spent', en: 'budget of 100.00 used up' },
    { name: 'budgetUses: 10 of 10 used', extra: { budgetUses: 10, usedUses: 10 }, status: 'not_applied', discount: '0.00', code: 'budget_uses_exhausted', en: 'budget used up: 10 of 10 uses' },
    { name: 'budgetUses: 9 of 10 used → applies', extra: { budgetUses: 10, usedUses: 9 }, status: 'applied', discount: '50.00', code: 'applied_amount' },
    { name: 'perDealerLimit 1, dealer used it once', extra: { perDealerLimit: 1 }, ctx: { dealerUses: new Map([[1, 1]]) }, status: 'not_applied', discount: '0.00', code: 'dealer_limit_reached', en: 'per-dealer limit reached: 1 of 1 uses' },
    { name: 'perDealerLimit 2, dealer used it once → applies', extra: { perDealerLimit: 2 }, ctx: { dealerUses: new Map([[1, 1]]) }, status: 'applied', discount: '50.00', code: 'applied_amount' },
    { name: 'perDealerLimit 1, uses of another promotion do not count', extra: { perDealerLimit: 1 }, ctx: { dealerUses: new Map([[2, 5]]) }, status: 'applied', discount: '50.00', code: 'applied_amount' },
    {
      name: 'screening order: per-dealer limit before budget uses',
      extra: { perDealerLimit: 1, budgetUses: 1, usedUses: 1 },
      ctx: { dealerUses: new Map([[1, 1]]) },
      status: 'not_applied',
      discount: '0.00',
      code: 'dealer_limit_reached',
    },
    { name: 'screening order: budget uses before budget amount', extra: { budgetUses: 1, usedUses: 1, budgetAmount: '10.00', usedAmount: '10.00' }, status: 'not_applied', discount: '0.00', code: 'budget_uses_exhausted' },
  ]))('%s', (_name, { extra, ctx, status, discount, code, en }) => {
    const r = evaluate(lines, [promotion(1, threshold('100.00', '50.00'), extra)], context(ctx ?? {}));
    const p = report(r, 'P1');
    expect([p.status, p.discount, p.reason.code]).toEqual([status, discount, code]);
    if (en !== undefined) expect(p.reason.message.en).toBe(en);
    expect(r.totals.discount).toBe(discount);
  });

  it.each(named([
    // 10 % of 1000.00 = 100.00 ≤ 100.00 left → applies
    { name: '10 % of 1000.00 = 100.00 fits a 100.00 budget', price: '1000.00', status: 'applied', discount: '100.00', code: 'applied_amount', en: '10% of 1000.00 after line discounts: 100.00 off' },
    // 10 % of 1000.10 = 100.01 > 100.00 → budget_exhausted
    { name: '10 % of 1000.10 = 100.01 does not', price: '1000.10', status: 'not_applied', discount: '0.00', code: 'budget_exhausted', en: 'budget exhausted: 100.00 left < discount 100.01' },
  ]))('budgetAmount is checked against the exact discount — %s', (_name, { price, status, discount, code, en }) => {
    const r = evaluate(cart(['S01', price, 1]), [promotion(1, percentOff('10'), { budgetAmount: '100.00' })]);
    const p = report(r, 'P1');
    expect([p.status, p.discount, p.reason.code, p.reason.message.en]).toEqual([status, discount, code, en]);
  });

  it('budget_exhausted alone drops the candidate even if less would be left for it in the stack', () => {
    // P2 alone: d = 20.00 > 10.00 budget → not applied alone → dropped (README §4.2); P1 95.00 of 100.00 applies
    const r = evaluate(cart(['S01', '100.00', 1]), [promotion(1, threshold('10.00', '95.00'), { priority: 1 }), promotion(2, threshold('10.00', '20.00'), { priority: 2, budgetAmount: '10.00' })]);
    expect(statuses(r)).toEqual([
      ['P1', 'applied', '95.00', 'applied_amount'],
      ['P2', 'not_applied', '0.00', 'budget_exhausted'],
    ]);
    expect(report(r, 'P2').reason.message.en).toBe('budget exhausted: 10.00 left < discount 20.00');
    expect(r.totals.net).toBe('5.00');
  });
});

describe('validity window and status', () => {
  const lines = cart(['S01', '1000.00', 1]);
  it.each(named<{ name: string; extra: Partial<Promotion>; code: string; en?: string }>([
    { name: 'validFrom = now (inclusive) → applies', extra: { validFrom: NOW }, code: 'applied_amount' },
    { name: 'validFrom = now + 1 ms → not started', extra: { validFrom: ms(1) }, code: 'not_started', en: 'not started yet: starts 2026-06-15T04:00:00.001Z' },
    { name: 'validTo = now (exclusive) → ended', extra: { validTo: NOW }, code: 'ended', en: 'ended at 2026-06-15T04:00:00.000Z' },
    { name: 'validTo = now + 1 ms → applies', extra: { validTo: ms(1) }, code: 'applied_amount' },
    { name: 'validTo = now − 1 ms → ended', extra: { validTo: ms(-1) }, code: 'ended' },
    { name: 'inside [now − 1 day, now + 1 day) → applies', extra: { validFrom: ms(-DAY), validTo: ms(DAY) }, code: 'applied_amount' },
    { name: 'status paused', extra: { status: 'paused' }, code: 'not_active', en: 'promotion is paused' },
    { name: 'status draft', extra: { status: 'draft' }, code: 'not_active', en: 'promotion is draft' },
    { name: 'status ended', extra: { status: 'ended' }, code: 'not_active', en: 'promotion is ended' },
    { name: 'status is screened before the window', extra: { status: 'paused', validTo: NOW }, code: 'not_active' },
    { name: 'the window is screened before eligibility', extra: { validTo: NOW, eligibility: { dealers: ['D999'] } }, code: 'ended' },
  ]))('%s', (_name, { extra, code, en }) => {
    const r = evaluate(lines, [promotion(1, threshold('100.00', '10.00'), extra)]);
    const p = report(r, 'P1');
    expect(p.reason.code).toBe(code);
    expect(p.status).toBe(code === 'applied_amount' ? 'applied' : 'not_applied');
    expect(p.discount).toBe(code === 'applied_amount' ? '10.00' : '0.00');
    if (en !== undefined) expect(p.reason.message.en).toBe(en);
  });
});

describe('eligibility (dealer, channel, region, history)', () => {
  // Default context: dealer D001, tier gold, group GA, region 440305, channel portal,
  // 3 prior orders, cooperation since 2024-01-01, today 2026-06-15.
  // 2024-01-01 → 2026-06-15: 366 (2024) + 365 (2025) + 31 + 28 + 31 + 30 + 31 + 14 = 896 days.
  const lines = cart(['S01', '1000.00', 1]);
  const dealer = context().dealer;
  it.each(named<{ name: string; eligibility: Eligibility; ctx?: Partial<PromotionContext>; code: string; en?: string }>([
    { name: 'dealers contains D001', eligibility: { dealers: ['D002', 'D001'] }, code: 'applied_amount' },
    { name: 'dealers without D001', eligibility: { dealers: ['D002'] }, code: 'dealer_not_eligible', en: 'dealer D001 is not eligible' },
    { name: 'tiers contains gold', eligibility: { tiers: ['gold'] }, code: 'applied_amount' },
    { name: 'tiers without gold', eligibility: { tiers: ['silver'] }, code: 'tier_not_eligible', en: 'dealer tier gold is not eligible' },
    { name: 'groups contains GA', eligibility: { groups: ['GA'] }, code: 'applied_amount' },
    { name: 'groups without GA', eligibility: { groups: ['GB'] }, code: 'group_not_eligible', en: 'dealer group GA is not eligible' },
    { name: 'groups, dealer without a group', eligibility: { groups: ['GA'] }, ctx: { dealer: { ...dealer, group: null } }, code: 'group_not_eligible', en: 'dealer group — is not eligible' },
    { name: 'region prefix 44 (province)', eligibility: { regions: ['44'] }, code: 'applied_amount' },
    { name: 'region prefix 4403 (city)', eligibility: { regions: ['4403'] }, code: 'applied_amount' },
    { name: 'region 440305 (district, exact)', eligibility: { regions: ['440305'] }, code: 'applied_amount' },
    { name: 'region 45 / 4404: not a prefix of 440305', eligibility: { regions: ['45', '4404'] }, code: 'region_not_eligible', en: "ship-to region 440305 is outside the promotion's regions" },
    { name: 'region 440306: a sibling district', eligibility: { regions: ['440306'] }, code: 'region_not_eligible' },
    { name: 'channels contains portal', eligibility: { channels: ['portal', 'api'] }, code: 'applied_amount' },
    { name: 'channels without portal', eligibility: { channels: ['api', 'edi'] }, code: 'channel_not_eligible', en: 'not offered on the portal channel' },
    { name: 'channels contains edi, ordered through edi', eligibility: { channels: ['api', 'edi'] }, ctx: { channel: 'edi' }, code: 'applied_amount' },
    { name: 'firstOrder with 3 prior orders', eligibility: { firstOrder: true }, code: 'not_first_order', en: 'first order only: 3 earlier order(s)' },
    { name: 'firstOrder with 0 prior orders', eligibility: { firstOrder: true }, ctx: { dealer: { ...dealer, priorOrders: 0 } }, code: 'applied_amount' },
    { name: 'firstOrder false does not restrict', eligibility: { firstOrder: false }, code: 'applied_amount' },
    { name: 'newDealerDays 30, cooperating 896 days', eligibility: { newDealerDays: 30 }, code: 'not_new_dealer', en: 'new dealers only: cooperation started 896 days ago, limit 30' },
    // 2026-05-16 → 2026-06-15 = 15 + 15 = 30 days ≤ 30
    { name: 'newDealerDays 30, cooperating exactly 30 days', eligibility: { newDealerDays: 30 }, ctx: { dealer: { ...dealer, cooperationSince: '2026-05-16' } }, code: 'applied_amount' },
    { name: 'newDealerDays 30, cooperating 31 days', eligibility: { newDealerDays: 30 }, ctx: { dealer: { ...dealer, cooperationSince: '2026-05-15' } }, code: 'not_new_dealer', en: 'new dealers only: cooperation started 31 days ago, limit 30' },
    { name: 'newDealerDays 30, cooperation starting today (0 days)', eligibility: { newDealerDays: 30 }, ctx: { dealer: { ...dealer, cooperationSince: '2026-06-15' } }, code: 'applied_amount' },
    { name: 'newDealerDays 30, cooperation starting tomorrow (−1 day)', eligibility: { newDealerDays: 30 }, ctx: { dealer: { ...dealer, cooperationSince: '2026-06-16' } }, code: 'not_new_dealer', en: 'new dealers only: cooperation started -1 days ago, limit 30' },
    { name: 'newDealerDays 30, cooperation unknown', eligibility: { newDealerDays: 30 }, ctx: { dealer: { ...dealer, cooperationSince: null } }, code: 'not_new_dealer', en: 'new dealers only: cooperation started unknown days ago, limit 30' },
    { name: 'screening order: channel before dealer', eligibility: { dealers: ['D002'], channels: ['api'] }, code: 'channel_not_eligible' },
    { name: 'screening order: dealer before tier', eligibility: { dealers: ['D002'], tiers: ['silver'] }, code: 'dealer_not_eligible' },
    { name: 'screening order: region before firstOrder', eligibility: { regions: ['45'], firstOrder: true }, code: 'region_not_eligible' },
    { name: 'all conditions met', eligibility: { dealers: ['D001'], tiers: ['gold'], groups: ['GA'], regions: ['44'], channels: ['portal'] }, code: 'applied_amount' },
  ]))('%s', (_name, { eligibility, ctx, code, en }) => {
    const r = evaluate(lines, [promotion(1, threshold('100.00', '10.00'), { eligibility })], context(ctx ?? {}));
    const p = report(r, 'P1');
    expect(p.reason.code).toBe(code);
    expect(p.status).toBe(code === 'applied_amount' ? 'applied' : 'not_applied');
    expect(r.totals.discount).toBe(code === 'applied_amount' ? '10.00' : '0.00');
    if (en !== undefined) expect(p.reason.message.en).toBe(en);
  });
});

describe('eligibility (products, categories, excludeProducts)', () => {
  // order_percent 10 % on S01 100.00 (tools) + S02 200.00 (paint) + S03 300.00 (no category):
  // each eligible line gets 10 % of its own amount (weights = remaining, exact split).
  const lines = cart(['S01', '100.00', 1, 'tools'], ['S02', '200.00', 1, 'paint'], ['S03', '300.00', 1, null]);
  it.each(named<{ name: string; eligibility: Eligibility; byLine: [string, string, string]; discount: string; code: string }>([
    { name: 'no restriction: every line', eligibility: {}, byLine: ['10.00', '20.00', '30.00'], discount: '60.00', code: 'applied_amount' },
    { name: 'products [S03]', eligibility: { products: ['S03'] }, byLine: ['0.00', '0.00', '30.00'], discount: '30.00', code: 'applied_amount' },
    { name: 'categories [paint]', eligibility: { categories: ['paint'] }, byLine: ['0.00', '20.00', '0.00'], discount: '20.00', code: 'applied_amount' },
    { name: 'products [S03] or categories [tools]', eligibility: { products: ['S03'], categories: ['tools'] }, byLine: ['10.00', '0.00', '30.00'], discount: '40.00', code: 'applied_amount' },
    { name: 'excludeProducts [S02]', eligibility: { excludeProducts: ['S02'] }, byLine: ['10.00', '0.00', '30.00'], discount: '40.00', code: 'applied_amount' },
    { name: 'categories [tools, paint] minus S01', eligibility: { categories: ['tools', 'paint'], excludeProducts: ['S01'] }, byLine: ['0.00', '20.00', '0.00'], discount: '20.00', code: 'applied_amount' },
    { name: 'products [S99]: nothing eligible', eligibility: { products: ['S99'] }, byLine: ['0.00', '0.00', '0.00'], discount: '0.00', code: 'no_eligible_lines' },
  ]))('%s', (_name, { eligibility, byLine, discount, code }) => {
    const r = evaluate(lines, [promotion(1, percentOff('10'), { eligibility })]);
    expect(r.lines.map((l) => l.discount)).toEqual(byLine);
    expect(report(r, 'P1').discount).toBe(discount);
    expect(report(r, 'P1').reason.code).toBe(code);
  });
});
