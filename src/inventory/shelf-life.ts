/**
 * Shelf life of a lot, as pure functions of plain dates: the effective expiry (given, or
 * production + the product's shelf life), remaining days and remaining fraction of total life on
 * a business day, and the expiry tier those give. Dates are 'YYYY-MM-DD' in the ordering time
 * zone; callers turn `now` into that day with businessDate().
 */
import type { TierThresholds } from '../core/config/schema-inventory.js';

/** Worst first; `null` (no tier) is better than blue. */
export type ExpiryTier = 'expired' | 'red' | 'yellow' | 'blue';
export const TIER_ORDER: ReadonlyArray<ExpiryTier | 'none'> = ['expired', 'red', 'yellow', 'blue', 'none'];

export interface LotDates {
  expiryDate: string | null;
  productionDate: string | null;
}

export interface ShelfLife {
  expiryDate: string | null;
  /** expiry − production, else the product's shelf-life days; null when neither is known. */
  totalDays: number | null;
  /** expiry − today (negative once expired); null without an expiry. */
  remainingDays: number | null;
  /** remainingDays / totalDays clamped to 0…1, rounded to 4 places; null when either is unknown. */
  remainingFraction: number | null;
  tier: ExpiryTier | null;
}

const DAY_MS = 86_400_000;
// Thresholds like 1/3 are not exact in binary; a lot exactly on a boundary counts as above it.
const EPSILON = 1e-9;

function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function addDays(date: string, days: number): string {
  return new Date((dayNumber(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** The lot's own expiry, else production + shelf life, else null (the lot never expires). */
export function effectiveExpiry(lot: LotDates, shelfLifeDays: number | null | undefined): string | null {
  if (lot.expiryDate !== null) return lot.expiryDate;
  if (lot.productionDate !== null && shelfLifeDays != null && shelfLifeDays > 0) return addDays(lot.productionDate, shelfLifeDays);
  return null;
}

/** Strictly below a threshold falls into that tier: remaining < red × total is red, and so on. */
export function tierOf(remainingDays: number, totalDays: number | null, thresholds: TierThresholds): ExpiryTier | null {
  if (remainingDays < 0) return 'expired';
  if (totalDays === null || totalDays <= 0) return null;
  if (remainingDays < thresholds.red * totalDays - EPSILON) return 'red';
  if (remainingDays < thresholds.yellow * totalDays - EPSILON) return 'yellow';
  if (remainingDays < thresholds.blue * totalDays - EPSILON) return 'blue';
  return null;
}

export function shelfLife(lot: LotDates, shelfLifeDays: number | null | undefined, today: string, thresholds: TierThresholds): ShelfLife {
  const expiryDate = effectiveExpiry(lot, shelfLifeDays);
  if (expiryDate === null) return { expiryDate, totalDays: null, remainingDays: null, remainingFraction: null, tier: null };
  const totalDays = lot.productionDate !== null ? dayNumber(expiryDate) - dayNumber(lot.productionDate) : (shelfLifeDays ?? null);
  const remainingDays = dayNumber(expiryDate) - dayNumber(today);
  const remainingFraction = totalDays !== null && totalDays > 0 ? Math.round(Math.min(1, Math.max(0, remainingDays / totalDays)) * 10_000) / 10_000 : null;
  return { expiryDate, totalDays, remainingDays, remainingFraction, tier: tierOf(remainingDays, totalDays, thresholds) };
}

/** true when the lot keeps at least `minFraction` of its total life on `today` (unknown total life passes). */
export function meetsMinFraction(lot: LotDates, shelfLifeDays: number | null | undefined, today: string, minFraction: number): boolean {
  if (minFraction <= 0) return true;
  const expiry = effectiveExpiry(lot, shelfLifeDays);
  if (expiry === null) return true;
  const total = lot.productionDate !== null ? dayNumber(expiry) - dayNumber(lot.productionDate) : (shelfLifeDays ?? null);
  if (total === null || total <= 0) return true;
  return dayNumber(expiry) - dayNumber(today) >= minFraction * total - EPSILON;
}

/** The category's thresholds when configured, else the defaults. */
export function thresholdsFor(category: string | null | undefined, expiry: { tiers: TierThresholds; categories: Record<string, TierThresholds> }): TierThresholds {
  return (category != null ? expiry.categories[category] : undefined) ?? expiry.tiers;
}

/** true when `to` is a worse tier than `from` (no tier → blue → yellow → red → expired). */
export function isWorse(from: ExpiryTier | null, to: ExpiryTier | null): boolean {
  return TIER_ORDER.indexOf(to ?? 'none') < TIER_ORDER.indexOf(from ?? 'none');
}

/** The worst tier among several (a line's allocated lots), or null. */
export function worstTier(tiers: Array<ExpiryTier | null>): ExpiryTier | null {
  let worst: ExpiryTier | null = null;
  for (const t of tiers) if (isWorse(worst, t)) worst = t;
  return worst;
}
