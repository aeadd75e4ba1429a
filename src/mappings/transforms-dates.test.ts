import { describe, expect, it } from 'vitest';
import { TransformFailure } from './transform-kit.js';
import { resolveTransform } from './transforms.js';
import type { TransformCall } from './types.js';

/** The transform's output, or `{ issue }` for a data problem; a spec error throws. */
function run(call: TransformCall, value: unknown, lookups: Record<string, Record<string, unknown>> = {}, context = {}): unknown {
  const resolved = resolveTransform(call, { lookups });
  if (typeof resolved === 'string') throw new Error(resolved);
  const out = resolved.run(value, context);
  return out instanceof TransformFailure ? { issue: out.message } : out;
}

// 2026-03-01 20:00 UTC is already 2026-03-02 in Shanghai.
const now = new Date('2026-03-01T20:00:00Z');

describe('date transforms', () => {
  it.each<[TransformCall, unknown, unknown]>([
    ['sapDate', '/Date(1767225600000)/', '2026-01-01'],
    ['sapDate', '/Date(1767196800000+0480)/', '2026-01-01'],
    ['sapDate', '/Date(1767225600000-0060)/', '2025-12-31'],
    ['sapDate', '2026-03-01T00:00:00', '2026-03-01'],
    ['sapDate', '2026-03-01T23:30:00+08:00', '2026-03-01'],
    ['sapDate', '20260301', '2026-03-01'],
    ['sapDate', '00000000', null],
    [{ date: 'YYYYMMDD' }, 20260301, '2026-03-01'],
    [{ date: 'YYYY-MM-DD' }, '2026-03-01', '2026-03-01'],
    [{ date: 'YYYY-MM-DD' }, '2026-03-01 00:00:00', '2026-03-01'],
    [{ date: 'DD.MM.YYYY' }, '1.3.2026', '2026-03-01'],
    [{ date: 'MM/DD/YYYY' }, '03/01/2026', '2026-03-01'],
    [{ date: 'YYYY/MM/DD' }, '2026/03/01', '2026-03-01'],
    [{ date: 'DD.MM.YYYY' }, new Date('2026-03-01T00:00:00Z'), '2026-03-01'],
    ['excelDate', 46082, '2026-03-01'],
    ['excelDate', 46082.75, '2026-03-01'],
    ['excelDate', '46082', '2026-03-01'],
    ['excelDate', 1, '1900-01-01'],
    ['excelDate', 61, '1900-03-01'],
    ['excelDate', new Date('2026-03-01T00:00:00Z'), '2026-03-01'],
    ['excelDate', '2026-03-01', '2026-03-01'],
    ['relativeDate', 'today', '2026-03-02'],
    ['relativeDate', 'today+30', '2026-04-01'],
    ['relativeDate', 'today-10', '2026-02-20'],
    ['relativeDate', '2025-12-31', '2025-12-31'],
  ])('%j(%j) → %j', (call, value, expected) => {
    expect(run(call, value, {}, { now })).toEqual(expected);
  });

  it('relativeDate uses the context time zone', () => {
    expect(run('relativeDate', 'today', {}, { now, timeZone: 'UTC' })).toBe('2026-03-01');
    expect(run('relativeDate', 'today', {}, { now, timeZone: 'Mars/Base' })).toEqual({ issue: 'unknown time zone "Mars/Base"' });
  });

  it.each<[TransformCall, unknown, string]>([
    ['sapDate', '/Date(abc)/', '"/Date(abc)/" is not a date (expected /Date(ms)/, ISO or YYYYMMDD)'],
    ['sapDate', '20260230', '"20260230" is not a date (expected /Date(ms)/, ISO or YYYYMMDD)'],
    [{ date: 'DD.MM.YYYY' }, '2026-03-01', '"2026-03-01" is not a date (expected DD.MM.YYYY)'],
    [{ date: 'MM/DD/YYYY' }, '13/01/2026', '"13/01/2026" is not a date (expected MM/DD/YYYY)'],
    ['excelDate', 60, '60 is not a date (expected an Excel serial number, a Date or YYYY-MM-DD)'],
    ['excelDate', 'soon', '"soon" is not a date (expected an Excel serial number, a Date or YYYY-MM-DD)'],
    ['relativeDate', 'tomorrow', '"tomorrow" is not a date (expected today, today+N, today-N or YYYY-MM-DD)'],
  ])('%j(%j) is an issue', (call, value, message) => {
    expect(run(call, value, {}, { now })).toEqual({ issue: message });
  });
});
