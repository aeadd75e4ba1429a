/**
 * The promotions a dealer is offered today, for the portal's catalog: which products and
 * categories each one reaches. Pure filtering over plain rows; the quote remains the judge of
 * what a cart actually gets (regions, channels, first order and budgets are decided there).
 */
import type { Eligibility, PromotionRule } from '../ordering/promotions/definition.js';
import { levelOf } from '../ordering/promotions/definition.js';

export interface OfferRow {
  code: string;
  name: string;
  rule: PromotionRule;
  eligibility: Eligibility;
  requiresCoupon: boolean;
  validTo: Date | null;
}

export interface DealerTraits {
  code: string;
  tier: string;
  group: string | null;
}

export interface Offer {
  code: string;
  name: string;
  type: PromotionRule['type'];
  level: 'line' | 'order';
  /** null: every product (an order-wide offer). */
  products: string[] | null;
  categories: string[] | null;
  excludeProducts: string[];
  requiresCoupon: boolean;
  validTo: Date | null;
}

/** Keeps the offers open to this dealer by who it is (dealer, tier, group); the rest is the quote's business. */
export function offersFor(dealer: DealerTraits, rows: readonly OfferRow[]): Offer[] {
  const allows = (list: string[] | undefined, value: string | null) => list === undefined || (value !== null && list.includes(value));
  return rows
    .filter((r) => allows(r.eligibility.dealers, dealer.code) && allows(r.eligibility.tiers, dealer.tier) && allows(r.eligibility.groups, dealer.group))
    .map((r) => {
      // A bundle and a gift name their SKUs in the rule, not in the eligibility.
      const ruleSkus = r.rule.type === 'bundle' ? r.rule.components.map((c) => c.sku) : [];
      const products = r.eligibility.products ?? (ruleSkus.length > 0 ? ruleSkus : undefined);
      return {
        code: r.code,
        name: r.name,
        type: r.rule.type,
        level: levelOf(r.rule.type),
        products: products ?? (r.eligibility.categories ? [] : null),
        categories: r.eligibility.categories ?? null,
        excludeProducts: r.eligibility.excludeProducts ?? [],
        requiresCoupon: r.requiresCoupon,
        validTo: r.validTo,
      };
    });
}
