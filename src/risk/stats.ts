/**
 * Robust statistics for the risk factors. Scores are statistics, not money: plain numbers are
 * fine here (amounts arrive as decimal strings and are only compared, never booked).
 */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** z-scores beyond this are reported as this (JSON has no Infinity). */
export const Z_CAP = 99;

/**
 * Modified z-score (Iglewicz–Hoaglin): 0.6745 · (x − median) / MAD. When more than half the
 * values are equal MAD is 0; the mean absolute deviation (× 1.2533, its consistency constant)
 * stands in, and when every value is equal any other value is as far out as it gets (Z_CAP).
 */
export function robustZ(x: number, history: readonly number[]): { z: number; median: number; mad: number } {
  const med = median(history);
  const deviations = history.map((v) => Math.abs(v - med));
  const mad = median(deviations);
  let z: number;
  if (mad > 0) z = (0.6745 * (x - med)) / mad;
  else {
    const meanAd = deviations.reduce((s, d) => s + d, 0) / deviations.length;
    z = meanAd > 0 ? (x - med) / (1.2533 * meanAd) : x === med ? 0 : Math.sign(x - med) * Z_CAP;
  }
  return { z: Math.max(-Z_CAP, Math.min(Z_CAP, z)), median: med, mad };
}

/** 0 below the threshold, ½ at it, rising linearly to 1 at twice the threshold. */
export function strengthAbove(value: number, threshold: number): number {
  if (!(value >= threshold)) return 0;
  return Math.min(1, 0.5 + (0.5 * (value - threshold)) / threshold);
}

export const round = (n: number, places = 2): number => Math.round(n * 10 ** places) / 10 ** places;
