import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMappingFile, parseMappingYaml } from './load.js';

const yaml = `
fields:
  sku:         { from: Material, transforms: [trim, stripLeadingZeros], required: true }
  warehouse_code: { from: Plant, transforms: [{ lookup: plants }] }
  shelf_life_days: { from: Days, transforms: [toInt, { map: { 0: null } }] }
  lot:         { from: Batch, default: NOLOT }
lookups:
  plants: { 1010: WH-SZ }
`;

describe('parseMappingYaml', () => {
  it('reads a mapping; numeric keys become text', () => {
    const { spec, errors } = parseMappingYaml(yaml);
    expect(errors).toEqual([]);
    expect(spec?.lookups).toEqual({ plants: { '1010': 'WH-SZ' } });
    expect(spec?.fields.shelf_life_days).toEqual({ from: 'Days', transforms: ['toInt', { map: { '0': null } }] });
  });

  it('reports YAML syntax errors with their position', () => {
    expect(parseMappingYaml('fields:\n  sku: [').errors[0]).toMatch(/line 2, column \d+/);
  });

  it('loadMappingFile throws with every error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mapping-'));
    const good = join(dir, 'good.yaml');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(good, yaml);
    writeFileSync(bad, 'fields:\n  a: { from: a, transforms: [toInteger] }\n');
    expect(loadMappingFile(good).fields.sku).toMatchObject({ from: 'Material' });
    expect(() => loadMappingFile(bad)).toThrow('fields.a.transforms[0]: unknown transform "toInteger" (did you mean "toInt"?)');
  });
});
