import { describe, expect, it } from 'vitest';
import { mergeMappings } from './merge.js';
import type { MappingSpec } from './types.js';

const base: MappingSpec = {
  fields: { sku: { from: 'Material', transforms: ['trim'], required: true }, lot: { from: 'Batch', default: 'NOLOT' }, plant: 'Plant' },
  lookups: { plants: { '1010': 'WH-SZ', '1020': 'WH-CD' }, tiers: { A: 'gold' } },
};

describe('mergeMappings', () => {
  it('no override is the base itself', () => {
    expect(mergeMappings(base, undefined)).toBe(base);
    expect(mergeMappings(base, {})).toBe(base);
  });

  it('replaces whole fields, removes null ones, adds new ones', () => {
    const merged = mergeMappings(base, { fields: { sku: { from: 'Product' }, lot: null, name: 'Description' } });
    expect(merged.fields).toEqual({ sku: { from: 'Product' }, plant: 'Plant', name: 'Description' });
    expect(merged.lookups).toEqual(base.lookups);
    expect(base.fields.lot).toEqual({ from: 'Batch', default: 'NOLOT' });
  });

  it('replaces lookup tables by name', () => {
    const merged = mergeMappings(base, { lookups: { plants: { '3000': 'WH-BJ' } } });
    expect(merged.lookups).toEqual({ plants: { '3000': 'WH-BJ' }, tiers: { A: 'gold' } });
    expect(merged.fields).toEqual(base.fields);
  });
});
