/** What a dealer is shown of a promotion result. */
import type { PromotionReport } from '../ordering/promotions/types.js';

/**
 * Promotions aimed at other dealers, tiers or groups are left out of what a dealer sees: they are
 * not the dealer's business, and listing them would publish other dealers' terms. Everything
 * else (not reached yet, wrong region or channel, budget used up) stays, with its reason.
 */
const PRIVATE_REASONS: ReadonlySet<string> = new Set(['dealer_not_eligible', 'tier_not_eligible', 'group_not_eligible', 'not_active']);

export function visibleToDealer(reports: readonly PromotionReport[]): PromotionReport[] {
  return reports.filter((r) => !PRIVATE_REASONS.has(r.reason.code));
}
