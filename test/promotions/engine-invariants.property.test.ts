/**
 * Properties of the engine alone: the invariants of README §5–§6, idempotence, and independence
 * from the order of the cart lines. Runs: 30 % of PROMO_PROPERTY_RUNS.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePromotions } from '../../src/ordering/promotions/engine.js';
import type { CartLine, PromotionResult } from '../../src/ordering/promotions/types.js';
import { permutation, propertyParameters, scenarioArb } from './arbitraries.js';
import { checkInvariants, summary } from './compare.js';

const { timeoutMs, ...parameters } = propertyParameters(0.3, 2);

/** What must not depend on cart order: per-SKU results (with each promotion's share), reports, gifts. */
function orderFree(result: PromotionResult) {
  const s = summary(result);
  const shares = Object.fromEntries(
    result.lines.filter((l) => !l.isGift).map((l) => [l.sku, l.discounts.map((d) => `${d.promotion}:${d.amount}`).sort()]),
  );
  return { ...s, shares, reasons: Object.fromEntries(result.promotions.map((p) => [p.code, p.reason.code])) };
}

describe('promotions engine invariants', () => {
  it(`keeps the invariants, is idempotent and ignores cart order on ${parameters.numRuns} random carts`, () => {
    fc.assert(
      fc.property(scenarioArb(), fc.integer({ min: 1, max: 0x7fff_ffff }), ({ cart, promotions, context }, shuffleSeed) => {
        const before = JSON.stringify([cart, promotions, context, [...context.dealerUses], [...context.giftProducts]]);
        const result = evaluatePromotions(cart, promotions, context);
        checkInvariants(cart, result);
        const after = JSON.stringify([cart, promotions, context, [...context.dealerUses], [...context.giftProducts]]);
        if (after !== before) expect(after, 'the engine changed its inputs').toBe(before);

        const again = evaluatePromotions(cart, promotions, context);
        if (JSON.stringify(again) !== JSON.stringify(result)) expect(again).toEqual(result);

        const order = permutation(cart.length, shuffleSeed);
        const shuffled: CartLine[] = order.map((i, position) => ({ ...cart[i]!, lineNo: position + 1 }));
        const permuted = evaluatePromotions(shuffled, promotions, context);
        checkInvariants(shuffled, permuted);
        const a = orderFree(permuted);
        const b = orderFree(result);
        if (JSON.stringify(a) !== JSON.stringify(b)) expect(a).toEqual(b);
      }),
      parameters,
    );
  }, timeoutMs);
});
