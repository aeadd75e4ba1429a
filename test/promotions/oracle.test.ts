/** Hand-worked examples that check the oracle itself against README.md. */
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Promotion } from '../../src/ordering/promotions/definition.js';
import type { PromotionResult } from '../../src/ordering/promotions/types.js';
import { permutation, propertyParameters, scenarioArb } from './arbitraries.js';
import { NOW, cart, context, promotion } from './builders.js';
import { summary } from './compare.js';
import { largestRemainder, oracleEvaluate } from './oracle.js';

const byCode = (r: PromotionResult, code: string) => r.promotions.find((p) => p.code === code)!;
const nets = (r: PromotionResult) => Object.fromEntries(r.lines.filter((l) => !l.isGift).map((l) => [l.sku, l.discount]));
const gifts = (r: PromotionResult) => r.lines.filter((l) => l.isGift).map((l) => ({ sku: l.sku, qty: l.qty, giftOf: l.giftOf }));

describe('oracle: order-level', () => {
  it('threshold 1000 off 100 is not reached by 820', () => {
    const r = oracleEvaluate(cart(['S01', '410.00', 2]), [promotion(1, { type: 'threshold', threshold: '1000', amountOff: '100' })], context());
    expect(byCode(r, 'P1').status).toBe('not_applied');
    expect(r.totals).toEqual({ gross: '820.00', discount: '0.00', net: '820.00', currency: 'CNY' });
  });

  it('threshold reached: 100 off 1234.56 split 81.00 / 19.00 by largest remainder', () => {
    const r = oracleEvaluate(cart(['S02', '234.56', 1], ['S01', '1000', 1]), [promotion(1, { type: 'threshold', threshold: '1000', amountOff: '100' })], context());
    expect(byCode(r, 'P1')).toMatchObject({ status: 'applied', discount: '100.00' });
    expect(nets(r)).toEqual({ S01: '81.00', S02: '19.00' });
    expect(r.totals.net).toBe('1134.56');
  });

  it('repeating every 500 off 50 on 1234.56 gives 100, capped by maxAmountOff', () => {
    const c = cart(['S01', '1234.56', 1]);
    expect(byCode(oracleEvaluate(c, [promotion(1, { type: 'repeating', every: '500', amountOff: '50' })], context()), 'P1').discount).toBe('100.00');
    const capped = oracleEvaluate(c, [promotion(1, { type: 'repeating', every: '500', amountOff: '50', maxAmountOff: '80' })], context());
    expect(byCode(capped, 'P1').discount).toBe('80.00');
  });

  it('tiered takes the highest tier reached', () => {
    const rule = { type: 'tiered' as const, tiers: [{ threshold: '500', amountOff: '20' }, { threshold: '1000', amountOff: '60' }, { threshold: '2000', amountOff: '200' }] };
    expect(byCode(oracleEvaluate(cart(['S01', '1500', 1]), [promotion(1, rule)], context()), 'P1').discount).toBe('60.00');
  });

  it('order_percent 12.5 % of 1.00 (3 × 0.3333) rounds half-up to 0.13', () => {
    const r = oracleEvaluate(cart(['S01', '0.3333', 3]), [promotion(1, { type: 'order_percent', percentOff: '12.5' })], context());
    expect(r.lines[0]!.gross).toBe('1.00');
    expect(byCode(r, 'P1').discount).toBe('0.13');
  });

  it('gift per multiple: 2 sets of 2 × G01 on 1234.56 per 500; not applied when G01 is not orderable', () => {
    const p = promotion(1, { type: 'gift', minSubtotal: '500', gifts: [{ sku: 'G01', qty: 2 }], perMultiple: true });
    const r = oracleEvaluate(cart(['S01', '1234.56', 1]), [p], context({ giftProducts: new Map([['G01', { unitPrice: '3.00' }]]) }));
    expect(byCode(r, 'P1')).toMatchObject({ status: 'applied', discount: '0.00', gifts: [{ sku: 'G01', qty: 4 }] });
    expect(gifts(r)).toEqual([{ sku: 'G01', qty: 4, giftOf: 'P1' }]);
    expect(r.lines[1]).toMatchObject({ lineNo: 2, gross: '0.00', net: '0.00', isGift: true });
    expect(byCode(oracleEvaluate(cart(['S01', '1234.56', 1]), [p], context()), 'P1').status).toBe('not_applied');
  });

  it('order-level S is fixed after line-level promotions', () => {
    // 10 % off the line leaves 900 < 1000: the threshold is not reached.
    const r = oracleEvaluate(
      cart(['S01', '100', 10]),
      [promotion(1, { type: 'line_discount', percentOff: '10', per: 'unit' }), promotion(2, { type: 'threshold', threshold: '1000', amountOff: '100' })],
      context(),
    );
    expect(byCode(r, 'P1').discount).toBe('100.00');
    expect(byCode(r, 'P2').status).toBe('not_applied');
  });
});

describe('oracle: line-level', () => {
  it('buy 10 get 1 with qty 25 gives 2 free; maxFreeQty is shared across lines in SKU order', () => {
    const r = oracleEvaluate(cart(['S01', '5', 25]), [promotion(1, { type: 'buy_x_get_y', buy: 10, get: 1 })], context());
    expect(byCode(r, 'P1')).toMatchObject({ status: 'applied', discount: '0.00', gifts: [{ sku: 'S01', qty: 2 }] });
    const capped = oracleEvaluate(cart(['S02', '5', 30], ['S01', '5', 25]), [promotion(1, { type: 'buy_x_get_y', buy: 10, get: 1, maxFreeQty: 4 })], context());
    expect(gifts(capped)).toEqual([{ sku: 'S01', qty: 2, giftOf: 'P1' }, { sku: 'S02', qty: 2, giftOf: 'P1' }]);
  });

  it('bundle: 2 sets of A + 2B at 140 save 40.00, split 25.00 / 15.00', () => {
    const p = promotion(1, { type: 'bundle', components: [{ sku: 'B', qty: 2 }, { sku: 'A', qty: 1 }], price: '140' });
    const r = oracleEvaluate(cart(['A', '100', 3], ['B', '30', 5]), [p], context());
    expect(byCode(r, 'P1').discount).toBe('40.00');
    expect(nets(r)).toEqual({ A: '25.00', B: '15.00' });
    expect(byCode(oracleEvaluate(cart(['A', '100', 3]), [p], context()), 'P1').status).toBe('not_applied');
  });

  it('mix_match with a price takes the most expensive units first', () => {
    const p = promotion(1, { type: 'mix_match', quantity: 3, price: '100', maxSets: 1 });
    const r = oracleEvaluate(cart(['C', '10', 5], ['B', '40', 2], ['A', '50', 2]), [p], context());
    // A, A, B = 140 for 100: 40 split 10000 : 4000 → 28.57 / 11.43.
    expect(nets(r)).toEqual({ A: '28.57', B: '11.43', C: '0.00' });
  });

  it('mix_match with percentOff rounds each line once', () => {
    const p = promotion(1, { type: 'mix_match', quantity: 3, percentOff: '10' });
    const r = oracleEvaluate(cart(['A', '0.3333', 3], ['B', '19.99', 1]), [p], context());
    // Units B, A, A taken: B 1.999 → 2.00, A 0.06666 → 0.07.
    expect(nets(r)).toEqual({ A: '0.07', B: '2.00' });
  });

  it('quantity_break uses the largest break reached', () => {
    const p = promotion(1, { type: 'quantity_break', breaks: [{ minQty: 10, unitPrice: '9.5' }, { minQty: 20, unitPrice: '9.1234' }] });
    // 250.00 − R(228.085) = 21.91
    expect(nets(oracleEvaluate(cart(['S01', '10', 25]), [p], context()))).toEqual({ S01: '21.91' });
  });

  it('line_discount: percent with maxQty, amount per line, amount per unit capped at the net', () => {
    const c = cart(['S01', '19.99', 3], ['S02', '1.00', 3]);
    const percent = promotion(1, { type: 'line_discount', percentOff: '5', per: 'unit', maxQty: 2, }, { eligibility: { products: ['S01'] } });
    expect(nets(oracleEvaluate(c, [percent], context()))).toEqual({ S01: '2.00', S02: '0.00' });
    const perLine = promotion(1, { type: 'line_discount', amountOff: '5', per: 'line' });
    expect(nets(oracleEvaluate(c, [perLine], context()))).toEqual({ S01: '5.00', S02: '3.00' });
    const perUnit = promotion(1, { type: 'line_discount', amountOff: '1.5', per: 'unit' }, { eligibility: { excludeProducts: ['S01'] } });
    expect(nets(oracleEvaluate(c, [perUnit], context()))).toEqual({ S01: '0.00', S02: '3.00' });
  });
});

describe('oracle: choosing and screening', () => {
  const c = cart(['S01', '1000', 1]);
  const off = (id: number, amount: string, extra: Partial<Promotion> = {}) =>
    promotion(id, { type: 'threshold', threshold: '100', amountOff: amount }, extra);

  it('a non-stackable 100 beats the stackable 30 + 50', () => {
    const r = oracleEvaluate(c, [off(1, '30'), off(2, '50'), off(3, '100', { stackable: false })], context());
    expect(r.promotions.map((p) => [p.code, p.status])).toEqual([['P1', 'not_applied'], ['P2', 'not_applied'], ['P3', 'applied']]);
    expect(r.totals.discount).toBe('100.00');
  });

  it('ties go to the stackable set; an exclusive group keeps its best member', () => {
    expect(oracleEvaluate(c, [off(1, '30'), off(2, '70'), off(3, '100', { stackable: false })], context()).totals.discount).toBe('100.00');
    expect(byCode(oracleEvaluate(c, [off(1, '30'), off(2, '70'), off(3, '100', { stackable: false })], context()), 'P1').status).toBe('applied');
    const grouped = oracleEvaluate(c, [off(1, '30', { exclusiveGroup: 'G' }), off(2, '70', { exclusiveGroup: 'G' }), off(3, '5')], context());
    expect(grouped.promotions.map((p) => p.status)).toEqual(['not_applied', 'applied', 'applied']);
  });

  it('budget: a discount larger than what is left of budgetAmount does not apply', () => {
    expect(byCode(oracleEvaluate(c, [off(1, '60', { budgetAmount: '100', usedAmount: '50' })], context()), 'P1').reason.code).toBe('budget_exhausted');
    expect(byCode(oracleEvaluate(c, [off(1, '50', { budgetAmount: '100', usedAmount: '50' })], context()), 'P1').status).toBe('applied');
  });

  it('validTo is exclusive; coupons match case-insensitively and must be usable', () => {
    expect(byCode(oracleEvaluate(c, [off(1, '10', { validTo: NOW })], context()), 'P1').reason.code).toBe('outside_window');
    const coupon = { code: 'SAVE10', promotionId: 1, maxUses: 1, used: 0, perDealerLimit: null, dealerUses: 0, dealerCode: null, validFrom: null, validTo: null, status: 'active' as const };
    const p = off(1, '10', { requiresCoupon: true });
    expect(byCode(oracleEvaluate(c, [p], context({ couponCodes: [' save10 '], coupons: [coupon] })), 'P1').status).toBe('applied');
    expect(byCode(oracleEvaluate(c, [p], context({ couponCodes: ['SAVE10'], coupons: [{ ...coupon, used: 1 }] })), 'P1').reason.code).toBe('coupon_required');
  });
});

describe('oracle: largest remainder', () => {
  it('gives the leftover cents to the largest remainders, ties to the earlier line', () => {
    const split = (d: number, w: number[]) => largestRemainder(new Decimal(d), w.map((x) => new Decimal(x))).map((x) => x.toNumber());
    expect(split(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(split(5, [3, 3])).toEqual([3, 2]);
    expect(split(100, [1, 2, 3, 4])).toEqual([10, 20, 30, 40]);
    expect(split(7, [5, 0, 9])).toEqual([3, 0, 4]);
    for (const [d, w] of [[100, [33, 33, 34]], [49, [1, 7, 13, 29]], [1, [2, 2, 2]]] as const) {
      const parts = split(d, [...w]);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(d);
      parts.forEach((p, i) => expect(p).toBeLessThanOrEqual(w[i]!));
    }
  });
});

describe('oracle: properties', () => {
  it('largest remainder: Σ parts = d, each part within one cent of its exact share and ≤ its weight', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 1_000_000 }), (weights, dRaw) => {
        const total = weights.reduce((a, b) => a + b, 0);
        const d = total === 0 ? 0 : dRaw % (total + 1);
        const parts = largestRemainder(new Decimal(d), weights.map((w) => new Decimal(w))).map((x) => x.toNumber());
        expect(parts.reduce((a, b) => a + b, 0)).toBe(d);
        parts.forEach((p, i) => {
          expect(p).toBeLessThanOrEqual(weights[i]!);
          const exact = total === 0 ? 0 : (d * weights[i]!) / total;
          expect(Math.abs(p - exact)).toBeLessThan(1 + 1e-9);
        });
      }),
      { numRuns: 2000, seed: propertyParameters(1, 902).seed },
    );
  });

  it('does not depend on the order of the cart lines', () => {
    fc.assert(
      fc.property(scenarioArb(), fc.integer({ min: 1, max: 1_000_000 }), ({ cart: lines, promotions, context: ctx }, seed) => {
        const shuffled = permutation(lines.length, seed).map((i, position) => ({ ...lines[i]!, lineNo: position + 1 }));
        expect(summary(oracleEvaluate(shuffled, promotions, ctx))).toEqual(summary(oracleEvaluate(lines, promotions, ctx)));
      }),
      { numRuns: 500, seed: propertyParameters(1, 903).seed },
    );
  });
});
