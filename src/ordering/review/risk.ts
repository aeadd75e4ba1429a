import type { ReviewRule } from './rule.js';

/**
 * Placeholder for the anomaly-score rule (a later issue). The orchestrator plugs a real scorer in
 * by passing its own rule list to `review` in place of this one.
 */
export const riskRule: ReviewRule = () => [];
