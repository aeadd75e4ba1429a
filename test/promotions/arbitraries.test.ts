/** The generator makes valid data that exercises every rule, and the oracle keeps the invariants. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eligibility, promotionRule, PROMOTION_TYPES } from '../../src/ordering/promotions/definition.js';
import { propertyParameters, scenarioArb } from './arbitraries.js';
import { checkInvariants } from './compare.js';
import { oracleEvaluate } from './oracle.js';

describe('promotion scenario generator', () => {
  it('generates data the zod schemas accept', () => {
    fc.assert(
      fc.property(scenarioArb(), ({ cart, promotions, context }) => {
        for (const p of promotions) {
          expect(promotionRule.parse(p.rule)).toEqual(p.rule);
          expect(eligibility.parse(p.eligibility)).toEqual(p.eligibility);
          if (p.budgetAmount !== null) expect(p.budgetAmount).toMatch(/^\d+(\.\d{1,2})?$/);
        }
        expect(new Set(cart.map((l) => l.sku)).size).toBe(cart.length);
        expect(new Set(promotions.map((p) => p.id)).size).toBe(promotions.length);
        expect(new Set(context.coupons.map((c) => c.code.toLowerCase())).size).toBe(context.coupons.length);
      }),
      { numRuns: 500, seed: propertyParameters(1, 900).seed },
    );
  });

  it('makes every rule type apply, and the oracle keep the invariants', () => {
    const applied = new Map<string, number>();
    fc.assert(
      fc.property(scenarioArb(), ({ cart, promotions, context }) => {
        const result = oracleEvaluate(cart, promotions, context);
        checkInvariants(cart, result);
        for (const p of result.promotions) if (p.status === 'applied') applied.set(p.type, (applied.get(p.type) ?? 0) + 1);
      }),
      { numRuns: 3000, seed: propertyParameters(1, 901).seed },
    );
    for (const type of PROMOTION_TYPES) expect(applied.get(type) ?? 0, type).toBeGreaterThan(20);
  });
});
