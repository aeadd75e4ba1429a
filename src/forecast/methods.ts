/**
 * Forecasting methods over one equally spaced demand series (oldest first, one value per
 * bucket). Each `run*` function applies fixed smoothing parameters and returns the one-step
 * fitted values (what the method would have said one bucket ahead, NaN where it has no
 * opinion yet) and a forecast function for h = 1, 2, … buckets past the end. The `fit*`
 * functions choose the parameters on a fixed grid by in-sample one-step squared error, so the
 * result is deterministic and needs no optimiser. Pure: plain numbers in, plain numbers out.
 */

export interface Fitted {
  /** fitted[t] is the one-step forecast of y[t] made at t − 1 (NaN while the method warms up). */
  fitted: number[];
  /** Forecast h = 1…horizon buckets after the last observation. */
  forecast(horizon: number): number[];
  params: Record<string, number>;
}

const ALPHAS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9];
const BETAS = [0.02, 0.05, 0.1, 0.2];
const PHIS = [0.8, 0.9, 0.98];
const GAMMAS = [0.05, 0.1, 0.3];
const CROSTON_ALPHAS = [0.05, 0.1, 0.2, 0.3];

function times(n: number, value: number): number[] {
  return Array.from({ length: n }, () => value);
}

/** Sum of squared one-step errors where the method has an opinion; the grid searches minimise it. */
export function sse(y: readonly number[], fitted: readonly number[]): number {
  let total = 0;
  for (let t = 0; t < y.length; t++) if (!Number.isNaN(fitted[t]!)) total += (y[t]! - fitted[t]!) ** 2;
  return total;
}

function best(y: readonly number[], candidates: Iterable<() => Fitted>): Fitted {
  let chosen: Fitted | undefined;
  let score = Infinity;
  for (const make of candidates) {
    const fit = make();
    const s = sse(y, fit.fitted);
    // Strictly better only: ties keep the earlier (smoother) grid point, so the choice is stable.
    if (s < score) [chosen, score] = [fit, s];
  }
  return chosen!;
}

/** Naive: the next bucket is the last one. */
export function naive(y: readonly number[]): Fitted {
  const fitted = y.map((_, t) => (t === 0 ? NaN : y[t - 1]!));
  const last = y.length > 0 ? y[y.length - 1]! : 0;
  return { fitted, forecast: (h) => times(h, last), params: {} };
}

/** Seasonal naive: a bucket repeats the one a season (m buckets) earlier. */
export function seasonalNaive(y: readonly number[], m: number): Fitted {
  const n = y.length;
  const fitted = y.map((_, t) => (t < m ? NaN : y[t - m]!));
  return {
    fitted,
    forecast: (h) => Array.from({ length: h }, (_, i) => (n >= m ? y[n - m + (i % m)]! : n > 0 ? y[n - 1]! : 0)),
    params: { m },
  };
}

/** Simple exponential smoothing, level initialised to the first observation. */
export function ses(y: readonly number[], alpha: number): Fitted {
  const fitted: number[] = [];
  let level = y[0] ?? 0;
  for (let t = 0; t < y.length; t++) {
    fitted.push(t === 0 ? NaN : level);
    level = t === 0 ? y[0]! : alpha * y[t]! + (1 - alpha) * level;
  }
  return { fitted, forecast: (h) => times(h, level), params: { alpha } };
}

export function fitSes(y: readonly number[]): Fitted {
  return best(y, ALPHAS.map((a) => () => ses(y, a)));
}

/**
 * Holt's linear method with a damped additive trend (Gardner & McKenzie): level ℓ and trend b,
 * forecast ℓ + (φ + φ² + … + φʰ)·b, so a trend fades instead of running away — B2B demand
 * rarely keeps growing in a straight line. Initial ℓ = y₀, b = y₁ − y₀.
 */
export function holt(y: readonly number[], alpha: number, beta: number, phi: number): Fitted {
  const fitted: number[] = [];
  if (y.length < 2) return { ...ses(y, alpha), params: { alpha, beta, phi } };
  let level = y[0]!;
  let trend = y[1]! - y[0]!;
  fitted.push(NaN);
  for (let t = 1; t < y.length; t++) {
    fitted.push(level + phi * trend);
    const previous = level;
    level = alpha * y[t]! + (1 - alpha) * (previous + phi * trend);
    trend = beta * (level - previous) + (1 - beta) * phi * trend;
  }
  const forecast = (h: number) => {
    const out: number[] = [];
    let damp = 0;
    for (let i = 1; i <= h; i++) {
      damp += phi ** i;
      out.push(level + damp * trend);
    }
    return out;
  };
  return { fitted, forecast, params: { alpha, beta, phi } };
}

export function fitHolt(y: readonly number[]): Fitted {
  const grid: Array<() => Fitted> = [];
  for (const a of ALPHAS) for (const b of BETAS) for (const p of PHIS) grid.push(() => holt(y, a, b, p));
  return best(y, grid);
}

/**
 * Additive Holt-Winters with season length m (52 for weekly buckets over a year), no trend
 * damping needed because the trend term is damped like Holt's. Initial level = mean of the
 * first season, seasonal indices = the first season's deviations from it, trend 0 — so it
 * needs at least one full season plus a few buckets to learn from.
 */
export function holtWinters(y: readonly number[], m: number, alpha: number, beta: number, gamma: number, phi = 0.9, smoothInit = false): Fitted {
  const n = y.length;
  const first = y.slice(0, m);
  let level = first.reduce((s, v) => s + v, 0) / m;
  let trend = 0;
  const raw = first.map((v) => v - level);
  // One season of history gives one noisy observation per index; a circular ¼-½-¼ average of
  // neighbouring weeks halves that noise at the cost of blurring one-week peaks slightly.
  const season = smoothInit ? raw.map((v, i) => 0.25 * raw[(i + m - 1) % m]! + 0.5 * v + 0.25 * raw[(i + 1) % m]!) : raw;
  const fitted: number[] = times(Math.min(m, n), NaN);
  for (let t = m; t < n; t++) {
    const s = season[t % m]!;
    fitted.push(level + phi * trend + s);
    const previous = level;
    level = alpha * (y[t]! - s) + (1 - alpha) * (previous + phi * trend);
    trend = beta * (level - previous) + (1 - beta) * phi * trend;
    season[t % m] = gamma * (y[t]! - level) + (1 - gamma) * s;
  }
  const forecast = (h: number) => {
    const out: number[] = [];
    let damp = 0;
    for (let i = 1; i <= h; i++) {
      damp += phi ** i;
      out.push(level + damp * trend + season[(n + i - 1) % m]!);
    }
    return out;
  };
  return { fitted, forecast, params: { alpha, beta, gamma, phi, m, smoothInit: smoothInit ? 1 : 0 } };
}

export function fitHoltWinters(y: readonly number[], m: number): Fitted {
  const grid: Array<() => Fitted> = [];
  for (const a of [0.05, 0.1, 0.2, 0.4]) for (const b of [0.01, 0.05]) for (const g of GAMMAS) grid.push(() => holtWinters(y, m, a, b, g, 0.9, m >= 12));
  return best(y, grid);
}

/**
 * Croston's method for intermittent demand: smooth the non-zero sizes z and the intervals p
 * between them separately (both updated only in buckets with demand), forecast z / p per
 * bucket. SBA (Syntetos–Boylan approximation) multiplies by (1 − α/2) to remove Croston's
 * known upward bias. Initialised with the first demand and its position (1-based) as the
 * first interval; before any demand the forecast is 0.
 */
export function croston(y: readonly number[], alpha: number, variant: 'croston' | 'sba' = 'croston'): Fitted {
  const factor = variant === 'sba' ? 1 - alpha / 2 : 1;
  const fitted: number[] = [];
  let size = NaN;
  let interval = NaN;
  let sinceLast = 0;
  for (let t = 0; t < y.length; t++) {
    fitted.push(Number.isNaN(size) ? NaN : (factor * size) / interval);
    sinceLast++;
    if (y[t]! > 0) {
      if (Number.isNaN(size)) [size, interval] = [y[t]!, sinceLast];
      else {
        size = alpha * y[t]! + (1 - alpha) * size;
        interval = alpha * sinceLast + (1 - alpha) * interval;
      }
      sinceLast = 0;
    }
  }
  const rate = Number.isNaN(size) ? 0 : (factor * size) / interval;
  return { fitted, forecast: (h) => times(h, rate), params: { alpha } };
}

export function fitCroston(y: readonly number[], variant: 'croston' | 'sba'): Fitted {
  return best(y, CROSTON_ALPHAS.map((a) => () => croston(y, a, variant)));
}

/** Mean of the last k buckets: the fallback for series too short to fit anything. */
export function recentMean(y: readonly number[], k = 4): Fitted {
  const tail = y.slice(-k);
  const mean = tail.length > 0 ? tail.reduce((s, v) => s + v, 0) / tail.length : 0;
  return { fitted: times(y.length, NaN), forecast: (h) => times(h, mean), params: { k: tail.length } };
}
