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

describe('text transforms', () => {
  it.each<[TransformCall, unknown, unknown]>([
    ['trim', '  A1 ', 'A1'],
    ['trim', 12, '12'],
    ['upper', 'cny', 'CNY'],
    ['lower', 'ACTIVE', 'active'],
    ['stripLeadingZeros', '000000000000012345', '12345'],
    ['stripLeadingZeros', '0000', '0'],
    ['stripLeadingZeros', '0', '0'],
    ['stripLeadingZeros', '00A1', '00A1'],
    ['stripLeadingZeros', 42, '42'],
    ['toString', 12.5, '12.5'],
    ['toString', true, 'true'],
    ['toString', new Date('2026-01-01T00:00:00Z'), '2026-01-01T00:00:00.000Z'],
    ['nullIfEmpty', '  ', null],
    ['nullIfEmpty', 'x', 'x'],
    [{ replace: { pattern: '\\s+', with: ' ' } }, 'a   b  c', 'a b c'],
    [{ replace: { pattern: '-' } }, '1-2-3', '123'],
    [{ prefix: 'D' }, '001', 'D001'],
    [{ suffix: '-CN' }, 'A', 'A-CN'],
    [{ pad: { length: 6 } }, '123', '000123'],
    [{ pad: { length: 4, char: ' ', side: 'right' } }, 'ab', 'ab  '],
    [{ pad: { length: 2 } }, '12345', '12345'],
  ])('%j(%j) → %j', (call, value, expected) => {
    expect(run(call, value)).toEqual(expected);
  });

  it.each<[TransformCall, unknown, string]>([
    ['trim', { a: 1 }, 'an object is not text'],
    ['upper', ['a'], 'a list is not text'],
    ['toString', new Date('nope'), 'an invalid Date is not a date'],
  ])('%j(%j) is an issue', (call, value, message) => {
    expect(run(call, value)).toEqual({ issue: message });
  });
});
