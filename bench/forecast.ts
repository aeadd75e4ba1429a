/**
 * Forecast backtest: rolling-origin evaluation of the per-series selector (src/forecast) on
 * the saved data set (bench/forecast-data.ts → bench/data/forecast-series.csv, 200 weekly
 * series × 104 weeks), against seasonal-naive (52 weeks) and naive baselines.
 *
 * Method: origins o = 78, 80, …, 100; at each, every method sees y[0..o) only (the selector
 * runs its own inner backtest inside that window) and forecasts 4 weeks, scored on y[o..o+4).
 * Per series, MASE = mean absolute error ÷ the in-sample one-step naive MAE of y[0..78).
 * A method's figure is the mean of its per-series MASE; `mase` = ours ÷ seasonal-naive's
 * (so seasonal-naive = 1, lower is better), `maseIntermittent` the same on the intermittent
 * and lumpy series. `bias` = Σ(forecast − actual) ÷ Σ actual (positive: over-forecast).
 * Writes bench/results/forecast.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { ratioOf, type SummaryRow } from './table.js';
import { fileURLToPath } from 'node:url';
import { fitCroston, fitSes, naive, seasonalNaive, type Fitted } from '../src/forecast/methods.js';
import { naiveScale, selectForecast, type MethodName } from '../src/forecast/select.js';
import { generateSeries, parseCsv, SERIES_FILE, toCsv, type Series } from './forecast-data.js';

const HORIZON = 4;
const FIRST_ORIGIN = 78;
const STEP = 2;
const SEASON = 52;
const INTERMITTENT = new Set(['intermittent', 'lumpy']);

type Forecaster = (train: readonly number[]) => number[];
const clamp = (values: number[]) => values.map((v) => (v > 0 ? v : 0));
const viaFit = (fit: (y: readonly number[]) => Fitted): Forecaster => (train) => clamp(fit(train).forecast(HORIZON));

function loadSeries(): Series[] {
  if (!existsSync(SERIES_FILE)) {
    mkdirSync(fileURLToPath(new URL('./data/', import.meta.url)), { recursive: true });
    writeFileSync(SERIES_FILE, toCsv(generateSeries()));
  }
  return parseCsv(readFileSync(SERIES_FILE, 'utf8'));
}

interface Tally {
  mase: number[];
  error: number;
  actual: number;
}

export async function benchForecast(): Promise<Record<string, unknown>> {
  const all = loadSeries();
  const chosen: Partial<Record<MethodName, number>> = {};
  const methods: Record<string, Forecaster> = {
    ours: (train) => {
      const f = selectForecast(train, { horizon: HORIZON, seasonLength: SEASON });
      chosen[f.method] = (chosen[f.method] ?? 0) + 1;
      return f.forecast;
    },
    seasonalNaive: viaFit((y) => seasonalNaive(y, SEASON)),
    naive: viaFit(naive),
    ses: viaFit(fitSes),
    sba: viaFit((y) => fitCroston(y, 'sba')),
  };
  const tallies = new Map<string, Tally>(); // key: `${method}|${type}`
  const tally = (key: string) => tallies.get(key) ?? (tallies.set(key, { mase: [], error: 0, actual: 0 }), tallies.get(key)!);
  const started = performance.now();
  for (const s of all) {
    const scale = naiveScale(s.values.slice(0, FIRST_ORIGIN));
    for (const [name, forecaster] of Object.entries(methods)) {
      let abs = 0;
      let count = 0;
      let error = 0;
      let actual = 0;
      for (let o = FIRST_ORIGIN; o + HORIZON <= s.values.length; o += STEP) {
        const predicted = forecaster(s.values.slice(0, o));
        for (let i = 0; i < HORIZON; i++) {
          const y = s.values[o + i]!;
          abs += Math.abs(predicted[i]! - y);
          error += predicted[i]! - y;
          actual += y;
          count++;
        }
      }
      for (const key of [`${name}|${s.type}`, `${name}|all`, ...(INTERMITTENT.has(s.type) ? [`${name}|intermittent-all`] : [])]) {
        const t = tally(key);
        t.mase.push(abs / count / scale);
        t.error += error;
        t.actual += actual;
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const absolute = (method: string, group: string) => mean(tally(`${method}|${group}`).mase);
  const relative = (method: string, group: string) => round(absolute(method, group) / absolute('seasonalNaive', group));
  const bias = (method: string, group: string) => round(tally(`${method}|${group}`).error / tally(`${method}|${group}`).actual);
  const types = [...new Set(all.map((s) => s.type))];
  const byType = Object.fromEntries(
    types.map((type) => [
      type,
      {
        series: all.filter((s) => s.type === type).length,
        mase: relative('ours', type),
        maseVsNaive: round(absolute('ours', type) / absolute('naive', type)),
        bias: bias('ours', type),
        absolute: Object.fromEntries(Object.keys(methods).map((m) => [m, round(absolute(m, type))])),
      },
    ]),
  );
  const result = {
    mase: relative('ours', 'all'),
    maseIntermittent: relative('ours', 'intermittent-all'),
    bias: bias('ours', 'all'),
    goal: 'mase < 1 and maseIntermittent < 1 (seasonal-naive = 1)',
    met: relative('ours', 'all') < 1 && relative('ours', 'intermittent-all') < 1,
    baselines: {
      seasonalNaive: { mase: 1, bias: bias('seasonalNaive', 'all') },
      naive: { mase: relative('naive', 'all'), maseIntermittent: relative('naive', 'intermittent-all'), bias: bias('naive', 'all') },
      ses: { mase: relative('ses', 'all'), maseIntermittent: relative('ses', 'intermittent-all'), bias: bias('ses', 'all') },
      sba: { mase: relative('sba', 'all'), maseIntermittent: relative('sba', 'intermittent-all'), bias: bias('sba', 'all') },
    },
    absoluteMase: Object.fromEntries(Object.keys(methods).map((m) => [m, round(absolute(m, 'all'))])),
    byType,
    methodsChosen: chosen,
    setup: {
      data: 'bench/data/forecast-series.csv',
      series: all.length,
      weeks: all[0]?.values.length,
      origins: `${FIRST_ORIGIN}..${all[0]!.values.length - HORIZON} step ${STEP}`,
      horizonWeeks: HORIZON,
      seasonLength: SEASON,
      scale: `in-sample one-step naive MAE of weeks 1..${FIRST_ORIGIN}`,
    },
    seconds: round(seconds),
    summary: forecastSummary(relative('ours', 'all'), relative('ours', 'intermittent-all')),
    measuredAt: new Date().toISOString(),
    machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown cpu'}, node ${process.version}`,
  };
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  writeFileSync(new URL('./results/forecast.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
  return result;
}

/** Rows for bench/table.ts: MASE is already relative to seasonal-naive, the baseline, which scores 1. */
function forecastSummary(mase: number, maseIntermittent: number): SummaryRow[] {
  return [
    { figure: 'forecast MASE, all 200 series', value: mase, unit: '× seasonal-naive', baseline: 1, ratio: ratioOf(mase, 1), goal: '< 1', pass: mase < 1 },
    { figure: 'forecast MASE, intermittent series', value: maseIntermittent, unit: '× seasonal-naive', baseline: 1, ratio: ratioOf(maseIntermittent, 1), goal: '< 1', pass: maseIntermittent < 1 },
  ];
}

function round(x: number): number {
  return Number(x.toFixed(4));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) console.log(JSON.stringify(await benchForecast(), null, 2));
