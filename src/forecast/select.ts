/**
 * Per-series method choice. A series is first classed as intermittent or not (Syntetos–Boylan:
 * average inter-demand interval ADI ≥ 1.32); intermittent series choose between Croston and
 * SBA, the others between SES, damped Holt and (with more than a season of history)
 * Holt-Winters. The winner is the candidate with the lowest MASE over a rolling-origin
 * backtest on the series' own history: re-fit on y[0..o) for the last few origins o, forecast
 * h buckets, score the absolute errors. Too-short series fall back to a recent mean.
 *
 * Why intermittent series never compete with the smooth methods: on mostly-zero data the MAE
 * is minimised by forecasting 0, which would win the backtest and order nothing ever; Croston
 * and SBA forecast the demand *rate*, which is what replenishment needs.
 */
import { fitCroston, fitHolt, fitHoltWinters, fitSes, recentMean, type Fitted } from './methods.js';

export type MethodName = 'ses' | 'holt' | 'holt-winters' | 'croston' | 'sba' | 'recent-mean';

export interface SelectOptions {
  /** Buckets forecast at each backtest origin (and returned). */
  horizon: number;
  /** Season length in buckets (52 for weekly buckets); Holt-Winters needs more than this much history. */
  seasonLength: number;
  /** Backtest origins (default 4). */
  origins?: number;
  /** Below this many buckets, or this many non-zero ones, the recent-mean fallback (default 8 / 2). */
  minLength?: number;
  minDemands?: number;
  /** Buckets returned (default `horizon`): a suggestion may need to look further than the backtest scored. */
  outputHorizon?: number;
}

export interface SeriesForecast {
  method: MethodName;
  /** Forecast per bucket for h = 1…outputHorizon, never negative. */
  forecast: number[];
  /** Root mean squared per-bucket backtest error of the chosen method (the safety stock's σ). */
  sigma: number;
  /** Backtest MASE of every candidate (lower is better); empty for the fallback. */
  scores: Partial<Record<MethodName, number>>;
  intermittent: boolean;
  /** Average inter-demand interval in buckets (Infinity with no demand). */
  adi: number;
  reason: string;
}

export const ADI_CUTOFF = 1.32;

export function averageInterval(y: readonly number[]): number {
  const demands = y.filter((v) => v > 0).length;
  return demands === 0 ? Infinity : y.length / demands;
}

/** Mean absolute one-step naive difference: MASE's scale (1 for a flat series, so never 0). */
export function naiveScale(y: readonly number[]): number {
  let total = 0;
  for (let t = 1; t < y.length; t++) total += Math.abs(y[t]! - y[t - 1]!);
  const scale = y.length > 1 ? total / (y.length - 1) : 0;
  return scale > 0 ? scale : 1;
}

function candidates(n: number, intermittent: boolean, m: number): Array<[MethodName, (y: readonly number[]) => Fitted]> {
  if (intermittent) return [['sba', (y) => fitCroston(y, 'sba')], ['croston', (y) => fitCroston(y, 'croston')]];
  const list: Array<[MethodName, (y: readonly number[]) => Fitted]> = [['ses', fitSes], ['holt', fitHolt]];
  if (n >= m + 16) list.push(['holt-winters', (y) => fitHoltWinters(y, m)]);
  return list;
}

const clamp = (values: number[]) => values.map((v) => (v > 0 ? v : 0));

/** Rolling-origin backtest of one candidate: absolute and squared errors over every origin. */
function backtest(y: readonly number[], fit: (y: readonly number[]) => Fitted, horizon: number, origins: number, minTrain: number) {
  let abs = 0;
  let sq = 0;
  let count = 0;
  for (let k = origins; k >= 1; k--) {
    const origin = y.length - k * horizon;
    if (origin < minTrain) continue;
    const train = y.slice(0, origin);
    const predicted = clamp(fit(train).forecast(horizon));
    for (let i = 0; i < horizon && origin + i < y.length; i++) {
      const e = y[origin + i]! - predicted[i]!;
      abs += Math.abs(e);
      sq += e * e;
      count++;
    }
  }
  return { abs, sq, count };
}

export function selectForecast(y: readonly number[], options: SelectOptions): SeriesForecast {
  const { horizon, seasonLength: m } = options;
  const out = Math.max(1, options.outputHorizon ?? horizon);
  const origins = options.origins ?? 4;
  const n = y.length;
  const demands = y.filter((v) => v > 0).length;
  const adi = averageInterval(y);
  const intermittent = adi >= ADI_CUTOFF;
  if (n < (options.minLength ?? 8) || demands < (options.minDemands ?? 2)) {
    const fallback = recentMean(y);
    const mean = fallback.forecast(1)[0]!;
    const sigma = Math.sqrt(y.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, y.length - 1));
    return { method: 'recent-mean', forecast: clamp(fallback.forecast(out)), sigma, scores: {}, intermittent, adi, reason: `only ${n} buckets with ${demands} of them non-zero: mean of the last ${fallback.params.k}` };
  }
  const list = candidates(n, intermittent, m);
  const scale = naiveScale(y);
  // The first backtest origin still leaves the candidate half the history (and a season for Holt-Winters).
  const minTrain = Math.max(4, Math.floor(n / 2));
  const scores: Partial<Record<MethodName, number>> = {};
  let chosen: { name: MethodName; fit: (y: readonly number[]) => Fitted; mase: number; rmse: number } | undefined;
  for (const [name, fit] of list) {
    const result = backtest(y, fit, horizon, origins, name === 'holt-winters' ? Math.max(minTrain, m + 4) : minTrain);
    if (result.count === 0) continue;
    const mase = result.abs / result.count / scale;
    scores[name] = Number(mase.toFixed(4));
    if (!chosen || mase < chosen.mase) chosen = { name, fit, mase, rmse: Math.sqrt(result.sq / result.count) };
  }
  if (!chosen) {
    // Too short to backtest at all: fit the first candidate on everything and trust its residuals.
    const [name, fit] = list[0]!;
    const f = fit(y);
    const residuals = f.fitted.map((v, t) => y[t]! - v).filter((e) => !Number.isNaN(e));
    const rmse = Math.sqrt(residuals.reduce((s, e) => s + e * e, 0) / Math.max(1, residuals.length));
    return { method: name, forecast: clamp(f.forecast(out)), sigma: rmse, scores, intermittent, adi, reason: `too short to backtest (${n} buckets): ${name} without comparison` };
  }
  const final = chosen.fit(y);
  const ranked = Object.entries(scores).sort((a, b) => a[1]! - b[1]!).map(([k, v]) => `${k} ${v!.toFixed(2)}`).join(', ');
  const kind = intermittent ? `intermittent (ADI ${adi.toFixed(2)} ≥ ${ADI_CUTOFF})` : `regular (ADI ${adi.toFixed(2)})`;
  return {
    method: chosen.name,
    forecast: clamp(final.forecast(out)),
    sigma: chosen.rmse,
    scores,
    intermittent,
    adi,
    reason: `${kind}; backtest MASE over the last ${origins} origins × ${horizon} buckets: ${ranked}`,
  };
}
