/**
 * China's administrative region codes are hierarchical: 44 (province) → 4403 (city) → 440305
 * (district). The official 6-digit form pads higher levels with zeros (440000, 440300), so both
 * forms are accepted and compared by their significant digits.
 */
import type { RegionAuthorisation } from './types.js';

const CODE = /^\d{2}(?:\d{2}){0,2}$/;

/**
 * The significant digits of a region code ('440300' → '4403', '44' → '44'), or null when the
 * string is not a 2/4/6-digit code. Trailing '00' pairs are padding, never a level of their own.
 */
export function significantRegion(code: string): string | null {
  const trimmed = code.trim();
  if (!CODE.test(trimmed)) return null;
  let sig = trimmed;
  while (sig.length > 2 && sig.endsWith('00')) sig = sig.slice(0, -2);
  return sig === '00' ? null : sig;
}

/** True when `regionCode` lies inside `authorised` (a province covers its cities and districts). */
export function regionCovers(authorised: string, regionCode: string): boolean {
  const outer = significantRegion(authorised);
  const inner = significantRegion(regionCode);
  if (outer === null || inner === null) return false;
  return inner.startsWith(outer);
}

/** How many levels (0–3: province, city, district) two region codes share. */
export function sharedRegionLevels(a: string, b: string): number {
  const x = significantRegion(a);
  const y = significantRegion(b);
  if (x === null || y === null) return 0;
  let levels = 0;
  for (let i = 0; i + 2 <= Math.min(x.length, y.length); i += 2) {
    if (x.slice(i, i + 2) !== y.slice(i, i + 2)) break;
    levels += 1;
  }
  return levels;
}

/** Whether an authorisation is in force on `today` ('YYYY-MM-DD'); both bounds are inclusive. */
export function authorisationValidOn(auth: RegionAuthorisation, today: string): boolean {
  return auth.validFrom <= today && (auth.validTo === null || today <= auth.validTo);
}

/**
 * Whether a ship-to region is covered by an authorisation in force today. `by` is the most
 * specific covering authorisation, so explanations name the narrowest grant that applied.
 */
export function isAuthorised(
  regionCode: string,
  authorisations: RegionAuthorisation[],
  today: string,
): { authorised: boolean; by?: RegionAuthorisation } {
  let by: RegionAuthorisation | undefined;
  for (const auth of authorisations) {
    if (!authorisationValidOn(auth, today) || !regionCovers(auth.regionCode, regionCode)) continue;
    const depth = significantRegion(auth.regionCode)!.length;
    if (by === undefined || depth > significantRegion(by.regionCode)!.length) by = auth;
  }
  return by === undefined ? { authorised: false } : { authorised: true, by };
}
