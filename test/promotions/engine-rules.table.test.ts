/**
 * Table-driven examples of the 10 rule types, each promotion evaluated alone. Every expected
 * amount is worked out by hand from README.md (arithmetic in the comments); all amounts in the
 * comments are in currency units unless marked "c" (cents).
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { promotionRule, type Eligibility } from '../../src/ordering/promotions/definition.js';
import { evaluatePromotions } from '../../src/ordering/promotions/engine.js';
import type { PromotionContext } from '../../src/ordering/promotions/types.js';
import { cart, context, promotion } from './builders.js';
import { checkInvariants } from './compare.js';

/** it.each rows as [title, row] so that `%s` prints the whole title (`$name` is truncated at 40 characters). */
const named = <T extends { name: string }>(rows: T[]): Array<[string, T]> => rows.map((row) => [row.name, row]);

type RuleInput = z.input<typeof promotionRule>;
type LineSpec = [sku: string, unitPrice: string, qty: number, category?: string | null];

interface Row {
  name: string;
  lines: LineSpec[];
  rule: RuleInput;
  eligibility?: Eligibility;
  ctx?: Partial<PromotionContext>;
  status: 'applied' | 'not_applied';
  /** The promotion's discount. */
  discount: string;
  /** Discount per SKU; SKUs not listed must have 0.00. */
  byLine?: Record<string, string>;
  /** Gift lines in result order, as "SKU×qty". */
  gifts?: string[];
  /** totals.net */
  net: string;
  code: string;
  en?: string;
  /** Expected hint text (en); null = no hint; undefined = not checked. */
  hint?: string | null;
}

const GIFT_PRODUCTS: Partial<PromotionContext> = {
  giftProducts: new Map([
    ['G01', { unitPrice: '3.00' }],
    ['G02', { unitPrice: null }],
  ]),
};

function check(row: Row): void {
  const lines = cart(...row.lines);
  const p = promotion(1, promotionRule.parse(row.rule), { eligibility: row.eligibility ?? {} });
  const result = evaluatePromotions(lines, [p], context(row.ctx ?? {}));
  checkInvariants(lines, result);

  const report = result.promotions.find((x) => x.code === 'P1')!;
  expect(report.status).toBe(row.status);
  expect(report.discount).toBe(row.discount);
  expect(report.reason.code).toBe(row.code);
  if (row.en !== undefined) expect(report.reason.message.en).toBe(row.en);
  if (row.hint !== undefined) expect(report.hint?.message.en ?? null).toBe(row.hint);

  const expectedByLine = Object.fromEntries(row.lines.map(([sku]) => [sku, row.byLine?.[sku] ?? '0.00']));
  expect(Object.fromEntries(result.lines.filter((l) => !l.isGift).map((l) => [l.sku, l.discount]))).toEqual(expectedByLine);
  expect(result.lines.filter((l) => l.isGift).map((l) => `${l.sku}×${l.qty}`)).toEqual(row.gifts ?? []);
  expect(report.gifts.map((g) => `${g.sku}×${g.qty}`)).toEqual(row.gifts ?? []);
  expect(result.totals.net).toBe(row.net);
  expect(result.totals.discount).toBe(row.discount);
}

describe('threshold', () => {
  const rule: RuleInput = { type: 'threshold', threshold: '1000.00', amountOff: '100.00' };
  it.each(named<Row>([
    {
      name: '820.00 does not reach 1000.00',
      // 2 × 410.00 = 820.00 < 1000.00; hint 1000.00 − 820.00 = 180.00
      lines: [['S01', '410.00', 2]],
      rule,
      status: 'not_applied',
      discount: '0.00',
      net: '820.00',
      code: 'threshold_not_reached',
      en: 'threshold not reached: 820.00 < 1000.00',
      hint: 'spend 180.00 more for 100.00 off',
    },
    {
      name: 'exactly 1000.00 reaches it (S ≥ threshold)',
      // 4 × 250.00 = 1000.00 ≥ 1000.00 → 100.00; net 900.00
      lines: [['S01', '250.00', 4]],
      rule,
      status: 'applied',
      discount: '100.00',
      byLine: { S01: '100.00' },
      net: '900.00',
      code: 'applied_amount',
      en: 'spent 1000.00 ≥ 1000.00: 100.00 off',
      hint: null,
    },
    {
      name: '999.99 misses by one cent',
      // 3 × 333.33 = 999.99 < 1000.00; hint 0.01
      lines: [['S01', '333.3300', 3]],
      rule,
      status: 'not_applied',
      discount: '0.00',
      net: '999.99',
      code: 'threshold_not_reached',
      en: 'threshold not reached: 999.99 < 1000.00',
      hint: 'spend 0.01 more for 100.00 off',
    },
    {
      name: '100.00 off 1234.56 split 81.00 / 19.00 by largest remainder',
      // weights (SKU order) S01 100000c, S02 23456c, Σ 123456
      // S01: 10000 × 100000 / 123456 = 8100 r 6400; S02: 10000 × 23456 / 123456 = 1899 r 117056
      // 9999 given, 1 left → S02 (larger remainder) → 81.00 / 19.00; net 1234.56 − 100 = 1134.56
      lines: [['S02', '234.56', 1], ['S01', '1000', 1]],
      rule,
      status: 'applied',
      discount: '100.00',
      byLine: { S01: '81.00', S02: '19.00' },
      net: '1134.56',
      code: 'applied_amount',
    },
    {
      name: 'the discount is capped by the eligible net (50.00 off a 30.00 cart)',
      // S = 3 × 10.00 = 30.00 ≥ 10.00; d = min(50.00, C = 30.00) = 30.00; net 0.00
      lines: [['S01', '10.00', 3]],
      rule: { type: 'threshold', threshold: '10.00', amountOff: '50.00' },
      status: 'applied',
      discount: '30.00',
      byLine: { S01: '30.00' },
      net: '0.00',
      code: 'applied_amount',
    },
    {
      name: 'categories: only the tools lines count (600.00 < 1000.00)',
      // S = 600.00 (S01 tools); S02 paint not eligible; hint 400.00
      lines: [['S01', '600.00', 1, 'tools'], ['S02', '600.00', 1, 'paint']],
      rule,
      eligibility: { categories: ['tools'] },
      status: 'not_applied',
      discount: '0.00',
      net: '1200.00',
      code: 'threshold_not_reached',
      en: 'threshold not reached: 600.00 < 1000.00',
      hint: 'spend 400.00 more for 100.00 off',
    },
    {
      name: 'categories: discount split over the eligible lines only',
      // S = 700 + 400 = 1100.00 ≥ 1000; split 10000c over 70000 : 40000 (Σ 110000)
      // S01: 700000000 / 110000 = 6363 r 70000; S02: 400000000 / 110000 = 3636 r 40000; 1 left → S01
      // → 63.64 / 36.36; S03 (paint) 0; net 1600.00 − 100.00 = 1500.00
      lines: [['S01', '700.00', 1, 'tools'], ['S02', '400.00', 1, 'tools'], ['S03', '500.00', 1, 'paint']],
      rule,
      eligibility: { categories: ['tools'] },
      status: 'applied',
      discount: '100.00',
      byLine: { S01: '63.64', S02: '36.36' },
      net: '1500.00',
      code: 'applied_amount',
    },
    {
      name: 'excludeProducts: the excluded line does not count (900.00 < 1000.00)',
      lines: [['S01', '900.00', 1], ['S02', '200.00', 1]],
      rule,
      eligibility: { excludeProducts: ['S02'] },
      status: 'not_applied',
      discount: '0.00',
      net: '1100.00',
      code: 'threshold_not_reached',
      en: 'threshold not reached: 900.00 < 1000.00',
    },
  ]))('%s', (_name, row) => check(row));
});

describe('tiered', () => {
  const rule: RuleInput = {
    type: 'tiered',
    tiers: [
      { threshold: '500.00', amountOff: '20.00' },
      { threshold: '1000.00', amountOff: '60.00' },
      { threshold: '2000.00', amountOff: '200.00' },
    ],
  };
  it.each(named<Row>([
    {
      name: '499.99: no tier reached, hint to the first',
      lines: [['S01', '499.99', 1]],
      rule,
      status: 'not_applied',
      discount: '0.00',
      net: '499.99',
      code: 'threshold_not_reached',
      en: 'threshold not reached: 499.99 < 500.00',
      hint: 'spend 0.01 more for 20.00 off',
    },
    {
      name: '500.00: first tier 20.00, hint to the next (500.00 more for 60.00)',
      lines: [['S01', '500.00', 1]],
      rule,
      status: 'applied',
      discount: '20.00',
      byLine: { S01: '20.00' },
      net: '480.00',
      code: 'applied_amount',
      en: 'spent 500.00 ≥ 500.00: 20.00 off',
      hint: 'spend 500.00 more for 60.00 off',
    },
    {
      name: '1500.00: highest tier reached is 1000 → 60.00',
      // 2 × 750.00 = 1500.00; next tier 2000.00 − 1500.00 = 500.00
      lines: [['S01', '750.00', 2]],
      rule,
      status: 'applied',
      discount: '60.00',
      byLine: { S01: '60.00' },
      net: '1440.00',
      code: 'applied_amount',
      en: 'spent 1500.00 ≥ 1000.00: 60.00 off',
      hint: 'spend 500.00 more for 200.00 off',
    },
    {
      name: '2000.00: top tier, no hint',
      lines: [['S01', '1000.00', 2]],
      rule,
      status: 'applied',
      discount: '200.00',
      byLine: { S01: '200.00' },
      net: '1800.00',
      code: 'applied_amount',
      hint: null,
    },
    {
      name: '2500.00: still the top tier (no stacking of tiers)',
      lines: [['S01', '2500.00', 1]],
      rule,
      status: 'applied',
      discount: '200.00',
      byLine: { S01: '200.00' },
      net: '2300.00',
      code: 'applied_amount',
    },
  ]))('%s', (_name, row) => check(row));
});

describe('repeating', () => {
  const rule: RuleInput = { type: 'repeating', every: '500.00', amountOff: '50.00' };
  it.each(named<Row>([
    {
      name: '1234.56: floor(1234.56 / 500) = 2 → 100.00',
      // next multiple 1500.00 − 1234.56 = 265.44 for 3 × 50 = 150.00
      lines: [['S01', '1234.56', 1]],
      rule,
      status: 'applied',
      discount: '100.00',
      byLine: { S01: '100.00' },
      net: '1134.56',
      code: 'applied_amount',
      en: '2 × 50.00 for every 500.00: 100.00 off',
      hint: 'spend 265.44 more for 150.00 off',
    },
    {
      name: '499.99: m = 0, not reached',
      lines: [['S01', '499.99', 1]],
      rule,
      status: 'not_applied',
      discount: '0.00',
      net: '499.99',
      code: 'threshold_not_reached',
      en: 'threshold not reached: 499.99 < 500.00',
      hint: 'spend 0.01 more for 50.00 off',
    },
    {
      name: '5000.00: m = 10 → 500.00',
      lines: [['S01', '5000.00', 1]],
      rule,
      status: 'applied',
      discount: '500.00',
      byLine: { S01: '500.00' },
      net: '4500.00',
      code: 'applied_amount',
    },
    {
      name: 'maxAmountOff 80.00 caps 2 × 50.00 = 100.00 → 80.00',
      lines: [['S01', '1234.56', 1]],
      rule: { ...rule, maxAmountOff: '80.00' },
      status: 'applied',
      discount: '80.00',
      byLine: { S01: '80.00' },
      net: '1154.56',
      code: 'applied_amount',
      hint: null,
    },
    {
      name: 'maxAmountOff 120.00 above 100.00: not capped, hint up to the cap',
      // next: 3 × 50 = 150 → min(150, 120) = 120.00
      lines: [['S01', '1234.56', 1]],
      rule: { ...rule, maxAmountOff: '120.00' },
      status: 'applied',
      discount: '100.00',
      byLine: { S01: '100.00' },
      net: '1134.56',
      code: 'applied_amount',
      hint: 'spend 265.44 more for 120.00 off',
    },
    {
      name: 'maxAmountOff 120.00 caps 3 × 50.00 = 150.00 on 1600.00',
      lines: [['S01', '1600.00', 1]],
      rule: { ...rule, maxAmountOff: '120.00' },
      status: 'applied',
      discount: '120.00',
      byLine: { S01: '120.00' },
      net: '1480.00',
      code: 'applied_amount',
      hint: null,
    },
  ]))('%s', (_name, row) => check(row));
});

describe('order_percent', () => {
  it.each(named<Row>([
    {
      name: '10 % of 3 × 33.3333',
      // 3 × 33.3333 = 99.9999 → gross 100.00; 10 % → 10.00
      lines: [['S01', '33.3333', 3]],
      rule: { type: 'order_percent', percentOff: '10' },
      status: 'applied',
      discount: '10.00',
      byLine: { S01: '10.00' },
      net: '90.00',
      code: 'applied_amount',
      en: '10% of 100.00 after line discounts: 10.00 off',
    },
    {
      name: '12.5 % of 3 × 0.3333 rounds half-up to 0.13',
      // 3 × 0.3333 = 0.9999 → 1.00; 12.5 % → 0.125 → 0.13
      lines: [['S01', '0.3333', 3]],
      rule: { type: 'order_percent', percentOff: '12.5' },
      status: 'applied',
      discount: '0.13',
      byLine: { S01: '0.13' },
      net: '0.87',
      code: 'applied_amount',
    },
    {
      name: '10 % of 0.05 = 0.005 → 0.01 (half-up)',
      lines: [['S01', '0.05', 1]],
      rule: { type: 'order_percent', percentOff: '10' },
      status: 'applied',
      discount: '0.01',
      byLine: { S01: '0.01' },
      net: '0.04',
      code: 'applied_amount',
    },
    {
      name: '7.5 % of 1234.56 = 92.592 → 92.59',
      lines: [['S01', '1234.56', 1]],
      rule: { type: 'order_percent', percentOff: '7.5' },
      status: 'applied',
      discount: '92.59',
      byLine: { S01: '92.59' },
      net: '1141.97',
      code: 'applied_amount',
    },
    {
      name: '100 % takes everything',
      lines: [['S01', '12.34', 1]],
      rule: { type: 'order_percent', percentOff: '100' },
      status: 'applied',
      discount: '12.34',
      byLine: { S01: '12.34' },
      net: '0.00',
      code: 'applied_amount',
    },
    {
      name: 'minSubtotal 500.00 not reached by 499.99',
      lines: [['S01', '499.99', 1]],
      rule: { type: 'order_percent', percentOff: '10', minSubtotal: '500.00' },
      status: 'not_applied',
      discount: '0.00',
      net: '499.99',
      code: 'minimum_not_reached',
      en: 'minimum not reached: 499.99 < 500.00',
      hint: 'spend 0.01 more for 10% off',
    },
    {
      name: 'minSubtotal 500.00 reached by 500.00 → 50.00',
      lines: [['S01', '500.00', 1]],
      rule: { type: 'order_percent', percentOff: '10', minSubtotal: '500.00' },
      status: 'applied',
      discount: '50.00',
      byLine: { S01: '50.00' },
      net: '450.00',
      code: 'applied_amount',
    },
    {
      name: '10 % of 3 × 0.35 split by largest remainder in SKU order',
      // S = 1.05; 10 % = 0.105 → 11c; weights 35 : 35 : 35 → 11 × 35 / 105 = 3 r 70 each,
      // 2 left → the first two in SKU order (S01, S02) → 0.04 / 0.04 / 0.03
      lines: [['S03', '0.35', 1], ['S01', '0.35', 1], ['S02', '0.35', 1]],
      rule: { type: 'order_percent', percentOff: '10' },
      status: 'applied',
      discount: '0.11',
      byLine: { S01: '0.04', S02: '0.04', S03: '0.03' },
      net: '0.94',
      code: 'applied_amount',
    },
    {
      name: 'no eligible line: S = 0',
      lines: [['S01', '100.00', 1]],
      rule: { type: 'order_percent', percentOff: '10' },
      eligibility: { products: ['S99'] },
      status: 'not_applied',
      discount: '0.00',
      net: '100.00',
      code: 'no_eligible_lines',
      en: 'no eligible product in the order',
    },
  ]))('%s', (_name, row) => check(row));
});

describe('line_discount', () => {
  it.each(named<Row>([
    {
      name: 'percent: 10 % of 3 × 33.3333 rounded once',
      // R(33.3333 × 3 × 10 / 100) = R(9.99999) = 10.00 (per unit it would be 3 × 3.33 = 9.99)
      lines: [['S01', '33.3333', 3]],
      rule: { type: 'line_discount', percentOff: '10' },
      status: 'applied',
      discount: '10.00',
      byLine: { S01: '10.00' },
      net: '90.00',
      code: 'applied_amount',
      en: '10% off: 10.00 off',
    },
    {
      name: 'percent: 12.5 % of 3 × 0.05 rounded once',
      // R(0.05 × 3 × 12.5 / 100) = R(0.01875) = 0.02 (per unit: 3 × R(0.00625) = 0.03); gross 0.15
      lines: [['S01', '0.0500', 3]],
      rule: { type: 'line_discount', percentOff: '12.5' },
      status: 'applied',
      discount: '0.02',
      byLine: { S01: '0.02' },
      net: '0.13',
      code: 'applied_amount',
    },
    {
      name: 'amount per unit: 1.50 × 4',
      // 4 × 1.50 = 6.00; gross 40.00
      lines: [['S01', '10.00', 4]],
      rule: { type: 'line_discount', amountOff: '1.50', per: 'unit' },
      status: 'applied',
      discount: '6.00',
      byLine: { S01: '6.00' },
      net: '34.00',
      code: 'applied_amount',
      en: '1.50 off per unit: 6.00 off',
    },
    {
      name: 'amount per line: 1.50 once',
      lines: [['S01', '10.00', 4]],
      rule: { type: 'line_discount', amountOff: '1.50', per: 'line' },
      status: 'applied',
      discount: '1.50',
      byLine: { S01: '1.50' },
      net: '38.50',
      code: 'applied_amount',
      en: '1.50 off per line: 1.50 off',
    },
    {
      name: 'amount per line on two lines, capped at the smaller line',
      // S01: 2.00; S02: min(2.00, 1.50) = 1.50; total 3.50; gross 30.00 + 1.50 = 31.50 → 28.00
      lines: [['S01', '10.00', 3], ['S02', '1.50', 1]],
      rule: { type: 'line_discount', amountOff: '2.00', per: 'line' },
      status: 'applied',
      discount: '3.50',
      byLine: { S01: '2.00', S02: '1.50' },
      net: '28.00',
      code: 'applied_amount',
    },
    {
      name: 'percent with maxQty 2 of 5 units',
      // n = min(5, 2) = 2; R(10.00 × 2 × 50 / 100) = 10.00; gross 50.00
      lines: [['S01', '10.00', 5]],
      rule: { type: 'line_discount', percentOff: '50', maxQty: 2 },
      status: 'applied',
      discount: '10.00',
      byLine: { S01: '10.00' },
      net: '40.00',
      code: 'applied_amount',
    },
    {
      name: 'amount per unit with maxQty 3 of 5 units',
      // n = 3; 3 × 2.00 = 6.00; gross 50.00
      lines: [['S01', '10.00', 5]],
      rule: { type: 'line_discount', amountOff: '2.00', per: 'unit', maxQty: 3 },
      status: 'applied',
      discount: '6.00',
      byLine: { S01: '6.00' },
      net: '44.00',
      code: 'applied_amount',
    },
    {
      name: 'maxQty above qty: all units',
      // n = min(3, 10) = 3; R(10.00 × 3 × 10 / 100) = 3.00
      lines: [['S01', '10.00', 3]],
      rule: { type: 'line_discount', percentOff: '10', maxQty: 10 },
      status: 'applied',
      discount: '3.00',
      byLine: { S01: '3.00' },
      net: '27.00',
      code: 'applied_amount',
    },
    {
      name: 'amount per unit larger than the price is capped at the line net',
      // d = 2 × 5.00 = 10.00; min(10.00, remaining 6.00) = 6.00
      lines: [['S01', '3.00', 2]],
      rule: { type: 'line_discount', amountOff: '5.00', per: 'unit' },
      status: 'applied',
      discount: '6.00',
      byLine: { S01: '6.00' },
      net: '0.00',
      code: 'applied_amount',
    },
    {
      name: 'products: only S02',
      // 10 % of 20.00 = 2.00
      lines: [['S01', '10.00', 1], ['S02', '20.00', 1]],
      rule: { type: 'line_discount', percentOff: '10' },
      eligibility: { products: ['S02'] },
      status: 'applied',
      discount: '2.00',
      byLine: { S02: '2.00' },
      net: '28.00',
      code: 'applied_amount',
    },
    {
      name: 'categories: only paint (null category never matches)',
      // 20 % of 10.00 = 2.00; gross 60.00
      lines: [['S01', '10.00', 1, 'paint'], ['S02', '20.00', 1, 'tools'], ['S03', '30.00', 1, null]],
      rule: { type: 'line_discount', percentOff: '20' },
      eligibility: { categories: ['paint'] },
      status: 'applied',
      discount: '2.00',
      byLine: { S01: '2.00' },
      net: '58.00',
      code: 'applied_amount',
    },
    {
      name: 'products OR categories: S01 by product, S02 by category',
      // 10 % of 10.00 each on S01, S02; S03 (tools, not listed) nothing; gross 30.00
      lines: [['S01', '10.00', 1, 'tools'], ['S02', '10.00', 1, 'paint'], ['S03', '10.00', 1, 'tools']],
      rule: { type: 'line_discount', percentOff: '10' },
      eligibility: { products: ['S01'], categories: ['paint'] },
      status: 'applied',
      discount: '2.00',
      byLine: { S01: '1.00', S02: '1.00' },
      net: '28.00',
      code: 'applied_amount',
    },
    {
      name: 'excludeProducts wins over products',
      lines: [['S01', '10.00', 1], ['S02', '20.00', 1]],
      rule: { type: 'line_discount', percentOff: '10' },
      eligibility: { products: ['S01', 'S02'], excludeProducts: ['S02'] },
      status: 'applied',
      discount: '1.00',
      byLine: { S01: '1.00' },
      net: '29.00',
      code: 'applied_amount',
    },
    {
      name: 'excludeProducts alone: every other line',
      lines: [['S01', '10.00', 1], ['S02', '20.00', 1]],
      rule: { type: 'line_discount', percentOff: '10' },
      eligibility: { excludeProducts: ['S01'] },
      status: 'applied',
      discount: '2.00',
      byLine: { S02: '2.00' },
      net: '28.00',
      code: 'applied_amount',
    },
    {
      name: 'no eligible line',
      lines: [['S01', '10.00', 1]],
      rule: { type: 'line_discount', percentOff: '10' },
      eligibility: { products: ['S99'] },
      status: 'not_applied',
      discount: '0.00',
      net: '10.00',
      code: 'no_eligible_lines',
      en: 'no eligible product in the order',
    },
  ]))('%s', (_name, row) => check(row));
});

describe('quantity_break', () => {
  const rule: RuleInput = {
    type: 'quantity_break',
    breaks: [
      { minQty: 10, unitPrice: '9.50' },
      { minQty: 50, unitPrice: '9.0000' },
    ],
  };
  it.each(named<Row>([
    {
      name: '12 units reach the 10-unit break',
      // gross 12 × 10.00 = 120.00; R(9.50 × 12) = 114.00 → d = 6.00
      lines: [['S01', '10.00', 12]],
      rule,
      status: 'applied',
      discount: '6.00',
      byLine: { S01: '6.00' },
      net: '114.00',
      code: 'applied_amount',
      en: 'quantity price from 10 units: 6.00 off',
    },
    {
      name: '49 units: still the 10-unit break',
      // gross 490.00; 9.50 × 49 = 465.50 → 24.50
      lines: [['S01', '10.00', 49]],
      rule,
      status: 'applied',
      discount: '24.50',
      byLine: { S01: '24.50' },
      net: '465.50',
      code: 'applied_amount',
    },
    {
      name: '50 units take the largest break reached (9.00)',
      // gross 500.00; 9.00 × 50 = 450.00 → 50.00
      lines: [['S01', '10.00', 50]],
      rule,
      status: 'applied',
      discount: '50.00',
      byLine: { S01: '50.00' },
      net: '450.00',
      code: 'applied_amount',
    },
    {
      name: '9 units: no break',
      lines: [['S01', '10.00', 9]],
      rule,
      status: 'not_applied',
      discount: '0.00',
      net: '90.00',
      code: 'break_not_reached',
      en: 'quantity break not reached: at most 9 < 10',
    },
    {
      name: 'break price above the current price gives nothing',
      // gross 12 × 9.00 = 108.00; 9.50 × 12 = 114.00 → max(0, −6.00) = 0
      lines: [['S01', '9.00', 12]],
      rule,
      status: 'not_applied',
      discount: '0.00',
      net: '108.00',
      code: 'price_not_lower',
      en: 'the break price is not below the current price',
    },
    {
      name: 'per line: only the line with 12 units',
      // S01 6.00 as above; S02 5 units < 10 nothing; gross 120.00 + 50.00 = 170.00
      lines: [['S01', '10.00', 12], ['S02', '10.00', 5]],
      rule,
      status: 'applied',
      discount: '6.00',
      byLine: { S01: '6.00' },
      net: '164.00',
      code: 'applied_amount',
    },
    {
      name: '4-decimal break price rounded once on the line',
      // gross 3 × 3.40 = 10.20; R(3.3333 × 3) = R(9.9999) = 10.00 → 0.20
      lines: [['S01', '3.40', 3]],
      rule: { type: 'quantity_break', breaks: [{ minQty: 3, unitPrice: '3.3333' }] },
      status: 'applied',
      discount: '0.20',
      byLine: { S01: '0.20' },
      net: '10.00',
      code: 'applied_amount',
    },
    {
      name: 'products: the big line is not eligible',
      // eligible S02 has 3 < 10; gross 120.00 + 30.00
      lines: [['S01', '10.00', 12], ['S02', '10.00', 3]],
      rule,
      eligibility: { products: ['S02'] },
      status: 'not_applied',
      discount: '0.00',
      net: '150.00',
      code: 'break_not_reached',
      en: 'quantity break not reached: at most 3 < 10',
    },
  ]))('%s', (_name, row) => check(row));
});

describe('buy_x_get_y', () => {
  it.each(named<Row>([
    {
      name: 'buy 2 get 1, qty 7 → floor(7 / 2) × 1 = 3 free',
      lines: [['S01', '5.00', 7]],
      rule: { type: 'buy_x_get_y', buy: 2, get: 1 },
      status: 'applied',
      discount: '0.00',
      gifts: ['S01×3'],
      net: '35.00',
      code: 'applied_gift',
      en: 'gift: S01 × 3',
      hint: null,
    },
    {
      name: 'buy 10 get 1, qty 25 → 2 free',
      lines: [['S01', '5.00', 25]],
      rule: { type: 'buy_x_get_y', buy: 10, get: 1 },
      status: 'applied',
      discount: '0.00',
      gifts: ['S01×2'],
      net: '125.00',
      code: 'applied_gift',
    },
    {
      name: 'buy 1 get 2, qty 3 → 6 free',
      lines: [['S01', '5.00', 3]],
      rule: { type: 'buy_x_get_y', buy: 1, get: 2 },
      status: 'applied',
      discount: '0.00',
      gifts: ['S01×6'],
      net: '15.00',
      code: 'applied_gift',
    },
    {
      name: 'buy 3 get 1, qty 2: not reached, hint 1 more',
      lines: [['S01', '5.00', 2]],
      rule: { type: 'buy_x_get_y', buy: 3, get: 1 },
      status: 'not_applied',
      discount: '0.00',
      net: '10.00',
      code: 'buy_not_reached',
      en: 'buy 3 get 1: the most of one eligible product is 2',
      hint: 'buy 1 more S01 to qualify',
    },
    {
      name: 'buy 5 get 1: quantities of different lines are not pooled (3 + 4)',
      lines: [['S01', '5.00', 3], ['S02', '5.00', 4]],
      rule: { type: 'buy_x_get_y', buy: 5, get: 1 },
      status: 'not_applied',
      discount: '0.00',
      net: '35.00',
      code: 'buy_not_reached',
      en: 'buy 5 get 1: the most of one eligible product is 4',
      hint: 'buy 1 more S02 to qualify',
    },
    {
      name: 'maxFreeQty 2 caps floor(9 / 2) = 4',
      lines: [['S01', '5.00', 9]],
      rule: { type: 'buy_x_get_y', buy: 2, get: 1, maxFreeQty: 2 },
      status: 'applied',
      discount: '0.00',
      gifts: ['S01×2'],
      net: '45.00',
      code: 'applied_gift',
    },
    {
      name: 'maxFreeQty 3 shared across lines in SKU order',
      // S01 (first by SKU): floor(4 / 2) = 2 → 2; S02: floor(6 / 2) = 3 → min(3, 3 − 2) = 1
      lines: [['S02', '5.00', 6], ['S01', '5.00', 4]],
      rule: { type: 'buy_x_get_y', buy: 2, get: 1, maxFreeQty: 3 },
      status: 'applied',
      discount: '0.00',
      gifts: ['S01×2', 'S02×1'],
      net: '50.00',
      code: 'applied_gift',
    },
    {
      name: 'products: only the eligible line gets free units',
      // S02: floor(4 / 2) = 2; S01 not eligible
      lines: [['S01', '5.00', 10], ['S02', '5.00', 4]],
      rule: { type: 'buy_x_get_y', buy: 2, get: 1 },
      eligibility: { products: ['S02'] },
      status: 'applied',
      discount: '0.00',
      gifts: ['S02×2'],
      net: '70.00',
      code: 'applied_gift',
    },
  ]))('%s', (_name, row) => check(row));
});

describe('gift', () => {
  it.each(named<Row>([
    {
      name: 'minSubtotal 500.00 on 1234.56: one set',
      lines: [['S01', '1234.56', 1]],
      rule: { type: 'gift', minSubtotal: '500.00', gifts: [{ sku: 'G01', qty: 2 }] },
      ctx: GIFT_PRODUCTS,
      status: 'applied',
      discount: '0.00',
      gifts: ['G01×2'],
      net: '1234.56',
      code: 'applied_gift',
      en: 'gift: G01 × 2',
    },
    {
      name: 'perMultiple: floor(1234.56 / 500) = 2 sets → 2 × 2 = 4',
      lines: [['S01', '1234.56', 1]],
      rule: { type: 'gift', minSubtotal: '500.00', gifts: [{ sku: 'G01', qty: 2 }], perMultiple: true },
      ctx: GIFT_PRODUCTS,
      status: 'applied',
      discount: '0.00',
      gifts: ['G01×4'],
      net: '1234.56',
      code: 'applied_gift',
    },
    {
      name: 'perMultiple capped by maxSets 1',
      lines: [['S01', '1234.56', 1]],
      rule: { type: 'gift', minSubtotal: '500.00', gifts: [{ sku: 'G01', qty: 2 }], perMultiple: true, maxSets: 1 },
      ctx: GIFT_PRODUCTS,
      status: 'applied',
      discount: '0.00',
      gifts: ['G01×2'],
      net: '1234.56',
      code: 'applied_gift',
    },
    {
      name: 'perMultiple with both conditions takes the smaller multiple',
      // S = 16 × 100.00 = 1600.00 → floor(1600 / 500) = 3; Q = 16 → floor(16 / 3) = 5; min = 3
      lines: [['S01', '100.00', 16]],
      rule: { type: 'gift', minSubtotal: '500.00', minQty: 3, gifts: [{ sku: 'G01', qty: 1 }], perMultiple: true },
      ctx: GIFT_PRODUCTS,
      status: 'applied',
      discount: '0.00',
      gifts: ['G01×3'],
      net: '1600.00',
      code: 'applied_gift',
    },
    {
      name: 'perMultiple on minQty only: floor(16 / 3) = 5 sets × 2',
      lines: [['S01', '100.00', 16]],
      rule: { type: 'gift', minQty: 3, gifts: [{ sku: 'G01', qty: 2 }], perMultiple: true },
      ctx: GIFT_PRODUCTS,
      status: 'applied',
      discount: '0.00',
      gifts: ['G01×10'],
      net: '1600.00',
      code: 'applied_gift',
    },
    {
      name: 'minQty 5 not met by 4 items',
      lines: [['S01', '10.00', 4]],
      rule: { type: 'gift', minQty: 5, gifts: [{ sku: 'G01', qty: 1 }] },
      ctx: GIFT_PRODUCTS,
      status: 'not_applied',
      discount: '0.00',
      net: '40.00',
      code: 'gift_condition_not_met',
      en: 'gift condition not met: 4 < 5 items',
      hint: 'add 1 more eligible item(s) to qualify',
    },
    {
      name: 'minQty counts all eligible lines (2 + 3 = 5)',
      lines: [['S01', '10.00', 2], ['S02', '10.00', 3]],
      rule: { type: 'gift', minQty: 5, gifts: [{ sku: 'G01', qty: 1 }] },
      ctx: GIFT_PRODUCTS,
      status: 'applied',
      discount: '0.00',
      gifts: ['G01×1'],
      net: '50.00',
      code: 'applied_gift',
    },
    {
      name: 'minSubtotal 500.00 not met by 400.00',
      lines: [['S01', '400.00', 1]],
      rule: { type: 'gift', minSubtotal: '500.00', gifts: [{ sku: 'G01', qty: 1 }] },
      ctx: GIFT_PRODUCTS,
      status: 'not_applied',
      discount: '0.00',
      net: '400.00',
      code: 'gift_condition_not_met',
      en: 'gift condition not met: 400.00 < 500.00',
      hint: 'spend 100.00 more for the gift',
    },
    {
      name: 'both conditions: the amount is met but not the quantity (2 < 3)',
      // S = 2 × 300.00 = 600.00 ≥ 500.00; Q = 2 < 3
      lines: [['S01', '300.00', 2]],
      rule: { type: 'gift', minSubtotal: '500.00', minQty: 3, gifts: [{ sku: 'G01', qty: 1 }] },
      ctx: GIFT_PRODUCTS,
      status: 'not_applied',
      discount: '0.00',
      net: '600.00',
      code: 'gift_condition_not_met',
      en: 'gift condition not met: 2 < 3 items',
      hint: 'add 1 more eligible item(s) to qualify',
    },
    {
      name: 'categories: only tools count towards minSubtotal (400.00 < 500.00)',
      lines: [['S01', '400.00', 1, 'tools'], ['S02', '400.00', 1, 'paint']],
      rule: { type: 'gift', minSubtotal: '500.00', gifts: [{ sku: 'G01', qty: 1 }] },
      eligibility: { categories: ['tools'] },
      ctx: GIFT_PRODUCTS,
      status: 'not_applied',
      discount: '0.00',
      net: '800.00',
      code: 'gift_condition_not_met',
      en: 'gift condition not met: 400.00 < 500.00',
      hint: 'spend 100.00 more for the gift',
    },
    {
      name: 'a gift that is not orderable: not applied, nothing given',
      lines: [['S01', '1000.00', 1]],
      rule: { type: 'gift', minSubtotal: '500.00', gifts: [{ sku: 'G01', qty: 1 }, { sku: 'G99', qty: 1 }] },
      ctx: GIFT_PRODUCTS,
      status: 'not_applied',
      discount: '0.00',
      net: '1000.00',
      code: 'gift_not_orderable',
      en: 'gift G99 cannot be ordered',
    },
    {
      name: 'several gifts in definition order (a gift without a price still given)',
      lines: [['S01', '1000.00', 1]],
      rule: { type: 'gift', minSubtotal: '500.00', gifts: [{ sku: 'G02', qty: 1 }, { sku: 'G01', qty: 3 }] },
      ctx: GIFT_PRODUCTS,
      status: 'applied',
      discount: '0.00',
      gifts: ['G02×1', 'G01×3'],
      net: '1000.00',
      code: 'applied_gift',
      en: 'gift: G02 × 1, G01 × 3',
    },
  ]))('%s', (_name, row) => check(row));
});

describe('bundle', () => {
  const rule: RuleInput = { type: 'bundle', components: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 2 }], price: '140.00' };
  it.each(named<Row>([
    {
      name: 'A + 2B at 140.00: 2 sets save 40.00, split 25.00 / 15.00',
      // sets = min(floor(3/1), floor(5/2)) = 2; g_A = 100 × 1 × 2 = 200.00, g_B = 30 × 2 × 2 = 120.00
      // d = 320.00 − 2 × 140.00 = 40.00; weights 20000 : 12000 → 2500 / 1500 exactly
      // gross 300.00 + 150.00 = 450.00 → 410.00
      lines: [['A', '100.00', 3], ['B', '30.00', 5]],
      rule,
      status: 'applied',
      discount: '40.00',
      byLine: { A: '25.00', B: '15.00' },
      net: '410.00',
      code: 'applied_amount',
      en: '2 bundle set(s) at 140.00: 40.00 off',
    },
    {
      name: 'maxSets 1: one set saves 20.00, split 12.50 / 7.50',
      // g_A = 100.00, g_B = 60.00, d = 160.00 − 140.00 = 20.00; 2000 × 10000 / 16000 = 1250, 2000 × 6000 / 16000 = 750
      lines: [['A', '100.00', 3], ['B', '30.00', 5]],
      rule: { ...rule, maxSets: 1 } as RuleInput,
      status: 'applied',
      discount: '20.00',
      byLine: { A: '12.50', B: '7.50' },
      net: '430.00',
      code: 'applied_amount',
    },
    {
      name: 'bundle ignores products/categories (its lines are its components)',
      lines: [['A', '100.00', 3], ['B', '30.00', 5]],
      rule,
      eligibility: { products: ['X'] },
      status: 'applied',
      discount: '40.00',
      byLine: { A: '25.00', B: '15.00' },
      net: '410.00',
      code: 'applied_amount',
    },
    {
      name: 'a line outside the bundle is untouched',
      // 1 set: d = 160.00 − 140.00 = 20.00 → 12.50 / 7.50; C 0; gross 100 + 60 + 50 = 210.00
      lines: [['A', '100.00', 1], ['C', '50.00', 1], ['B', '30.00', 2]],
      rule,
      status: 'applied',
      discount: '20.00',
      byLine: { A: '12.50', B: '7.50' },
      net: '190.00',
      code: 'applied_amount',
    },
    {
      name: 'incomplete: B missing',
      lines: [['A', '100.00', 3]],
      rule,
      status: 'not_applied',
      discount: '0.00',
      net: '300.00',
      code: 'bundle_incomplete',
      en: 'bundle incomplete: B needs 2, the order has 0',
    },
    {
      name: 'incomplete: 1 B where 2 are needed (sets = 0)',
      lines: [['A', '100.00', 1], ['B', '30.00', 1]],
      rule,
      status: 'not_applied',
      discount: '0.00',
      net: '130.00',
      code: 'bundle_incomplete',
      en: 'bundle incomplete: B needs 2, the order has 1',
    },
    {
      name: 'incomplete: A missing',
      lines: [['B', '30.00', 2]],
      rule,
      status: 'not_applied',
      discount: '0.00',
      net: '60.00',
      code: 'bundle_incomplete',
      en: 'bundle incomplete: A needs 1, the order has 0',
    },
    {
      name: 'not cheaper: 160.00 for a list of 160.00',
      lines: [['A', '100.00', 1], ['B', '30.00', 2]],
      rule: { ...rule, price: '160.00' } as RuleInput,
      status: 'not_applied',
      discount: '0.00',
      net: '160.00',
      code: 'bundle_not_cheaper',
      en: 'bundle price 160.00 is not below the list amount 160.00',
    },
    {
      name: 'three components of 1.00 at 2.00: 1.00 split 0.34 / 0.33 / 0.33 in SKU order',
      // d = 3.00 − 2.00 = 1.00; 100 × 100 / 300 = 33 r 100 each; 1 left → A (first by SKU)
      lines: [['C', '1.00', 1], ['A', '1.00', 1], ['B', '1.00', 1]],
      rule: { type: 'bundle', components: [{ sku: 'C', qty: 1 }, { sku: 'B', qty: 1 }, { sku: 'A', qty: 1 }], price: '2.00' },
      status: 'applied',
      discount: '1.00',
      byLine: { A: '0.34', B: '0.33', C: '0.33' },
      net: '2.00',
      code: 'applied_amount',
    },
    {
      name: '4-decimal component price rounded once per component',
      // g_A = R(33.3333 × 3 × 1) = R(99.9999) = 100.00; d = 100.00 − 90.00 = 10.00; gross 100.00
      lines: [['A', '33.3333', 3]],
      rule: { type: 'bundle', components: [{ sku: 'A', qty: 3 }], price: '90.00' },
      status: 'applied',
      discount: '10.00',
      byLine: { A: '10.00' },
      net: '90.00',
      code: 'applied_amount',
    },
  ]))('%s', (_name, row) => check(row));
});

describe('mix_match', () => {
  it.each(named<Row>([
    {
      name: 'price: any 3 for 25.00 takes the dearest units (B, B, A)',
      // units by price desc: B 12.00 ×2, A 10.00 ×2, C 8.00 → take B 2, A 1
      // p_A = 10.00, p_B = 24.00; d = 34.00 − 25.00 = 9.00; weights (SKU order) A 1000, B 2400, Σ 3400
      // A: 900 × 1000 / 3400 = 264 r 2400; B: 900 × 2400 / 3400 = 635 r 1000; 1 left → A → 2.65 / 6.35
      // gross 20 + 24 + 8 = 52.00 → 43.00
      lines: [['A', '10.00', 2], ['B', '12.00', 2], ['C', '8.00', 1]],
      rule: { type: 'mix_match', quantity: 3, price: '25.00' },
      status: 'applied',
      discount: '9.00',
      byLine: { A: '2.65', B: '6.35' },
      net: '43.00',
      code: 'applied_amount',
      en: '1 set(s) of any 3 at 25.00: 9.00 off',
    },
    {
      name: 'price: a set spanning two lines',
      // Q = 6, quantity 4 → 1 set; take A 3 (10.00), B 1 (9.00); p_A = 30.00, p_B = 9.00; d = 39 − 30 = 9.00
      // A: 900 × 3000 / 3900 = 692 r 1200; B: 900 × 900 / 3900 = 207 r 2700; 1 left → B → 6.92 / 2.08
      // gross 30 + 27 = 57.00 → 48.00
      lines: [['A', '10.00', 3], ['B', '9.00', 3]],
      rule: { type: 'mix_match', quantity: 4, price: '30.00' },
      status: 'applied',
      discount: '9.00',
      byLine: { A: '6.92', B: '2.08' },
      net: '48.00',
      code: 'applied_amount',
    },
    {
      name: 'price: 2 sets of 2 from 5 units',
      // sets = floor(5 / 2) = 2; 4 units taken: 40.00 − 2 × 15.00 = 10.00
      lines: [['A', '10.00', 5]],
      rule: { type: 'mix_match', quantity: 2, price: '15.00' },
      status: 'applied',
      discount: '10.00',
      byLine: { A: '10.00' },
      net: '40.00',
      code: 'applied_amount',
    },
    {
      name: 'price: maxSets 1 of a possible 3',
      // 1 set: 2 × 10.00 − 15.00 = 5.00
      lines: [['A', '10.00', 6]],
      rule: { type: 'mix_match', quantity: 2, price: '15.00', maxSets: 1 },
      status: 'applied',
      discount: '5.00',
      byLine: { A: '5.00' },
      net: '55.00',
      code: 'applied_amount',
    },
    {
      name: 'price: not cheaper (30.00 for 20.00)',
      lines: [['A', '10.00', 2]],
      rule: { type: 'mix_match', quantity: 2, price: '30.00' },
      status: 'not_applied',
      discount: '0.00',
      net: '20.00',
      code: 'mix_not_cheaper',
      en: 'set price 30.00 is not below the list amount 20.00',
    },
    {
      name: 'not reached: 2 of 3 items',
      lines: [['A', '10.00', 2]],
      rule: { type: 'mix_match', quantity: 3, price: '25.00' },
      status: 'not_applied',
      discount: '0.00',
      net: '20.00',
      code: 'mix_not_reached',
      en: 'any 3 items: the order has 2 eligible',
      hint: 'add 1 more eligible item(s) to qualify',
    },
    {
      name: 'percentOff: 50 % off the dearest 2 of 3 units',
      // take B (12.00), A (10.00): d_B = 6.00, d_A = 5.00; C untouched; gross 30.00 → 19.00
      lines: [['A', '10.00', 1], ['B', '12.00', 1], ['C', '8.00', 1]],
      rule: { type: 'mix_match', quantity: 2, percentOff: '50' },
      status: 'applied',
      discount: '11.00',
      byLine: { A: '5.00', B: '6.00' },
      net: '19.00',
      code: 'applied_amount',
      en: '50% off 1 set(s) of 2: 11.00 off',
    },
    {
      name: 'percentOff: equal prices are taken in SKU order, not cart order',
      // 3 units of 10.00, quantity 2 → A and B; 10 % → 1.00 each
      lines: [['C', '10.00', 1], ['B', '10.00', 1], ['A', '10.00', 1]],
      rule: { type: 'mix_match', quantity: 2, percentOff: '10' },
      status: 'applied',
      discount: '2.00',
      byLine: { A: '1.00', B: '1.00' },
      net: '28.00',
      code: 'applied_amount',
    },
    {
      name: 'percentOff: rounded once per line (3 × 33.3333 × 10 %)',
      // R(33.3333 × 3 × 10 / 100) = R(9.99999) = 10.00
      lines: [['A', '33.3333', 3]],
      rule: { type: 'mix_match', quantity: 3, percentOff: '10' },
      status: 'applied',
      discount: '10.00',
      byLine: { A: '10.00' },
      net: '90.00',
      code: 'applied_amount',
    },
    {
      name: 'percentOff: categories restrict the units',
      // eligible A (10.00), C (12.00); B (50.00, category y) ignored; 50 %: C 6.00, A 5.00
      // gross 10 + 50 + 12 = 72.00 → 61.00
      lines: [['A', '10.00', 1, 'x'], ['B', '50.00', 1, 'y'], ['C', '12.00', 1, 'x']],
      rule: { type: 'mix_match', quantity: 2, percentOff: '50' },
      eligibility: { categories: ['x'] },
      status: 'applied',
      discount: '11.00',
      byLine: { A: '5.00', C: '6.00' },
      net: '61.00',
      code: 'applied_amount',
    },
  ]))('%s', (_name, row) => check(row));
});
