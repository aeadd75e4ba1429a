import { describe, expect, it } from 'vitest';
import { inventorySchema } from '../../src/core/config/schema-inventory.js';
import { allocationPlan, explanationText } from '../../src/inventory/allocation.js';
import { usageKey } from '../../src/inventory/channels.js';
import { allocateOrder } from '../../src/ordering/availability.js';
import { stockRule } from '../../src/ordering/review/stock.js';
import type { LotFacts, WarehouseFacts } from '../../src/ordering/types.js';

const TODAY = '2026-03-01';
const WH: WarehouseFacts[] = [{ code: 'WH1', regionCode: '4403', priority: 1, safetyStock: {} }];
const dealer = { code: 'D1', tier: 'A', group: null, minRemainingShelfLifeDays: null };
const products = new Map([['MLK', { shelfLifeDays: 100, minRemainingShelfLifeDays: null, category: 'dairy' }]]);

function lot(id: number, expiryDate: string | null, onHand: number, extra: Partial<LotFacts> = {}): LotFacts {
  return { lotId: id, sku: 'MLK', warehouseCode: 'WH1', lot: `L${id}`, expiryDate, productionDate: null, onHand, reserved: 0, ...extra };
}

// 100 days of life each: L1 has 20 left (20%), L2 50 (50%), L3 70 (70%); L4 expired by its computed date.
const LOTS = [
  lot(1, '2026-03-21', 5),
  lot(2, '2026-04-20', 3),
  lot(3, '2026-05-10', 4),
  lot(4, null, 9, { productionDate: '2025-11-01' }),
];

describe('allocation with shelf-life minimums and channels', () => {
  it('never allocates a lot expired by production + shelf life, and tiers what it allocates', () => {
    const plan = allocationPlan({ dealer, products, lots: LOTS }, TODAY);
    const [line] = plan.annotate(allocateOrder([{ lineNo: 1, sku: 'MLK', qty: 12 }], plan.lots, WH, plan.rules), WH);
    expect(line!.allocations.map((a) => [a.lot, a.qty])).toEqual([['L1', 5], ['L2', 3], ['L3', 4]]);
    expect(line!.shortfall).toBe(0);
    // Worst tier of L1 (20% → red); remaining of the first lot.
    expect(line!.inventory).toMatchObject({ expiryTier: 'red', remainingDays: 20, remainingFraction: 0.2, channel: 'default' });
  });

  it('skips lots below the minimum fraction and says so in the stock finding', () => {
    const config = inventorySchema.parse({ minRemainingShelfLife: { products: { MLK: 0.6 } } });
    const lots = [...LOTS, lot(5, '2026-03-25', 3), lot(6, '2026-05-20', 0)];
    const plan = allocationPlan({ dealer, products, lots }, TODAY, config);
    const availability = plan.annotate(allocateOrder([{ lineNo: 1, sku: 'MLK', qty: 6 }], plan.lots, WH, plan.rules), WH);
    const line = availability[0]!;
    expect(line.allocations.map((a) => [a.lot, a.qty])).toEqual([['L3', 4]]);
    expect(line.shortfall).toBe(2);
    // 5 + 3 + 4 + 9 (expired) + 3 = 24 free units; 9 expired, 11 below 60%, 4 eligible.
    expect(line.inventory!.explanation).toMatchObject({ inStock: 24, expired: 9, belowMinShelfLife: 11, eligible: 4, minShelfLife: { fraction: 0.6, days: 0 } });
    const [finding] = stockRule({ availability, lines: [], policy: { stockPolicy: 'hold', overdueToleranceDays: 30 } } as never, TODAY);
    expect(finding!.message.en).toBe('Line 1 MLK is short: 6 requested, 4 available, 2 missing (warehouse WH1); 24 in stock but only 4 with ≥ 60% shelf life (9 expired)');
    expect(finding!.message['zh-CN']).toContain('库存 24，其中满足剩余保质期 ≥ 60%的仅 4');
  });

  it('takes the strictest minimum of default, dealer, channel and product', () => {
    const config = inventorySchema.parse({
      minRemainingShelfLife: { default: 0.1, dealers: { D1: 0.3 } },
      channels: { premium: { tiers: ['A'], minRemainingShelfLife: 0.55 } },
    });
    const plan = allocationPlan({ dealer, products, lots: LOTS }, TODAY, config);
    expect(plan.channel).toBe('premium');
    const [line] = allocateOrder([{ lineNo: 1, sku: 'MLK', qty: 10 }], plan.lots, WH, plan.rules);
    expect(line!.allocations.map((a) => a.lot)).toEqual(['L3']);
  });

  it('caps a channel at its quota and explains the channel ATP', () => {
    const config = inventorySchema.parse({ channels: { chain: { tiers: ['A'], quota: { maxQty: 10 } }, shop: { tiers: ['B'], safetyStock: 2 } } });
    // The chain already holds 4 reserved in WH1; the shop none (its ring-fence of 2 is whole).
    const usage = new Map([[usageKey('MLK', 'WH1'), new Map([['chain', 4]])]]);
    const plan = allocationPlan({ dealer, products, lots: LOTS, channelUsage: usage }, TODAY, config);
    const [line] = plan.annotate(allocateOrder([{ lineNo: 1, sku: 'MLK', qty: 12 }], plan.lots, WH, plan.rules), WH);
    expect(line!.available).toBe(6);
    expect(line!.allocations.map((a) => [a.lot, a.qty])).toEqual([['L1', 5], ['L2', 1]]);
    expect(line!.inventory!.explanation!.channelAtp).toEqual({
      channel: 'chain', pool: 12, poolTotal: 16, quota: 10, reservedByChannel: 4, reservedByOthers: 0, fencedForOthers: 2, available: 6,
    });
    expect(explanationText(line!.inventory!.explanation).en).toBe(
      '; 21 in stock, 9 of it expired; channel chain may take 6 of the pool of 12, quota 10, 4 reserved by the channel, 0 by others, 2 ring-fenced for other channels',
    );
    // The other channel may take everything but nothing of its own is fenced from it: 12.
    const shop = allocationPlan({ dealer: { ...dealer, tier: 'B' }, products, lots: LOTS, channelUsage: usage }, TODAY, config);
    const [other] = allocateOrder([{ lineNo: 1, sku: 'MLK', qty: 12 }], shop.lots, WH, shop.rules);
    expect(other!.shortfall).toBe(0);
  });

  it('counts earlier lines of the same order against the quota', () => {
    const config = inventorySchema.parse({ channels: { chain: { tiers: ['A'], quota: { maxQty: 7 } } } });
    const plan = allocationPlan({ dealer, products, lots: LOTS, channelUsage: new Map() }, TODAY, config);
    const [first, gift] = allocateOrder([{ lineNo: 1, sku: 'MLK', qty: 5 }, { lineNo: 2, sku: 'MLK', qty: 5 }], plan.lots, WH, plan.rules);
    expect(first!.shortfall).toBe(0);
    expect(gift!.allocations.reduce((s, a) => s + a.qty, 0)).toBe(2);
  });
});
