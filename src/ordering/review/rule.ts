import { Decimal } from 'decimal.js';
import type { Finding, ReviewInput } from '../types.js';

/** One review rule: pure, `today` is 'YYYY-MM-DD'. An empty list means the rule has nothing to say. */
export type ReviewRule = (input: ReviewInput, today: string) => Finding[];

/** Money in findings is a decimal string with two places, as everywhere in the API. */
export function moneyString(d: Decimal): string {
  return d.toFixed(2, Decimal.ROUND_HALF_UP);
}
