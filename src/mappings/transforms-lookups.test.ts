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

const lookups = { plants: { '1010': 'WH-SZ', '1020': 'WH-CD' } };

describe('lookup transforms', () => {
  it.each<[TransformCall, unknown, unknown]>([
    [{ lookup: 'plants' }, '1010', 'WH-SZ'],
    [{ lookup: 'plants' }, 1020, 'WH-CD'],
    [{ lookup: { table: 'plants', default: 'WH-MAIN' } }, '1099', 'WH-MAIN'],
    [{ map: { A: 'active', B: 'inactive' } }, 'A', 'active'],
    [{ map: { true: 'suspended', false: 'active' } }, false, 'active'],
    [{ map: { '0': null } }, 0, null],
    [{ map: { '0': null } }, 365, 365],
    [{ oneOf: ['CNY', 'USD'] }, 'USD', 'USD'],
    [{ oneOf: [1, 2] }, 2, 2],
  ])('%j(%j) → %j', (call, value, expected) => {
    expect(run(call, value, lookups)).toEqual(expected);
  });

  it.each<[TransformCall, unknown, string]>([
    [{ lookup: 'plants' }, '1099', 'unknown value "1099" in lookup plants'],
    [{ oneOf: ['CNY', 'USD'] }, 'EUR', '"EUR" is not one of CNY, USD'],
  ])('%j(%j) is an issue', (call, value, message) => {
    expect(run(call, value, lookups)).toEqual({ issue: message });
  });

  it('a missing table is a spec error', () => {
    expect(() => run({ lookup: 'tiers' }, 'A', lookups)).toThrow('table "tiers" is not defined in lookups (defined: plants)');
  });
});
