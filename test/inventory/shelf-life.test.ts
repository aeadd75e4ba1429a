import { describe, expect, it } from 'vitest';
import { inventorySchema } from '../../src/core/config/schema-inventory.js';
import { channelAtp, channelOf } from '../../src/inventory/channels.js';
import { addDays, effectiveExpiry, isWorse, meetsMinFraction, shelfLife, thresholdsFor, tierOf, worstTier } from '../../src/inventory/shelf-life.js';

const DEFAULTS = { red: 1 / 3, yellow: 1 / 2, blue: 2 / 3 };
const TODAY = '2026-03-01';

describe('shelf life', () => {
  it('computes the expiry from production + shelf life when none is given', () => {
    expect(effectiveExpiry({ expiryDate: null, productionDate: '2026-01-01' }, 90)).toBe('2026-04-01');
    expect(effectiveExpiry({ expiryDate: '2026-02-10', productionDate: '2026-01-01' }, 90)).toBe('2026-02-10');
    expect(effectiveExpiry({ expiryDate: null, productionDate: null }, 90)).toBeNull();
    expect(effectiveExpiry({ expiryDate: null, productionDate: '2026-01-01' }, null)).toBeNull();
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
  });

  it('gives remaining days and fraction of total life on a day', () => {
    // Produced 2026-01-01 with 90 days of life: expires 2026-04-01, 31 days left on 2026-03-01.
    const life = shelfLife({ expiryDate: null, productionDate: '2026-01-01' }, 90, TODAY, DEFAULTS);
    expect(life).toEqual({ expiryDate: '2026-04-01', totalDays: 90, remainingDays: 31, remainingFraction: 0.3444, tier: 'yellow' });
    // A given expiry with a production date: total life is their difference, not the product's shelf life.
    expect(shelfLife({ expiryDate: '2026-03-11', productionDate: '2026-02-09' }, 365, TODAY, DEFAULTS)).toMatchObject({ totalDays: 30, remainingDays: 10, tier: 'yellow' });
    // No production date: the product's shelf life is the total.
    expect(shelfLife({ expiryDate: '2026-03-31', productionDate: null }, 120, TODAY, DEFAULTS)).toMatchObject({ totalDays: 120, remainingDays: 30, remainingFraction: 0.25, tier: 'red' });
    expect(shelfLife({ expiryDate: '2026-02-28', productionDate: null }, 120, TODAY, DEFAULTS)).toMatchObject({ remainingDays: -1, remainingFraction: 0, tier: 'expired' });
    expect(shelfLife({ expiryDate: '2026-03-31', productionDate: null }, null, TODAY, DEFAULTS)).toMatchObject({ totalDays: null, remainingFraction: null, tier: null });
  });

  it('puts tier boundaries exactly: strictly below a threshold is in its tier', () => {
    // 90 days total: red below 30, yellow below 45, blue below 60.
    const cases: Array<[number, string | null]> = [
      [-1, 'expired'], [0, 'red'], [29, 'red'], [30, 'yellow'], [44, 'yellow'], [45, 'blue'], [59, 'blue'], [60, null], [90, null],
    ];
    for (const [remaining, tier] of cases) expect([remaining, tierOf(remaining, 90, DEFAULTS)]).toEqual([remaining, tier]);
    // Category thresholds replace the defaults.
    const expiry = inventorySchema.parse({ expiry: { categories: { dairy: { red: 0.5, yellow: 0.7, blue: 0.9 } } } }).expiry;
    expect(thresholdsFor('dairy', expiry)).toEqual({ red: 0.5, yellow: 0.7, blue: 0.9 });
    expect(thresholdsFor('snacks', expiry)).toEqual(DEFAULTS);
    expect(tierOf(44, 90, thresholdsFor('dairy', expiry))).toBe('red');
    expect(tierOf(80, 90, thresholdsFor('dairy', expiry))).toBe('blue');
  });

  it('checks the minimum remaining fraction', () => {
    const lot = { expiryDate: '2026-03-31', productionDate: '2026-01-30' }; // 60 days total, 30 left
    expect(meetsMinFraction(lot, null, TODAY, 0.5)).toBe(true);
    expect(meetsMinFraction(lot, null, TODAY, 0.51)).toBe(false);
    expect(meetsMinFraction({ expiryDate: null, productionDate: null }, null, TODAY, 0.9)).toBe(true);
  });

  it('orders tiers from none to expired', () => {
    expect(isWorse(null, 'blue')).toBe(true);
    expect(isWorse('yellow', 'red')).toBe(true);
    expect(isWorse('red', 'yellow')).toBe(false);
    expect(isWorse('red', 'red')).toBe(false);
    expect(worstTier([null, 'blue', 'red', 'yellow'])).toBe('red');
    expect(worstTier([])).toBeNull();
  });

  it('refuses thresholds out of order', () => {
    expect(inventorySchema.safeParse({ expiry: { tiers: { red: 0.6, yellow: 0.5, blue: 0.7 } } }).success).toBe(false);
  });
});

describe('channels', () => {
  const channels = inventorySchema.parse({
    channels: {
      chain: { groups: ['KA'], quota: { maxShare: 0.5 } },
      ecommerce: { dealers: ['E01'], quota: { maxQty: 20 }, safetyStock: 10 },
      premium: { tiers: ['A'], safetyStock: 15 },
    },
  }).channels;

  it('finds a dealer’s channel: code beats group beats tier, else default', () => {
    expect(channelOf({ code: 'E01', tier: 'A', group: 'KA' }, channels)).toBe('ecommerce');
    expect(channelOf({ code: 'D9', tier: 'A', group: 'KA' }, channels)).toBe('chain');
    expect(channelOf({ code: 'D9', tier: 'A', group: null }, channels)).toBe('premium');
    expect(channelOf({ code: 'D9', tier: 'C', group: null }, channels)).toBe('default');
  });

  it('explains ATP per channel with quota, others’ reservations and ring-fences', () => {
    // Pool of 100 free units; chain holds 30, premium 5, ecommerce 0.
    const used = new Map([['chain', 30], ['premium', 5]]);
    // chain: poolTotal 135, quota floor(0.5 × 135) = 67, so 37 more; fenced for premium 10 + ecommerce 10.
    expect(channelAtp('chain', 100, used, channels)).toEqual({
      channel: 'chain', pool: 100, poolTotal: 135, quota: 67, reservedByChannel: 30, reservedByOthers: 5, fencedForOthers: 20, available: 37,
    });
    // ecommerce: quota 20, fenced for premium 10 → min(90, 20) = 20.
    expect(channelAtp('ecommerce', 100, used, channels)).toMatchObject({ quota: 20, fencedForOthers: 10, available: 20 });
    // default: no quota, fenced 10 + 10 → 80.
    expect(channelAtp('default', 100, used, channels)).toMatchObject({ quota: null, fencedForOthers: 20, available: 80 });
    // A ring-fence shrinks as its channel uses it; a pool smaller than the fences leaves nothing.
    expect(channelAtp('default', 15, new Map([['premium', 15]]), channels)).toMatchObject({ fencedForOthers: 10, available: 5 });
    expect(channelAtp('default', 8, new Map(), channels)).toMatchObject({ available: 0 });
  });
});
