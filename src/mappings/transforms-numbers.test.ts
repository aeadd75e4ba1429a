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

describe('number transforms', () => {
  it.each<[TransformCall, unknown, unknown]>([
    ['toInt', '150.000', 150],
    ['toInt', ' 12 ', 12],
    ['toInt', 7, 7],
    ['toInt', '-3', -3],
    ['toInt', '5.000-', -5],
    ['toInt', '+4', 4],
    ['toDecimal', '12.50', '12.5'],
    ['toDecimal', 0.1, '0.1'],
    ['toDecimal', '-0.00', '0'],
    ['toDecimal', '0.1000000000000000000000000000001', '0.1000000000000000000000000000001'],
    [{ toDecimal: { scale: 2 } }, '12.345', '12.35'],
    [{ toDecimal: { scale: 2 } }, '-12.345', '-12.35'],
    [{ toDecimal: { scale: 2 } }, '7', '7.00'],
    [{ toDecimal: { scale: 0 } }, '2.5', '3'],
    [{ toDecimal: { decimalComma: true } }, '1.234,50', '1234.5'],
    [{ toDecimal: { decimalComma: true, scale: 2 } }, '12,5', '12.50'],
    ['toBoolean', 'X', true],
    ['toBoolean', 'yes', true],
    ['toBoolean', 'N', false],
    ['toBoolean', 0, false],
    ['toBoolean', true, true],
    [{ toBoolean: { sapFlag: true } }, '', false],
    [{ toBoolean: { sapFlag: true } }, 'X', true],
    [{ multiply: 24 }, 12, 288],
    [{ multiply: 24 }, '1.5', '36'],
    [{ multiply: 0.1 }, '0.2', '0.02'],
    [{ divide: 4 }, '10', '2.5'],
    [{ divide: 1000 }, 1500, 1.5],
    [{ convertUnit: { from: 'KG', to: 'G' } }, '1.25', '1250'],
    [{ convertUnit: { from: 'g', to: 'kg' } }, 250, 0.25],
    [{ convertUnit: { from: 'L', to: 'ML' } }, '2', '2000'],
    [{ convertUnit: { from: 'T', to: 'KG' } }, 3, 3000],
  ])('%j(%j) → %j', (call, value, expected) => {
    expect(run(call, value)).toEqual(expected);
  });

  it.each<[TransformCall, unknown, string]>([
    ['toInt', '12a', '"12a" is not a whole number'],
    ['toInt', '12.5', '"12.5" is not a whole number'],
    ['toInt', 1.5, '1.5 is not a whole number'],
    ['toInt', '1e3', '"1e3" is not a whole number'],
    ['toInt', '99999999999999999999', '"99999999999999999999" is too large for a whole number'],
    ['toInt', true, 'true is not a whole number'],
    ['toDecimal', '1,234.50', '"1,234.50" is not a decimal number'],
    ['toDecimal', 'abc', '"abc" is not a decimal number'],
    ['toDecimal', Number.NaN, 'NaN is not a decimal number'],
    [{ toDecimal: { decimalComma: true } }, '1,234.50', '"1,234.50" is not a decimal number (decimal comma: 1.234,50)'],
    ['toBoolean', 'maybe', '"maybe" is not a yes/no value (true/false, 1/0, yes/no, Y/N, X)'],
    ['toBoolean', 2, '2 is not a yes/no value (true/false, 1/0, yes/no, Y/N, X)'],
    [{ multiply: 2 }, 'x', '"x" is not a number'],
  ])('%j(%j) is an issue', (call, value, message) => {
    expect(run(call, value)).toEqual({ issue: message });
  });

  it.each<[TransformCall, string]>([
    [{ convertUnit: { from: 'CS', to: 'EA' } }, 'no fixed factor for unit "CS"'],
    [{ convertUnit: { from: 'KG', to: 'L' } }, 'cannot convert KG (mass) to L (volume)'],
    [{ divide: 0 }, 'expected a non-zero number'],
    [{ toDecimal: { scale: -1 } }, 'scale'],
    [{ toDecimal: { precision: 2 } }, 'Unrecognized key'],
  ])('%j is a spec error', (call, message) => {
    expect(() => run(call, '1')).toThrow(message);
  });
});
