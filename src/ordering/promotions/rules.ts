/**
 * One evaluator per promotion type (README §3), compiled once per promotion into whole-number
 * form. An evaluator reads the pass state and returns what the promotion would do; it never
 * changes the state (the pass applies the outcome).
 *
 * Evaluators run in two modes (PassView.detail). A detailed pass (the one whose result is
 * returned, or a stack of promotions) needs everything. Judging a candidate alone needs only
 * whether it applies, its discount and gift value, and — when it does not apply — its reason and
 * hint: so without `detail`, an applied outcome skips the split over the lines, the gift list and
 * the explanatory text, which is most of the engine's work and garbage.
 */
import type { PromotionRule } from './definition.js';
import { bundle, buyXGetY, lineDiscount, mixMatch, quantityBreak } from './rules-line.js';
import { gift, orderPercent, repeating, threshold, tiered } from './rules-order.js';
import type { Evaluator } from './rules-shared.js';

export { notApplied, type Evaluator, type GiftOut, type GiftPrices, type LineState, type Outcome, type PassView } from './rules-shared.js';

export function compileRule(rule: PromotionRule): Evaluator {
  switch (rule.type) {
    case 'line_discount':
      return lineDiscount(rule);
    case 'quantity_break':
      return quantityBreak(rule);
    case 'buy_x_get_y':
      return buyXGetY(rule);
    case 'bundle':
      return bundle(rule);
    case 'mix_match':
      return mixMatch(rule);
    case 'threshold':
      return threshold(rule);
    case 'tiered':
      return tiered(rule);
    case 'repeating':
      return repeating(rule);
    case 'order_percent':
      return orderPercent(rule);
    case 'gift':
      return gift(rule);
  }
}
