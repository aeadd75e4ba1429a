import { describe, expect, it } from 'vitest';
import { allocateLine, allocateOrder, chooseWarehouse, daysBetween } from './availability.js';
import type { LotFacts, WarehouseFacts } from './types.js';

const today = '2025-06-01';
const rules = { minRemainingDays: 0, today };

const wh = (code: string, regionCode: string, priority = 10, safetyStock: Record<string, number> = {}): WarehouseFacts => ({
  code,
  regionCode,
  priority,
  safetyStock,
});

let nextId = 1;
const lot = (warehouseCode: string, name: string, expiryDate: string | null, onHand: number, reserved = 0, sku = 'MLK'): LotFacts => ({
  lotId: nextId++,
  sku,
  warehouseCode,
  lot: name,
  expiryDate,
  productionDate: null,
  onHand,
  reserved,
});

const taken = (r: { allocations: Array<{ lot: string; qty: number }> }) => r.allocations.map((a) => [a.lot, a.qty]);

describe('daysBetween', () => {
  it.each([
    ['2025-06-01', '2025-06-01', 0],
    ['2025-06-01', '2025-07-01', 30],
    ['2025-03-01', '2025-02-28', -1],
  ])('%s → %s = %d', (a, b, n) => expect(daysBetween(a, b)).toBe(n));
});

describe('chooseWarehouse', () => {
  const warehouses = [wh('WH-BJ', '110000', 1), wh('WH-GZ', '440100', 5), wh('WH-SZ', '440300', 8), wh('WH-NS', '440305', 9), wh('WH-SH', '310000', 2)];
  it.each([
    ['same district first, then same city, then province', '440305', [], ['WH-NS', 'WH-SZ', 'WH-GZ', 'WH-BJ', 'WH-SH']],
    ['same city before province', '440306', [], ['WH-SZ', 'WH-NS', 'WH-GZ', 'WH-BJ', 'WH-SH']],
    ['no region match: fallback order, then priority', '510100', ['WH-SH', 'WH-GZ'], ['WH-SH', 'WH-GZ', 'WH-BJ', 'WH-SZ', 'WH-NS']],
    ['region beats fallback', '440100', ['WH-SH'], ['WH-GZ', 'WH-SZ', 'WH-NS', 'WH-SH', 'WH-BJ']],
    ['no region match, no fallback: priority', '510100', [], ['WH-BJ', 'WH-SH', 'WH-GZ', 'WH-SZ', 'WH-NS']],
  ])('%s', (_name, region, fallback, expected) => {
    expect(chooseWarehouse(region, warehouses, fallback).map((w) => w.code)).toEqual(expected);
  });

  it('equal on everything else: by code, and the input is not reordered', () => {
    const input = [wh('Z', '440300', 1), wh('M', '440300', 1)];
    expect(chooseWarehouse('440305', input).map((w) => w.code)).toEqual(['M', 'Z']);
    expect(input.map((w) => w.code)).toEqual(['Z', 'M']);
  });
});

describe('allocateLine', () => {
  const A = wh('A', '440300');
  const B = wh('B', '440100');

  it('takes lots FEFO: earliest expiry first, no-expiry last, lot code breaks ties', () => {
    const lots = [lot('A', 'L-NONE', null, 10), lot('A', 'L-B', '2025-09-01', 5), lot('A', 'L-LATE', '2025-12-01', 5), lot('A', 'L-A', '2025-09-01', 5)];
    const r = allocateLine({ lineNo: 1, sku: 'MLK', qty: 22 }, lots, [A], rules);
    expect(taken(r)).toEqual([['L-A', 5], ['L-B', 5], ['L-LATE', 5], ['L-NONE', 7]]);
    expect(r).toMatchObject({ available: 25, warehouseCode: 'A', shortfall: 0, requested: 22 });
  });

  it.each([
    ['expired lot skipped', '2025-05-31', 0, 0],
    ['lot expiring today is still offered', '2025-06-01', 0, 10],
    ['short shelf life skipped (29 < 30 days)', '2025-06-30', 30, 0],
    ['exactly the minimum remaining days is offered', '2025-07-01', 30, 10],
  ])('%s', (_name, expiry, minRemainingDays, available) => {
    const r = allocateLine({ lineNo: 1, sku: 'MLK', qty: 5 }, [lot('A', 'L1', expiry, 10)], [A], { minRemainingDays, today });
    expect(r.available).toBe(available);
  });

  it('ATP = onHand − reserved, never negative', () => {
    const lots = [lot('A', 'L1', '2025-09-01', 10, 12), lot('A', 'L2', '2025-10-01', 10, 4)];
    const r = allocateLine({ lineNo: 1, sku: 'MLK', qty: 6 }, lots, [A], rules);
    expect(r.available).toBe(6);
    expect(taken(r)).toEqual([['L2', 6]]);
  });

  it('holds safety stock back from the freshest lots', () => {
    const S = wh('S', '440300', 1, { MLK: 12 });
    const lots = [lot('S', 'OLD', '2025-08-01', 10), lot('S', 'MID', '2025-09-01', 10), lot('S', 'NEW', '2025-10-01', 10)];
    const r = allocateLine({ lineNo: 1, sku: 'MLK', qty: 18 }, lots, [S], rules);
    expect(r).toMatchObject({ available: 18, shortfall: 0 });
    expect(taken(r)).toEqual([['OLD', 10], ['MID', 8]]);
  });

  it('serves from the first warehouse that can serve the line fully', () => {
    const lots = [lot('A', 'A1', '2025-09-01', 5), lot('B', 'B1', '2025-09-01', 50)];
    const r = allocateLine({ lineNo: 1, sku: 'MLK', qty: 20 }, lots, [A, B], rules);
    expect(r).toMatchObject({ warehouseCode: 'B', available: 50, shortfall: 0 });
    expect(taken(r)).toEqual([['B1', 20]]);
  });

  it('never splits across warehouses: the one with most ATP, with a shortfall', () => {
    const lots = [lot('A', 'A1', '2025-09-01', 30), lot('B', 'B1', '2025-09-01', 80)];
    const r = allocateLine({ lineNo: 2, sku: 'MLK', qty: 120 }, lots, [A, B], rules);
    expect(r).toMatchObject({ lineNo: 2, warehouseCode: 'B', requested: 120, available: 80, shortfall: 40 });
    expect(taken(r)).toEqual([['B1', 80]]);
  });

  it('nothing anywhere: the preferred warehouse, all short', () => {
    const r = allocateLine({ lineNo: 1, sku: 'MLK', qty: 3 }, [lot('B', 'B1', '2025-09-01', 9, 0, 'OTHER')], [A, B], rules);
    expect(r).toMatchObject({ warehouseCode: 'A', available: 0, shortfall: 3, allocations: [] });
  });

  it('no warehouses at all', () => {
    expect(allocateLine({ lineNo: 1, sku: 'MLK', qty: 3 }, [], [], rules)).toMatchObject({ warehouseCode: null, shortfall: 3 });
  });
});

describe('allocateOrder', () => {
  it('later lines see what earlier lines took', () => {
    const lots = [lot('A', 'L1', '2025-09-01', 10), lot('A', 'L2', '2025-10-01', 10)];
    const [first, second] = allocateOrder(
      [
        { lineNo: 1, sku: 'MLK', qty: 15 },
        { lineNo: 2, sku: 'MLK', qty: 8 },
      ],
      lots,
      [wh('A', '440300')],
      rules,
    );
    expect(taken(first!)).toEqual([['L1', 10], ['L2', 5]]);
    expect(second).toMatchObject({ available: 5, shortfall: 3 });
    expect(taken(second!)).toEqual([['L2', 5]]);
  });
});
