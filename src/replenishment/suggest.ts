/**
 * One suggested order line from plain facts (pure). Periodic review, order-up-to:
 *
 *   cover      = lead time + review period            (what this order must last for)
 *   demand     = Σ forecast over the cover             (whole buckets, then the fraction)
 *   safety     = z(service level) × σ × √(cover in buckets)
 *   suggested  = demand + safety − on hand − on order, rounded UP to the pack size (≥ 0)
 *
 * σ is the chosen method's per-bucket backtest error (src/forecast/select.ts). The safety
 * stock protects lead time *and* review period: with periodic review the next chance to order
 * is a review period away, so the risk interval is L + R, not L alone.
 */
import { selectForecast, type MethodName } from '../forecast/select.js';

export interface SuggestSettings {
  bucketDays: number;
  seasonLength: number;
  leadTimeDays: number;
  reviewPeriodDays: number;
  serviceLevel: number;
  horizon: number;
}

export interface SuggestFacts {
  /** Demand per bucket, oldest first, ending with the last complete bucket. */
  history: readonly number[];
  packSize: number;
  onHand: number;
  onOrder: number;
}

export interface Suggestion {
  suggestedQty: number;
  packSize: number;
  forecastPerWeek: number;
  demandOverCover: number;
  leadTimeDays: number;
  reviewPeriodDays: number;
  safetyStock: number;
  onHand: number;
  onOrder: number;
  method: MethodName;
  reasoning: string;
  detail: { forecast: number[]; sigma: number; z: number; scores: Partial<Record<MethodName, number>>; intermittent: boolean; adi: number; why: string };
}

/** Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probability ${p} is outside (0, 1)`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

/** Σ of the first `buckets` (possibly fractional) values of `forecast`, repeating the last one past its end. */
export function sumOver(forecast: readonly number[], buckets: number): number {
  let total = 0;
  for (let i = 0; i < Math.ceil(buckets); i++) {
    const value = forecast[Math.min(i, forecast.length - 1)] ?? 0;
    total += value * Math.min(1, buckets - i);
  }
  return total;
}

export function suggest(facts: SuggestFacts, settings: SuggestSettings): Suggestion {
  const { bucketDays, leadTimeDays, reviewPeriodDays } = settings;
  const coverDays = leadTimeDays + reviewPeriodDays;
  const coverBuckets = coverDays / bucketDays;
  const horizon = Math.max(settings.horizon, Math.ceil(coverBuckets));
  // The method is chosen at the configured horizon; it then forecasts as far as the cover needs.
  const f = selectForecast(facts.history, { horizon: settings.horizon, seasonLength: settings.seasonLength, outputHorizon: horizon });
  const forecast = f.forecast;
  const demand = sumOver(forecast, coverBuckets);
  const z = normalQuantile(settings.serviceLevel);
  const safetyStock = Math.ceil(z * f.sigma * Math.sqrt(coverBuckets));
  const pack = Number.isSafeInteger(facts.packSize) && facts.packSize > 0 ? facts.packSize : 1;
  const raw = demand + safetyStock - facts.onHand - facts.onOrder;
  // A hair of float noise must not buy a whole extra pack.
  const suggestedQty = raw > 1e-9 ? Math.ceil(raw / pack - 1e-9) * pack : 0;
  // coverDays ≥ 1 (the review period is at least a day), so this is the mean weekly rate over the cover.
  const forecastPerWeek = Number(((demand / coverDays) * 7).toFixed(2));
  const unitBucket = bucketDays === 7 ? 'week' : `${bucketDays}-day bucket`;
  const reasoning = [
    `method ${f.method} (${f.reason})`,
    `forecast per ${unitBucket}: ${forecast.slice(0, Math.ceil(coverBuckets)).map(fmt).join(', ')} (${fmt(forecastPerWeek)} a week over the cover)`,
    `cover = lead time ${leadTimeDays} d + review period ${reviewPeriodDays} d = ${coverDays} d (${fmt(coverBuckets)} ${unitBucket}s): demand ${fmt(demand)}`,
    `safety stock = z ${z.toFixed(3)} (service level ${settings.serviceLevel}) × σ ${fmt(f.sigma)} × √${fmt(coverBuckets)} = ${safetyStock}`,
    `${fmt(demand)} + ${safetyStock} − on hand ${facts.onHand} − on order ${facts.onOrder} = ${fmt(raw)}` +
      (raw > 1e-9 ? ` → rounded up to packs of ${pack}: ${suggestedQty}` : ' → nothing to order'),
  ].join('; ');
  return {
    suggestedQty,
    packSize: pack,
    forecastPerWeek,
    demandOverCover: Number(demand.toFixed(2)),
    leadTimeDays,
    reviewPeriodDays,
    safetyStock,
    onHand: facts.onHand,
    onOrder: facts.onOrder,
    method: f.method,
    reasoning,
    detail: { forecast: forecast.map((v) => Number(v.toFixed(3))), sigma: Number(f.sigma.toFixed(3)), z: Number(z.toFixed(4)), scores: f.scores, intermittent: f.intermittent, adi: Number(f.adi.toFixed(3)), why: f.reason },
  };
}
