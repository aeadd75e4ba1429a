/**
 * The engine agrees with the independent oracle (README.md written a second time) on random
 * carts and promotion sets: applied codes, discount per promotion, per-SKU discount and net,
 * gift lines as a multiset, totals. Runs: 40 % of PROMO_PROPERTY_RUNS (default 100,000).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { evaluatePromotions } from '../../src/ordering/promotions/engine.js';
import { propertyParameters, scenarioArb } from './arbitraries.js';
import { checkInvariants, expectSameSummary } from './compare.js';
import { oracleEvaluate } from './oracle.js';

const { timeoutMs, ...parameters } = propertyParameters(0.4, 0);

describe('promotions engine vs oracle: any promotions', () => {
  it(`agrees with the oracle on ${parameters.numRuns} random carts`, () => {
    fc.assert(
      fc.property(scenarioArb(), ({ cart, promotions, context }) => {
        const result = evaluatePromotions(cart, promotions, context);
        checkInvariants(cart, result);
        expectSameSummary(result, oracleEvaluate(cart, promotions, context));
      }),
      parameters,
    );
  }, timeoutMs);
});
