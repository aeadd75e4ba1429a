import { describe, expect, it } from 'vitest';
import { croston, holt, holtWinters, naive, recentMean, seasonalNaive, ses } from '../../src/forecast/methods.js';
import { averageInterval, naiveScale, selectForecast } from '../../src/forecast/select.js';

// Every expected value below was worked out by hand from the method's recurrences.
describe('forecasting methods on tiny series (hand-computed)', () => {
  it('SES: level 10 → 12 → 10 with α 0.5', () => {
    const f = ses([10, 14, 8], 0.5);
    expect(f.fitted.slice(1)).toEqual([10, 12]);
    expect(f.forecast(2)).toEqual([10, 10]);
  });

  it('Holt, undamped: ℓ 14.5, b 2.25 → 16.75, 19', () => {
    const f = holt([10, 12, 15], 0.5, 0.5, 1);
    expect(f.fitted.slice(1)).toEqual([12, 14]);
    expect(f.forecast(2)).toEqual([16.75, 19]);
  });

  it('Holt, damped φ 0.5: ℓ 13.5625, b 1.34375', () => {
    const f = holt([10, 12, 15], 0.5, 0.5, 0.5);
    expect(f.fitted[1]).toBeCloseTo(11, 12);
    expect(f.fitted[2]).toBeCloseTo(12.125, 12);
    const [h1, h2] = f.forecast(2);
    expect(h1).toBeCloseTo(14.234375, 12);
    expect(h2).toBeCloseTo(14.5703125, 12);
  });

  it('Holt-Winters additive, m 2: seasons −4.5 / 5.25 around ℓ 16.5', () => {
    const f = holtWinters([10, 20, 12, 22], 2, 0.5, 0, 0.5, 0.9);
    expect(f.fitted.slice(2)).toEqual([10, 21]);
    expect(f.forecast(2)).toEqual([12, 21.75]);
  });

  it('Croston and SBA: size 5, interval 3.5 → 1.4286 and 1.0714 per bucket', () => {
    const y = [0, 0, 6, 0, 0, 0, 4];
    const c = croston(y, 0.5, 'croston');
    expect(c.fitted.slice(3, 7)).toEqual([2, 2, 2, 2]);
    expect(c.forecast(1)[0]).toBeCloseTo(5 / 3.5, 12);
    expect(croston(y, 0.5, 'sba').forecast(3)).toEqual(Array(3).fill((0.75 * 5) / 3.5));
    expect(croston([0, 0, 0], 0.3).forecast(1)).toEqual([0]);
  });

  it('naive, seasonal naive, recent mean and the MASE scale', () => {
    expect(naive([1, 2, 7]).forecast(2)).toEqual([7, 7]);
    expect(seasonalNaive([1, 2, 3, 4, 5], 3).forecast(4)).toEqual([3, 4, 5, 3]);
    expect(recentMean([9, 1, 2, 3, 6], 4).forecast(1)).toEqual([3]);
    expect(naiveScale([1, 3, 2, 2])).toBe(1);
    expect(naiveScale([5, 5, 5])).toBe(1);
    expect(naiveScale([0, 4, 0])).toBe(4);
    expect(averageInterval([0, 3, 0, 0, 0, 2])).toBe(3);
  });
});

function lcg(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('per-series selection', () => {
  it('picks Croston or SBA for an intermittent series, and says why', () => {
    const r = lcg(7);
    const y = Array.from({ length: 60 }, () => (r() < 0.25 ? 4 + Math.floor(r() * 8) : 0));
    const f = selectForecast(y, { horizon: 4, seasonLength: 52 });
    expect(f.intermittent).toBe(true);
    expect(['croston', 'sba']).toContain(f.method);
    expect(Object.keys(f.scores).sort()).toEqual(['croston', 'sba']);
    expect(f.forecast.every((v) => v > 0 && v < 12)).toBe(true);
    expect(f.reason).toMatch(/intermittent \(ADI/);
  });

  it('picks a smooth method for steady demand and Holt-Winters for a strong annual cycle', () => {
    const r = lcg(11);
    const steady = Array.from({ length: 40 }, () => 100 + Math.round((r() - 0.5) * 10));
    const s = selectForecast(steady, { horizon: 4, seasonLength: 52 });
    expect(s.intermittent).toBe(false);
    expect(['ses', 'holt']).toContain(s.method);
    expect(s.forecast[0]).toBeGreaterThan(90);
    expect(s.forecast[0]).toBeLessThan(110);

    const seasonal = Array.from({ length: 120 }, (_, t) => Math.round(100 + 60 * Math.sin((2 * Math.PI * t) / 52) + (r() - 0.5) * 6));
    const h = selectForecast(seasonal, { horizon: 4, seasonLength: 52 });
    expect(h.method).toBe('holt-winters');
    const truth = [120, 121, 122, 123].map((t) => 100 + 60 * Math.sin((2 * Math.PI * t) / 52));
    h.forecast.forEach((v, i) => expect(Math.abs(v - truth[i]!)).toBeLessThan(10));
  });

  it('falls back to the recent mean on a very short series, and forecasts 0 for no demand', () => {
    const f = selectForecast([3, 5, 4], { horizon: 2, seasonLength: 52 });
    expect(f.method).toBe('recent-mean');
    expect(f.forecast).toEqual([4, 4]);
    expect(selectForecast([0, 0, 0, 0, 0, 0, 0, 0, 0, 0], { horizon: 1, seasonLength: 52 }).forecast).toEqual([0]);
  });

  it('is deterministic', () => {
    const y = [5, 0, 7, 9, 3, 0, 8, 6, 4, 10, 0, 7, 5, 6];
    expect(selectForecast(y, { horizon: 3, seasonLength: 52 })).toEqual(selectForecast(y, { horizon: 3, seasonLength: 52 }));
  });
});
