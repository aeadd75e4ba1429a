/**
 * Engine vs oracle with line-level rules (bundles, mix & match, buy-x-get-y, quantity breaks,
 * line discounts) weighted up, so that several act on the same lines in one pass before the
 * order-level rules take what is left. Runs: 30 % of PROMO_PROPERTY_RUNS.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { evaluatePromotions } from '../../src/ordering/promotions/engine.js';
import { propertyParameters, scenarioArb } from './arbitraries.js';
import { checkInvariants, expectSameSummary } from './compare.js';
import { oracleEvaluate } from './oracle.js';

const { timeoutMs, ...parameters } = propertyParameters(0.3, 1);

const lineHeavy = scenarioArb({
  typeWeights: { bundle: 4, mix_match: 4, buy_x_get_y: 2, quantity_break: 3, line_discount: 3, threshold: 1, tiered: 1, repeating: 1, order_percent: 1, gift: 1 },
});

describe('promotions engine vs oracle: line-level heavy', () => {
  it(`agrees with the oracle on ${parameters.numRuns} random carts`, () => {
    fc.assert(
      fc.property(lineHeavy, ({ cart, promotions, context }) => {
        const result = evaluatePromotions(cart, promotions, context);
        checkInvariants(cart, result);
        expectSameSummary(result, oracleEvaluate(cart, promotions, context));
      }),
      parameters,
    );
  }, timeoutMs);
});
