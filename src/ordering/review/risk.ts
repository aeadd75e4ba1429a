import { riskFindings } from '../../risk/score.js';
import type { ReviewRule } from './rule.js';

/**
 * The anomaly score of the order against its dealer's own history (src/risk): a 'hold' finding
 * at or above risk.holdThreshold listing the contributing factors, an 'info' finding with the
 * score below it. Nothing when the input carries no risk context (risk off, no history read) or
 * the dealer has too little history to score.
 */
export const riskRule: ReviewRule = (input) => (input.risk ? riskFindings(input.risk) : []);
