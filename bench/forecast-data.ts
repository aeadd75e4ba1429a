/**
 * The forecast backtest's data set: 200 weekly demand series × 104 weeks, generated once with
 * a fixed seed and saved as bench/data/forecast-series.csv (`id,type,w1…w104`), so every run
 * (and every change to the methods) is judged on the same numbers. Types, as B2B dealers see
 * them: stable, trend (up or down), annual seasonality, trend + seasonality, level shifts
 * (a lost or won customer), intermittent and lumpy (few, large orders). Weekly buckets absorb
 * day-of-week patterns, so "weekly seasonality" at this granularity is the annual cycle.
 * `npx tsx bench/forecast-data.ts` rewrites the file (same seed → same bytes).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../src/core/seeded-random.js';

export const SERIES_FILE = fileURLToPath(new URL('./data/forecast-series.csv', import.meta.url));
export const WEEKS = 104;
export const SEED = 20_260_808;

export interface Series {
  id: string;
  type: SeriesType;
  values: number[];
}

export type SeriesType = 'stable' | 'trend' | 'seasonal' | 'trend-seasonal' | 'level-shift' | 'intermittent' | 'lumpy';

const MIX: Array<[SeriesType, number]> = [
  ['stable', 25],
  ['trend', 25],
  ['seasonal', 35],
  ['trend-seasonal', 25],
  ['level-shift', 30],
  ['intermittent', 40],
  ['lumpy', 20],
];

function series(type: SeriesType, rand: () => number): number[] {
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const base = 20 + rand() * 180;
  const noise = 0.08 + rand() * 0.17;
  const slope = (rand() < 0.7 ? 1 : -1) * base * (0.004 + rand() * 0.008);
  const amplitude = base * (0.25 + rand() * 0.35);
  const phase = rand() * 52;
  // A second harmonic gives the annual cycle a festival peak (春节, 双十一) instead of a pure sine.
  const peak = Math.floor(rand() * 52);
  const shiftAt = 30 + Math.floor(rand() * 60);
  const shiftBy = base * (rand() < 0.5 ? -0.4 : 0.5) * (0.6 + rand() * 0.6);
  const p = type === 'lumpy' ? 0.1 + rand() * 0.15 : 0.2 + rand() * 0.35;
  const size = 3 + rand() * (type === 'lumpy' ? 60 : 15);
  const out: number[] = [];
  for (let t = 0; t < WEEKS; t++) {
    let mean = base;
    if (type === 'trend' || type === 'trend-seasonal') mean += slope * t;
    if (type === 'seasonal' || type === 'trend-seasonal') {
      mean += amplitude * Math.sin((2 * Math.PI * (t + phase)) / 52);
      const d = Math.min(Math.abs((t % 52) - peak), 52 - Math.abs((t % 52) - peak));
      if (d <= 1) mean += amplitude * (d === 0 ? 0.8 : 0.4);
    }
    if (type === 'level-shift' && t >= shiftAt) mean += shiftBy;
    let value: number;
    if (type === 'intermittent' || type === 'lumpy') value = rand() < p ? Math.max(1, size * (1 + 0.5 * normal())) : 0;
    else value = mean * (1 + noise * normal());
    out.push(Math.max(0, Math.round(value)));
  }
  return out;
}

export function generateSeries(): Series[] {
  const rand = mulberry32(SEED);
  const all: Series[] = [];
  for (const [type, count] of MIX) for (let i = 0; i < count; i++) all.push({ id: `${type}-${String(i + 1).padStart(2, '0')}`, type, values: series(type, rand) });
  return all;
}

export function toCsv(all: readonly Series[]): string {
  const head = ['id', 'type', ...Array.from({ length: WEEKS }, (_, i) => `w${i + 1}`)].join(',');
  return [head, ...all.map((s) => [s.id, s.type, ...s.values].join(','))].join('\n') + '\n';
}

export function parseCsv(text: string): Series[] {
  const [, ...rows] = text.trim().split('\n');
  return rows.map((row) => {
    const [id, type, ...values] = row.split(',');
    return { id: id!, type: type as SeriesType, values: values.map(Number) };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(dirname(SERIES_FILE), { recursive: true });
  writeFileSync(SERIES_FILE, toCsv(generateSeries()));
  console.log(`wrote ${SERIES_FILE}`);
}
