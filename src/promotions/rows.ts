/** Promotions as stored (table `promotions`, migrations 0001 and 0005) and as the engine takes them. */
import type { Eligibility, Promotion, PromotionRule } from '../ordering/promotions/definition.js';

/** One promotion row as JSON, for statements that aggregate promotions (alias: the row's table). */
export const PROMOTION_COLUMNS = `json_build_object('id', promo.id, 'code', promo.code, 'name', promo.name, 'rule', promo.rules,
  'eligibility', promo.eligibility, 'priority', promo.priority, 'stackable', promo.stackable, 'exclusiveGroup', promo.exclusive_group,
  'validFrom', promo.valid_from, 'validTo', promo.valid_to, 'timeZone', promo.time_zone, 'requiresCoupon', promo.requires_coupon,
  'status', promo.status, 'budgetAmount', promo.budget_amount::text, 'budgetUses', promo.budget_uses, 'usedAmount', promo.used_amount::text,
  'usedUses', promo.used_uses, 'perDealerLimit', promo.per_dealer_limit, 'source', promo.source, 'updatedAt', promo.updated_at)`;

export interface PromotionRow {
  id: number | string;
  code: string;
  name: string;
  rule: PromotionRule;
  eligibility: Eligibility;
  priority: number;
  stackable: boolean;
  exclusiveGroup: string | null;
  validFrom: string | null;
  validTo: string | null;
  timeZone: string;
  requiresCoupon: boolean;
  status: Promotion['status'];
  budgetAmount: string | null;
  budgetUses: number | null;
  usedAmount: string;
  usedUses: number;
  perDealerLimit: number | null;
  source: string;
  updatedAt: string;
}

/** Rules were validated when saved (admin API, file connector), so a row is taken as it is. */
export function toPromotion(row: PromotionRow): Promotion {
  return {
    id: Number(row.id),
    code: row.code,
    name: row.name,
    rule: row.rule,
    eligibility: row.eligibility,
    priority: row.priority,
    stackable: row.stackable,
    exclusiveGroup: row.exclusiveGroup,
    validFrom: row.validFrom === null ? null : new Date(row.validFrom),
    validTo: row.validTo === null ? null : new Date(row.validTo),
    requiresCoupon: row.requiresCoupon,
    status: row.status,
    budgetAmount: row.budgetAmount,
    budgetUses: row.budgetUses,
    usedAmount: row.usedAmount,
    usedUses: row.usedUses,
    perDealerLimit: row.perDealerLimit,
  };
}
