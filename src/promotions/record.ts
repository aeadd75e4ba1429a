/**
 * A validated promotion input (definition.ts `promotionInput`) as the row it is stored as. One
 * function for every way promotions arrive: the admin API and the file connector.
 */
import type { PromotionInput } from '../ordering/promotions/definition.js';
import { parseWindow } from './window.js';

export interface PromotionRecord {
  code: string;
  name: string;
  type: PromotionInput['rule']['type'];
  rules: PromotionInput['rule'];
  eligibility: PromotionInput['eligibility'];
  priority: number;
  stackable: boolean;
  exclusive_group: string | null;
  valid_from: string | null;
  valid_to: string | null;
  time_zone: string;
  requires_coupon: boolean;
  budget_amount: string | null;
  budget_uses: number | null;
  per_dealer_limit: number | null;
  status: PromotionInput['status'];
}

/** Throws a UserError naming the field when the window cannot be read. */
export function promotionRecord(input: PromotionInput): PromotionRecord {
  const { validFrom, validTo } = parseWindow(input.validFrom, input.validTo, input.timeZone);
  return {
    code: input.code,
    name: input.name,
    type: input.rule.type,
    rules: input.rule,
    eligibility: input.eligibility,
    priority: input.priority,
    stackable: input.stackable,
    exclusive_group: input.exclusiveGroup,
    valid_from: validFrom?.toISOString() ?? null,
    valid_to: validTo?.toISOString() ?? null,
    time_zone: input.timeZone,
    requires_coupon: input.requiresCoupon,
    budget_amount: input.budgetAmount,
    budget_uses: input.budgetUses,
    per_dealer_limit: input.perDealerLimit,
    status: input.status,
  };
}
