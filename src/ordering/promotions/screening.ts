/** README §1: which promotions are candidates for this order, and the entered coupon codes. */
import { daysBetween } from '../availability.js';
import type { Compiled } from './compiled.js';
import type { Promotion } from './definition.js';
import { reason, type Reason } from './explain.js';
import type { CouponFacts, PromotionContext } from './types.js';

const normalise = (code: string): string => code.trim().toLowerCase();

/** daysBetween, remembered for the last pair of dates. */
function daysSince(from: string, to: string): number {
  // The same two dates for every promotion of a call: parsed once (the answer depends on them only).
  if (from !== lastDays.from || to !== lastDays.to) lastDays = { from, to, days: daysBetween(from, to) };
  return lastDays.days;
}

let lastDays = { from: '', to: '', days: Number.NaN }; // what the computation gives for ('', '')

/** The entered codes, each with what the store knows of it (undefined: unknown). */
export interface EnteredCoupon {
  entered: string;
  key: string;
  facts: CouponFacts | undefined;
  problem: Reason | null;
}

function couponProblem(code: string, facts: CouponFacts | undefined, context: PromotionContext): Reason | null {
  if (facts === undefined) return reason('coupon_unknown', { code });
  if (facts.status !== 'active') return reason('coupon_disabled', { code });
  if (facts.validFrom !== null && context.now.getTime() < facts.validFrom.getTime()) return reason('coupon_not_started', { code });
  if (facts.validTo !== null && context.now.getTime() >= facts.validTo.getTime()) return reason('coupon_expired', { code });
  if (facts.dealerCode !== null && facts.dealerCode !== context.dealer.code) return reason('coupon_other_dealer', { code });
  if (facts.maxUses !== null && facts.used >= facts.maxUses) return reason('coupon_used_up', { code });
  if (facts.perDealerLimit !== null && facts.dealerUses >= facts.perDealerLimit) return reason('coupon_dealer_limit', { code });
  return null;
}

export function enteredCoupons(context: PromotionContext): EnteredCoupon[] {
  if (context.couponCodes.length === 0) return [];
  const known = new Map(context.coupons.map((c) => [normalise(c.code), c]));
  return context.couponCodes.map((raw) => {
    const entered = raw.trim();
    const key = normalise(raw);
    const facts = known.get(key);
    return { entered, key, facts, problem: couponProblem(entered, facts, context) };
  });
}

/** The first usable entered code of this promotion (README §1.4). */
export function unlockingCode(promotion: Promotion, coupons: readonly EnteredCoupon[]): EnteredCoupon | null {
  for (const c of coupons) if (c.problem === null && c.facts!.promotionId === promotion.id) return c;
  return null;
}

function hasPrefixOf(code: string, prefixes: readonly string[]): boolean {
  for (const prefix of prefixes) if (code.startsWith(prefix)) return true;
  return false;
}

/** Why the promotion is not a candidate, or null when it is (the first failed step). */
export function screen(c: Compiled, context: PromotionContext, coupons: readonly EnteredCoupon[]): Reason | null {
  const p = c.promotion;
  if (p.status !== 'active') return reason('not_active', { status: p.status });
  const now = context.now.getTime();
  if (p.validFrom !== null && now < p.validFrom.getTime()) return reason('not_started', { from: p.validFrom.toISOString() });
  if (p.validTo !== null && now >= p.validTo.getTime()) return reason('ended', { to: p.validTo.toISOString() });
  const e = p.eligibility;
  const dealer = context.dealer;
  if (c.channels !== null && !c.channels.has(context.channel)) return reason('channel_not_eligible', { channel: context.channel });
  if (c.dealers !== null && !c.dealers.has(dealer.code)) return reason('dealer_not_eligible', { dealer: dealer.code });
  if (c.tiers !== null && !c.tiers.has(dealer.tier)) return reason('tier_not_eligible', { tier: dealer.tier });
  if (c.groups !== null && (dealer.group === null || !c.groups.has(dealer.group))) return reason('group_not_eligible', { group: dealer.group ?? '—' });
  if (e.regions !== undefined && !hasPrefixOf(context.regionCode, e.regions)) return reason('region_not_eligible', { region: context.regionCode });
  if (e.firstOrder === true && dealer.priorOrders !== 0) return reason('not_first_order', { priorOrders: dealer.priorOrders });
  if (e.newDealerDays !== undefined) {
    const days = dealer.cooperationSince === null ? null : daysSince(dealer.cooperationSince, context.today);
    if (days === null || days < 0 || days > e.newDealerDays) return reason('not_new_dealer', { days: days ?? 'unknown', limit: e.newDealerDays });
  }
  if (p.requiresCoupon && unlockingCode(p, coupons) === null) return reason('coupon_required');
  if (p.perDealerLimit !== null) {
    const uses = context.dealerUses.get(p.id) ?? 0;
    if (uses >= p.perDealerLimit) return reason('dealer_limit_reached', { used: uses, limit: p.perDealerLimit });
  }
  if (p.budgetUses !== null && p.usedUses >= p.budgetUses) return reason('budget_uses_exhausted', { uses: p.budgetUses });
  if (c.budgetLeft !== null && c.budgetLeft <= 0) return reason('budget_spent', { budget: p.budgetAmount! });
  return null;
}
