/**
 * The credit score of a dealer and the limit it suggests (issue 8). Pure: `today` is a
 * parameter. Five factors, each normalised to 0..1 between its configured worst and best raw
 * value, weighted (weights normalised to sum 1) into a score; the score's band lends a number of
 * months of average sales as the limit, bounded by the per-review change cap and the min/max
 * limits. Money is exact decimal throughout; the factors themselves are statistics.
 */
import { Decimal } from 'decimal.js';
import { daysBetween } from '../ordering/availability.js';
import { formatMoney, money } from '../ordering/money.js';
import type { ArItem, CreditFactor, CreditFactorName, CreditInputs, CreditScore, CreditSettings } from './types.js';

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

/** Linear map of `value` onto 0..1 with `worst` → 0 and `best` → 1, clamped; either direction. */
export function normalise(value: number, worst: number, best: number): number {
  return Math.min(1, Math.max(0, (value - worst) / (best - worst)));
}

interface PaymentRecord {
  judged: number;
  onTime: number;
  /** Σ amount × days beyond the due date, and Σ amount, over judged items. */
  weightedDays: number;
  weight: number;
}

/**
 * Judged items: settled ones (on time when paid by the due date) and open ones past their due
 * date (late, still counting days). Open items not yet due say nothing yet. Paid items weigh
 * their amount, open ones what is still open.
 */
export function paymentRecord(items: readonly ArItem[], today: string): PaymentRecord {
  const record: PaymentRecord = { judged: 0, onTime: 0, weightedDays: 0, weight: 0 };
  for (const item of items) {
    const open = Number(item.openAmount) > 0;
    let days: number;
    let weight: number;
    if (!open && item.paidAt !== null) {
      days = Math.max(0, daysBetween(item.dueDate, item.paidAt));
      weight = Number(item.amount);
    } else if (open && item.dueDate < today) {
      days = daysBetween(item.dueDate, today);
      weight = Number(item.openAmount);
    } else continue;
    record.judged += 1;
    if (days === 0) record.onTime += 1;
    record.weightedDays += weight * days;
    record.weight += weight;
  }
  return record;
}

/** Last three buckets against the three before, as a relative change in −1..1. */
export function salesTrend(buckets: readonly string[]): { value: number; recent: string; prior: string } {
  const sum = (from: number, to: number) => buckets.slice(from, to).reduce((s, b) => s.plus(money(b)), new Decimal(0));
  const recent = sum(0, 3);
  const prior = sum(3, 6);
  const value = prior.isZero() ? (recent.isZero() ? 0 : 1) : Math.max(-1, Math.min(1, recent.minus(prior).div(prior).toNumber()));
  return { value: round(value, 4), recent: formatMoney(recent), prior: formatMoney(prior) };
}

export function scoreCredit(inputs: CreditInputs, settings: CreditSettings, today: string): CreditScore {
  const payments = paymentRecord(inputs.arItems, today);
  const sales = inputs.salesBuckets.reduce((s, b) => s.plus(money(b)), new Decimal(0));
  const trend = salesTrend(inputs.salesBuckets);
  const years = inputs.cooperationSince === null ? null : round(daysBetween(inputs.cooperationSince, today) / 365.25, 2);
  const raw: Record<CreditFactorName, { value: number | null; detail: Record<string, unknown> }> = {
    onTimeRatio: { value: payments.judged === 0 ? null : round(payments.onTime / payments.judged, 4), detail: { judged: payments.judged, onTime: payments.onTime } },
    daysBeyondTerms: { value: payments.weight === 0 ? null : round(payments.weightedDays / payments.weight, 2), detail: { judged: payments.judged } },
    cooperationYears: { value: years, detail: { since: inputs.cooperationSince } },
    salesVolume: { value: sales.toNumber(), detail: { trailing12Months: formatMoney(sales), monthlyAverage: formatMoney(sales.div(12)) } },
    salesTrend: { value: trend.value, detail: { last3Months: trend.recent, prior3Months: trend.prior } },
  };
  const names = Object.keys(raw) as CreditFactorName[];
  const totalWeight = names.reduce((s, n) => s + settings.factors[n].weight, 0) || 1;
  const factors: CreditFactor[] = names.map((name) => {
    const { weight, worst, best } = settings.factors[name];
    const { value, detail } = raw[name];
    // No data is neither good nor bad: the neutral middle, so a dealer is not punished for an ERP that sends no paid items.
    const subScore = value === null ? 0.5 : normalise(value, worst, best);
    const share = weight / totalWeight;
    return { factor: name, value, subScore: round(subScore, 4), weight: round(share, 4), contribution: round(share * subScore, 4), detail };
  });
  const score = round(factors.reduce((s, f) => s + f.contribution, 0), 4);
  const band = [...settings.bands].sort((a, b) => b.minScore - a.minScore).find((b) => b.minScore <= score) ?? settings.bands[settings.bands.length - 1]!;
  return { dealerCode: inputs.dealerCode, currency: inputs.currency, score, band: band.name, months: band.months, factors, currentLimit: formatMoney(money(inputs.currentLimit)), ...suggestLimit(sales, band.months, inputs.currentLimit, band.name, settings) };
}

/** The limit from the band, bounded; and what the review job should do with it. */
export function suggestLimit(
  trailing12: Decimal,
  months: number,
  currentLimit: string,
  band: string,
  settings: Pick<CreditSettings, 'maxChangePercent' | 'minLimit' | 'maxLimit' | 'autoApplyPercent' | 'autoApplyBands'>,
): Pick<CreditScore, 'base' | 'suggestedLimit' | 'bounded' | 'changePercent' | 'decision'> {
  const current = money(currentLimit);
  const base = new Decimal(formatMoney(trailing12.div(12).mul(new Decimal(String(months)))));
  let limit = base;
  const bounded: CreditScore['bounded'] = [];
  if (current.greaterThan(0)) {
    const step = current.mul(new Decimal(String(settings.maxChangePercent))).div(100);
    const [low, high] = [current.minus(step), current.plus(step)];
    if (limit.lessThan(low) || limit.greaterThan(high)) bounded.push('maxChange');
    limit = Decimal.min(high, Decimal.max(low, limit));
  }
  // The bounds are hard: they win over the change cap.
  if (limit.lessThan(money(settings.minLimit))) {
    limit = money(settings.minLimit);
    bounded.push('minLimit');
  }
  if (limit.greaterThan(money(settings.maxLimit))) {
    limit = money(settings.maxLimit);
    bounded.push('maxLimit');
  }
  const suggestedLimit = formatMoney(limit);
  const changePercent = current.isZero() ? null : round(limit.minus(current).div(current).mul(100).toNumber(), 2);
  let decision: CreditScore['decision'];
  if (limit.equals(current)) decision = 'none';
  else if (changePercent !== null && Math.abs(changePercent) <= settings.autoApplyPercent && settings.autoApplyBands.includes(band)) decision = 'apply';
  else decision = 'propose';
  return { base: formatMoney(base), suggestedLimit, bounded, changePercent, decision };
}
