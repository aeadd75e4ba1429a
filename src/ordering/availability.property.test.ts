import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateOrder, chooseWarehouse } from './availability.js';
import type { LotFacts, WarehouseFacts } from './types.js';

const today = '2025-06-01';
const codes = ['A', 'B', 'C'] as const;
const skus = ['S1', 'S2'] as const;

const lotArb = fc.record({
  sku: fc.constantFrom(...skus),
  warehouseCode: fc.constantFrom(...codes),
  expiryOffset: fc.option(fc.integer({ min: -30, max: 365 }), { nil: null }),
  onHand: fc.integer({ min: 0, max: 100 }),
  reserved: fc.integer({ min: 0, max: 120 }),
});

const scenarioArb = fc.record({
  lots: fc.array(lotArb, { maxLength: 12 }),
  safety: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 3, maxLength: 3 }),
  lines: fc.array(fc.record({ sku: fc.constantFrom(...skus), qty: fc.integer({ min: 0, max: 200 }) }), { minLength: 1, maxLength: 4 }),
  minRemainingDays: fc.integer({ min: 0, max: 60 }),
});

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

describe('allocation properties', () => {
  it('never over-allocates, accounts for every unit, never ships an expired lot', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const lots: LotFacts[] = s.lots.map((l, i) => ({
          lotId: i + 1,
          sku: l.sku,
          warehouseCode: l.warehouseCode,
          lot: `L${i + 1}`,
          expiryDate: l.expiryOffset === null ? null : addDays(today, l.expiryOffset),
          productionDate: null,
          onHand: l.onHand,
          reserved: l.reserved,
        }));
        const warehouses: WarehouseFacts[] = codes.map((code, i) => ({
          code,
          regionCode: '440300',
          priority: i,
          safetyStock: { S1: s.safety[i]!, S2: s.safety[i]! },
        }));
        const lines = s.lines.map((l, i) => ({ lineNo: i + 1, ...l }));
        const results = allocateOrder(lines, lots, chooseWarehouse('440305', warehouses), { minRemainingDays: s.minRemainingDays, today });

        const lotAtp = new Map(lots.map((l) => [l.lotId, Math.max(0, l.onHand - l.reserved)]));
        const perLot = new Map<number, number>();
        for (const r of results) {
          const allocated = r.allocations.reduce((sum, a) => sum + a.qty, 0);
          expect(allocated + r.shortfall).toBe(r.requested);
          expect(allocated).toBeLessThanOrEqual(r.available);
          for (const a of r.allocations) {
            const source = lots.find((l) => l.lotId === a.lotId)!;
            expect(a.qty).toBeGreaterThan(0);
            expect(source.sku).toBe(r.sku);
            expect(a.warehouseCode).toBe(r.warehouseCode); // one warehouse per line
            if (source.expiryDate !== null) expect(source.expiryDate >= today).toBe(true);
            perLot.set(a.lotId, (perLot.get(a.lotId) ?? 0) + a.qty);
          }
        }
        for (const [lotId, qty] of perLot) expect(qty).toBeLessThanOrEqual(lotAtp.get(lotId)!);
        const totalAllocated = [...perLot.values()].reduce((a, b) => a + b, 0);
        const totalAtp = [...lotAtp.values()].reduce((a, b) => a + b, 0);
        expect(totalAllocated).toBeLessThanOrEqual(totalAtp);
        // Safety stock stays: per SKU × warehouse, allocations never dip into it.
        for (const w of warehouses) {
          for (const sku of skus) {
            const atp = lots.filter((l) => l.sku === sku && l.warehouseCode === w.code).reduce((a, l) => a + lotAtp.get(l.lotId)!, 0);
            const used = results.flatMap((r) => r.allocations).filter((a) => a.warehouseCode === w.code && lots[a.lotId - 1]!.sku === sku).reduce((a, x) => a + x.qty, 0);
            expect(used).toBeLessThanOrEqual(Math.max(0, atp - w.safetyStock[sku]!));
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
