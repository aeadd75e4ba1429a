import { describe, expect, it } from 'vitest';
import { isAuthorised, regionCovers, sharedRegionLevels, significantRegion } from './region.js';
import type { RegionAuthorisation } from './types.js';

describe('regionCovers', () => {
  it.each([
    ['44', '440305', true, 'province covers its district'],
    ['44', '4403', true, 'province covers its city'],
    ['440000', '440305', true, 'padded province covers its district'],
    ['4403', '440305', true, 'city covers its district'],
    ['440300', '440305', true, 'padded city covers its district'],
    ['440305', '440305', true, 'district covers itself'],
    ['4403', '440105', false, 'city does not cover another city'],
    ['4401', '4403', false, 'city does not cover another city'],
    ['440305', '4403', false, 'district does not cover its city'],
    ['45', '440305', false, 'other province'],
    ['4', '440305', false, 'malformed code'],
    ['44', 'abc', false, 'malformed target'],
  ])('%s covers %s → %s (%s)', (authorised, region, expected) => {
    expect(regionCovers(authorised, region)).toBe(expected);
  });
});

describe('significantRegion / sharedRegionLevels', () => {
  it.each([
    ['440000', '44'],
    ['440300', '4403'],
    ['440305', '440305'],
    ['4403', '4403'],
    ['000000', null],
    ['12345', null],
  ])('%s → %s', (code, sig) => expect(significantRegion(code)).toBe(sig));

  it.each([
    ['440305', '440305', 3],
    ['440305', '440306', 2],
    ['440305', '440100', 1],
    ['440305', '310000', 0],
  ])('%s vs %s share %d levels', (a, b, n) => expect(sharedRegionLevels(a, b)).toBe(n));
});

describe('isAuthorised', () => {
  const auth = (regionCode: string, validFrom: string, validTo: string | null): RegionAuthorisation => ({ regionCode, validFrom, validTo });
  const today = '2025-06-15';

  it.each([
    ['covered, open-ended', [auth('44', '2024-01-01', null)], '440305', true],
    ['expired authorisation', [auth('44', '2024-01-01', '2025-06-14')], '440305', false],
    ['last valid day is inclusive', [auth('44', '2024-01-01', '2025-06-15')], '440305', true],
    ['first valid day is inclusive', [auth('44', '2025-06-15', null)], '440305', true],
    ['not yet valid', [auth('44', '2025-06-16', null)], '440305', false],
    ['other city', [auth('4401', '2024-01-01', null)], '440305', false],
    ['no authorisations', [], '440305', false],
  ])('%s', (_name, auths, region, expected) => {
    expect(isAuthorised(region, auths, today).authorised).toBe(expected);
  });

  it('names the most specific authorisation that applied', () => {
    const result = isAuthorised('440305', [auth('44', '2024-01-01', null), auth('4403', '2024-01-01', null)], today);
    expect(result).toEqual({ authorised: true, by: auth('4403', '2024-01-01', null) });
  });
});
