/**
 * Availability and FEFO lot allocation. ATP of a lot = onHand − reserved (never negative); the
 * warehouse's safety stock for the SKU is held back from the freshest lots, so the oldest stock
 * ships first and the safety buffer is the longest-lived. A line ships from one warehouse only.
 */
import { meetsMinFraction } from '../inventory/shelf-life.js';
import { sharedRegionLevels } from './region.js';
import type { Allocation, LineAvailability, LotFacts, WarehouseFacts } from './types.js';

export interface AllocationRules {
  /** Lots with fewer days left (expiry − today) are not offered; 0 allows a lot expiring today. */
  minRemainingDays: number;
  /** 'YYYY-MM-DD' in the business's time zone. */
  today: string;
  /** Lots with less than this fraction of their total life left are not offered (issue 8; unset: none). */
  minRemainingFraction?: number;
  /** The product's shelf life, the total life of lots without a production date. */
  shelfLifeDays?: number | null;
  /** Caps what may be taken from one warehouse (channel quotas, src/inventory), given its offered lots. */
  limit?: (sku: string, warehouseCode: string, offered: ReadonlyArray<{ lot: LotFacts; atp: number }>) => number;
}

export interface LineToAllocate {
  lineNo: number;
  sku: string;
  qty: number;
}

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to`, both 'YYYY-MM-DD' (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/**
 * Warehouses in preference order for a ship-to region: the longest shared region prefix first
 * (district > city > province), then the configured fallback order, then priority, then code.
 */
export function chooseWarehouse(shipToRegion: string, warehouses: WarehouseFacts[], fallbackOrder: string[] = []): WarehouseFacts[] {
  const fallbackRank = (code: string): number => {
    const i = fallbackOrder.indexOf(code);
    return i === -1 ? fallbackOrder.length : i;
  };
  return warehouses
    .map((w) => ({ w, levels: sharedRegionLevels(shipToRegion, w.regionCode), rank: fallbackRank(w.code) }))
    .sort(
      (a, b) =>
        b.levels - a.levels ||
        a.rank - b.rank ||
        a.w.priority - b.w.priority ||
        (a.w.code < b.w.code ? -1 : a.w.code > b.w.code ? 1 : 0),
    )
    .map((x) => x.w);
}

function fefoCompare(a: LotFacts, b: LotFacts): number {
  if (a.expiryDate !== b.expiryDate) {
    if (a.expiryDate === null) return 1;
    if (b.expiryDate === null) return -1;
    return a.expiryDate < b.expiryDate ? -1 : 1;
  }
  return a.lot < b.lot ? -1 : a.lot > b.lot ? 1 : a.lotId - b.lotId;
}

function lotIsOffered(lot: LotFacts, rules: AllocationRules): boolean {
  if (lot.expiryDate === null) return true;
  if (lot.expiryDate < rules.today) return false;
  if (rules.minRemainingFraction && !meetsMinFraction(lot, rules.shelfLifeDays, rules.today, rules.minRemainingFraction)) return false;
  return daysBetween(rules.today, lot.expiryDate) >= rules.minRemainingDays;
}

interface LotAtp {
  lot: LotFacts;
  atp: number;
}

/** The offered lots of one SKU in one warehouse in FEFO order, with safety stock already held back. */
export function warehouseAtp(sku: string, warehouse: WarehouseFacts, lots: LotFacts[], rules: AllocationRules): LotAtp[] {
  const offered = lots
    .filter((l) => l.sku === sku && l.warehouseCode === warehouse.code && lotIsOffered(l, rules))
    .sort(fefoCompare)
    .map((lot) => ({ lot, atp: Math.max(0, lot.onHand - lot.reserved) }));
  let safety = Math.max(0, warehouse.safetyStock[sku] ?? 0);
  for (let i = offered.length - 1; i >= 0 && safety > 0; i -= 1) {
    const entry = offered[i]!;
    const held = Math.min(entry.atp, safety);
    entry.atp -= held;
    safety -= held;
  }
  // A channel's cap is held back from the freshest lots too, so what it may take is the oldest.
  let over = rules.limit ? offered.reduce((s, e) => s + e.atp, 0) - Math.max(0, rules.limit(sku, warehouse.code, offered)) : 0;
  for (let i = offered.length - 1; i >= 0 && over > 0; i -= 1) {
    const entry = offered[i]!;
    const held = Math.min(entry.atp, over);
    entry.atp -= held;
    over -= held;
  }
  return offered.filter((e) => e.atp > 0);
}

function take(lots: LotAtp[], qty: number): Allocation[] {
  const allocations: Allocation[] = [];
  let left = qty;
  for (const { lot, atp } of lots) {
    if (left <= 0) break;
    const n = Math.min(atp, left);
    allocations.push({ lotId: lot.lotId, lot: lot.lot, warehouseCode: lot.warehouseCode, expiryDate: lot.expiryDate, qty: n });
    left -= n;
  }
  return allocations;
}

/**
 * Allocates one line FEFO from the first warehouse (in the given preference order) that can
 * serve it fully; failing that, from the one with the most ATP (earlier preference wins ties),
 * reporting the shortfall. `warehouseCode` is null only when there is no warehouse at all.
 */
export function allocateLine(line: LineToAllocate, lots: LotFacts[], warehouses: WarehouseFacts[], rules: AllocationRules): LineAvailability {
  const qty = Math.max(0, line.qty);
  let best: { warehouse: WarehouseFacts; lots: LotAtp[]; available: number } | undefined;
  for (const warehouse of warehouses) {
    const offered = warehouseAtp(line.sku, warehouse, lots, rules);
    const available = offered.reduce((s, e) => s + e.atp, 0);
    if (available >= qty) {
      best = { warehouse, lots: offered, available };
      break;
    }
    if (best === undefined || available > best.available) best = { warehouse, lots: offered, available };
  }
  if (best === undefined) {
    return { lineNo: line.lineNo, sku: line.sku, requested: qty, available: 0, warehouseCode: null, allocations: [], shortfall: qty };
  }
  const allocations = take(best.lots, qty);
  const allocated = allocations.reduce((s, a) => s + a.qty, 0);
  return {
    lineNo: line.lineNo,
    sku: line.sku,
    requested: qty,
    available: best.available,
    warehouseCode: best.warehouse.code,
    allocations,
    shortfall: qty - allocated,
  };
}

/**
 * Allocates lines in order; what an earlier line takes from a lot is no longer there for later
 * lines (a gift line can share its SKU with an ordered line). `rules` may differ per line.
 */
export function allocateOrder<L extends LineToAllocate>(
  lines: L[],
  lots: LotFacts[],
  warehouses: WarehouseFacts[],
  rules: AllocationRules | ((line: L) => AllocationRules),
): LineAvailability[] {
  const taken = new Map<number, number>();
  return lines.map((line) => {
    const remaining = taken.size === 0 ? lots : lots.map((l) => (taken.has(l.lotId) ? { ...l, reserved: l.reserved + taken.get(l.lotId)! } : l));
    const result = allocateLine(line, remaining, warehouses, typeof rules === 'function' ? rules(line) : rules);
    for (const a of result.allocations) taken.set(a.lotId, (taken.get(a.lotId) ?? 0) + a.qty);
    return result;
  });
}
