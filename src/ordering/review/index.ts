/**
 * Automatic order review: each rule is a small pure function returning findings; the order is
 * held iff any finding has severity 'hold'. Rules never throw for business outcomes.
 */
import type { ReviewInput, ReviewResult } from '../types.js';
import { creditRule } from './credit.js';
import { regionRule } from './region.js';
import { riskRule } from './risk.js';
import type { ReviewRule } from './rule.js';
import { stockRule } from './stock.js';

export { creditRule, regionRule, riskRule, stockRule };
export { moneyString, type ReviewRule } from './rule.js';

/** Stock, credit, region, risk — the order findings are reported in. */
export const DEFAULT_RULES: readonly ReviewRule[] = Object.freeze([stockRule, creditRule, regionRule, riskRule]);

export function review(input: ReviewInput, today: string, rules: readonly ReviewRule[] = DEFAULT_RULES): ReviewResult {
  const findings = rules.flatMap((rule) => rule(input, today));
  return { decision: findings.some((f) => f.severity === 'hold') ? 'hold' : 'approve', findings };
}
