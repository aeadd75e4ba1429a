/** The order-level evaluators (README §3 "Order-level"); see rules.ts. */
import { formatCents, mulDivRound, toBasisPoints, toCents } from './cents.js';
import type { PromotionRule } from './definition.js';
import { reason, type Reason } from './explain.js';
import { appliedAmount, discounted, gifted, notApplied, quantityOver, splitParts, splitWeights, sumOver, type Evaluator, type GiftOut, type Outcome, type PassView } from './rules-shared.js';

/**
 * The order-level discount `d`, capped by what is left on the eligible lines and split over them.
 * `what` is read only in a detailed pass.
 */
function orderDiscount(view: PassView, d: number, what: string, hint: Reason | null = null): Outcome {
  const { eligible, remaining } = view;
  if (!view.detail) return discounted(view, null, Math.min(d, sumOver(eligible, remaining)), '');
  const weights = splitWeights(eligible.length);
  let capacity = 0;
  for (let k = 0; k < eligible.length; k += 1) {
    const w = remaining[eligible[k]!]!;
    weights[k] = w;
    capacity += w;
  }
  const total = Math.min(d, capacity);
  return discounted(view, total === 0 ? null : splitParts(eligible, eligible.length, total), total, what, hint);
}

function subtotal(view: PassView): number {
  return sumOver(view.eligible, view.afterLineStage ?? view.remaining);
}

function spendMore(subtotalCents: number, thresholdCents: number, reward: string): Reason {
  return reason('spend_more', { more: formatCents(thresholdCents - subtotalCents), reward });
}

export function threshold(rule: Extract<PromotionRule, { type: 'threshold' }>): Evaluator {
  const t = toCents(rule.threshold);
  const a = toCents(rule.amountOff);
  return (view) => {
    const s = subtotal(view);
    if (s < t) return notApplied(reason('threshold_not_reached', { subtotal: formatCents(s), threshold: rule.threshold }), spendMore(s, t, rule.amountOff));
    return orderDiscount(view, a, view.detail ? `spent ${formatCents(s)} ≥ ${rule.threshold}` : '');
  };
}

export function tiered(rule: Extract<PromotionRule, { type: 'tiered' }>): Evaluator {
  const tiers = rule.tiers.map((x) => ({ t: toCents(x.threshold), a: toCents(x.amountOff), amountOff: x.amountOff, threshold: x.threshold }));
  return (view) => {
    const s = subtotal(view);
    let reached = -1;
    for (let k = 0; k < tiers.length; k += 1) if (s >= tiers[k]!.t) reached = k;
    const next = tiers[reached + 1];
    // An applied outcome's hint is reported only from a detailed pass.
    const hint = next && (reached === -1 || view.detail) ? spendMore(s, next.t, next.amountOff) : null;
    if (reached === -1) return notApplied(reason('threshold_not_reached', { subtotal: formatCents(s), threshold: tiers[0]!.threshold }), hint);
    const tier = tiers[reached]!;
    return orderDiscount(view, tier.a, view.detail ? `spent ${formatCents(s)} ≥ ${tier.threshold}` : '', hint);
  };
}

export function repeating(rule: Extract<PromotionRule, { type: 'repeating' }>): Evaluator {
  const every = toCents(rule.every);
  const a = toCents(rule.amountOff);
  const cap = rule.maxAmountOff === undefined ? Number.POSITIVE_INFINITY : toCents(rule.maxAmountOff);
  return (view) => {
    const s = subtotal(view);
    const m = Math.floor(s / every);
    if (m === 0) return notApplied(reason('threshold_not_reached', { subtotal: formatCents(s), threshold: rule.every }), spendMore(s, every, rule.amountOff));
    const d = Math.min(m * a, cap);
    // An applied outcome's hint is reported only from a detailed pass.
    const hint = view.detail && m * a < cap ? spendMore(s, (m + 1) * every, formatCents(Math.min((m + 1) * a, cap))) : null;
    return orderDiscount(view, d, view.detail ? `${m} × ${rule.amountOff} for every ${rule.every}` : '', hint);
  };
}

export function orderPercent(rule: Extract<PromotionRule, { type: 'order_percent' }>): Evaluator {
  const bp = toBasisPoints(rule.percentOff);
  const min = rule.minSubtotal === undefined ? 0 : toCents(rule.minSubtotal);
  return (view) => {
    if (view.eligible.length === 0) return notApplied(reason('no_eligible_lines'));
    const s = subtotal(view);
    if (s === 0) return notApplied(reason('no_eligible_amount'));
    if (s < min) return notApplied(reason('minimum_not_reached', { subtotal: formatCents(s), minimum: rule.minSubtotal! }), spendMore(s, min, `${rule.percentOff}%`));
    return orderDiscount(view, mulDivRound(s, bp, 1, 10_000), view.detail ? `${rule.percentOff}% of ${formatCents(s)} after line discounts` : '');
  };
}

export function gift(rule: Extract<PromotionRule, { type: 'gift' }>): Evaluator {
  const min = rule.minSubtotal === undefined ? null : toCents(rule.minSubtotal);
  return (view) => {
    const s = subtotal(view);
    const q = quantityOver(view.eligible, view.lines);
    const amountMet = min === null || s >= min;
    const qtyMet = rule.minQty === undefined || q >= rule.minQty;
    if (!amountMet || !qtyMet) {
      const condition = !amountMet ? `${formatCents(s)} < ${rule.minSubtotal}` : `${q} < ${rule.minQty} items`;
      const hint = !amountMet ? reason('spend_more_gift', { more: formatCents(min! - s) }) : reason('buy_more_items', { more: rule.minQty! - q });
      return notApplied(reason('gift_condition_not_met', { condition }), hint);
    }
    let sets = 1;
    if (rule.perMultiple) {
      sets = Number.POSITIVE_INFINITY;
      if (min !== null) sets = Math.floor(s / min);
      if (rule.minQty !== undefined) sets = Math.min(sets, Math.floor(q / rule.minQty));
    }
    sets = Math.min(sets, rule.maxSets ?? Number.POSITIVE_INFINITY);
    let value = 0;
    const gifts: GiftOut[] | null = view.detail ? [] : null;
    for (const g of rule.gifts) {
      const price4 = view.gifts.priceOf(g.sku);
      if (price4 === undefined) return notApplied(reason('gift_not_orderable', { sku: g.sku }));
      gifts?.push({ sku: g.sku, qty: g.qty * sets });
      if (price4 !== null) value += mulDivRound(price4, g.qty * sets, 1, 100);
    }
    return gifts === null ? appliedAmount(0, value) : gifted(gifts, value);
  };
}
