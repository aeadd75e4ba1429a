import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/core/config/schema.js';
import { businessDate } from '../../src/orders/evaluate.js';
import { demoSellThroughRows, seedDemoSellThrough } from '../../src/replenishment/demo.js';
import { computePlans, loadPlan, replenishmentSettings } from '../../src/replenishment/plan.js';
import { loadDemoInto } from '../support/demo.js';
import { createTestStore, type TestStore } from '../support/store.js';

describe('the demo sell-through (PGlite)', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore('pglite');
    await loadDemoInto(t.store);
  }, 120_000);
  afterAll(async () => t?.drop());

  it('is deterministic and gives D001 suggestions in whole packs with reasoning', async () => {
    const today = businessDate(new Date(), 'Asia/Shanghai');
    expect(demoSellThroughRows(today)).toEqual(demoSellThroughRows(today));
    expect(await seedDemoSellThrough(t.store, today)).toBe(2 * 5 * 30);
    const settings = replenishmentSettings(configSchema.parse({}));
    const result = await computePlans(t.store, settings, { dealerId: null, now: new Date(), trigger: 'test' });
    expect(result.series).toBe(5);
    const { rows } = await t.store.query<{ id: number }>(`SELECT id FROM dealers WHERE code = 'D001'`);
    const plan = (await loadPlan(t.store, Number(rows[0]!.id), true))!;
    expect(plan.suggestions.map((s) => s.sku)).toEqual(['JCE-AP1000-6', 'MLK-250-24', 'TEA-OL500-15', 'WTR-550-24', 'YGT-135-12']);
    const toOrder = plan.suggestions.filter((s) => s.suggestedQty > 0);
    expect(toOrder.length).toBeGreaterThanOrEqual(4);
    for (const s of plan.suggestions) {
      expect(s.suggestedQty % s.packSize).toBe(0);
      expect(s.demandSource).toBe('sell-through');
      expect(s.reasoning).toMatch(/^method \S+ \(/);
    }
    // Steady 60 a week in each of two stores: about 120 a week, 96 on hand.
    const milk = plan.suggestions.find((s) => s.sku === 'MLK-250-24')!;
    expect(milk.onHand).toBe(96);
    expect(milk.forecastPerWeek).toBeGreaterThan(105);
    expect(milk.forecastPerWeek).toBeLessThan(135);
    expect(plan.suggestions.find((s) => s.sku === 'JCE-AP1000-6')!.method).toMatch(/croston|sba/);
  });
});
