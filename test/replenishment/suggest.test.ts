import { describe, expect, it } from 'vitest';
import { normalQuantile, suggest, sumOver } from '../../src/replenishment/suggest.js';

const settings = { bucketDays: 7, seasonLength: 52, leadTimeDays: 14, reviewPeriodDays: 7, serviceLevel: 0.95, horizon: 4 };

describe('suggested order (pure)', () => {
  it('z for common service levels', () => {
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326348, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
  });

  it('sums a forecast over a fractional number of buckets', () => {
    expect(sumOver([10, 20, 30], 2.5)).toBe(45);
    expect(sumOver([10], 3)).toBe(30);
  });

  it('flat demand of 10 a week: 3 weeks of cover, no error → 30 − 5 on hand = 25 → 36 in packs of 12', () => {
    const s = suggest({ history: Array(20).fill(10), packSize: 12, onHand: 5, onOrder: 0 }, settings);
    expect(s.forecastPerWeek).toBe(10);
    expect(s.demandOverCover).toBe(30);
    expect(s.safetyStock).toBe(0);
    expect(s.suggestedQty).toBe(36);
    expect(s.reasoning).toContain('30 + 0 − on hand 5 − on order 0 = 25 → rounded up to packs of 12: 36');
  });

  it('stock and open orders covering the period suggest nothing', () => {
    const s = suggest({ history: Array(20).fill(10), packSize: 6, onHand: 20, onOrder: 12 }, settings);
    expect(s.suggestedQty).toBe(0);
    expect(s.reasoning).toContain('nothing to order');
  });

  it('safety stock = ⌈z × σ × √(cover buckets)⌉ from the backtest error', () => {
    const history = Array.from({ length: 30 }, (_, t) => (t % 2 === 0 ? 8 : 12));
    const s = suggest({ history, packSize: 1, onHand: 0, onOrder: 0 }, settings);
    const sigma = s.detail.sigma;
    expect(sigma).toBeGreaterThan(0);
    expect(s.safetyStock).toBe(Math.ceil(1.6448536 * sigma * Math.sqrt(3) - 1e-6));
    expect(s.suggestedQty).toBe(Math.ceil(s.demandOverCover + s.safetyStock - 1e-9));
  });
});
