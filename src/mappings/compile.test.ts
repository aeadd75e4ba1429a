import { describe, expect, it } from 'vitest';
import { applyMapping, compileMapping } from './compile.js';
import type { MappingSpec } from './types.js';

const now = new Date('2026-03-01T04:00:00Z');

describe('applyMapping', () => {
  it('maps an SAP stock record', () => {
    const spec: MappingSpec = {
      fields: {
        sku: { from: 'Material', transforms: ['trim', 'stripLeadingZeros'], required: true },
        warehouse_code: { from: 'Plant', transforms: ['trim', { lookup: 'plants' }], required: true },
        lot: { from: 'Batch', transforms: ['trim'], default: 'NOLOT' },
        on_hand: { from: 'MatlWrhsStkQtyInMatlBaseUnit', transforms: ['toInt'], required: true },
        expiry_date: { from: 'ShelfLifeExpirationDate', transforms: ['sapDate'] },
      },
      lookups: { plants: { '1010': 'WH-SZ' } },
    };
    const record = {
      Material: '000000000000012345',
      Plant: '1010',
      Batch: 'B1',
      MatlWrhsStkQtyInMatlBaseUnit: '150.000',
      ShelfLifeExpirationDate: '/Date(1767225600000)/',
    };
    expect(applyMapping(spec, record)).toEqual({
      value: { sku: '12345', warehouse_code: 'WH-SZ', lot: 'B1', on_hand: 150, expiry_date: '2026-01-01' },
      issues: [],
    });
    expect(applyMapping(spec, { ...record, Batch: '  ' }).value).toMatchObject({ lot: 'NOLOT' });
  });

  it.each<[string, MappingSpec['fields'][string], Record<string, unknown>, unknown]>([
    ['a bare string is a path', 'a.b', { a: { b: 'x' } }, 'x'],
    ['array index', { from: 'items[1].qty' }, { items: [{ qty: 1 }, { qty: 2 }] }, 2],
    ['nested index', { from: 'm[0][1]' }, { m: [[5, 6]] }, 6],
    ['first non-empty of several', { from: ['a', 'b', 'c'] }, { a: ' ', b: null, c: 'C' }, 'C'],
    ['first wins', { from: ['a', 'b'] }, { a: 'A', b: 'B' }, 'A'],
    ['zero is not empty', { from: 'n' }, { n: 0 }, 0],
    ['concat', { concat: ['Plant', 'Batch'] }, { Plant: '1010', Batch: 'B1' }, '1010-B1'],
    ['concat separator', { concat: ['a', 'b'], separator: '|' }, { a: 1, b: 2 }, '1|2'],
    ['constant', { value: 'CNY' }, {}, 'CNY'],
    ['default before transforms', { from: 'q', default: '3.000', transforms: ['toInt'] }, {}, 3],
    ['prototype keys are not read', { from: 'constructor', default: 'none' }, {}, 'none'],
  ])('%s', (_, rule, record, expected) => {
    expect(applyMapping({ fields: { out: rule } }, record)).toEqual({ value: { out: expected }, issues: [] });
  });

  it('omits a missing optional field; keeps an explicit null', () => {
    const spec: MappingSpec = { fields: { a: { from: 'a' }, b: { from: 'b', transforms: ['nullIfEmpty'] }, c: { from: 'c', transforms: ['trim'] } } };
    expect(applyMapping(spec, { b: '', c: '  ' })).toEqual({ value: { b: null }, issues: [] });
  });

  it.each<[string, MappingSpec['fields'][string], Record<string, unknown>, unknown]>([
    ['required missing', { from: 'sku', required: true }, {}, { field: 'out', source: 'sku', message: 'required value is missing' }],
    ['required blank', { from: 'sku', required: true }, { sku: ' ' }, { field: 'out', source: 'sku', message: 'required value is missing', value: ' ' }],
    ['required null after a transform', { from: 'd', transforms: ['sapDate'], required: true }, { d: '00000000' }, { field: 'out', source: 'd', message: 'required value is missing', value: null }],
    ['several paths', { from: ['a', 'b'], required: true }, {}, { field: 'out', source: 'a|b', message: 'required value is missing' }],
    ['concat part missing', { concat: ['Plant', 'Batch'], required: true }, { Plant: '1010' }, { field: 'out', source: 'Plant+Batch', message: 'required value is missing (no Batch)' }],
  ])('%s is an issue', (_, rule, record, issue) => {
    expect(applyMapping({ fields: { out: rule } }, record)).toEqual({ value: null, issues: [issue] });
  });

  it('collects every issue of a record', () => {
    const spec: MappingSpec = {
      fields: {
        qty: { from: 'qty', transforms: ['toInt'], required: true },
        plant: { from: 'plant', transforms: [{ lookup: 'plants' }] },
        sku: { from: 'sku', required: true },
        name: { from: 'name' },
      },
      lookups: { plants: { '1010': 'WH-SZ' } },
    };
    expect(applyMapping(spec, { qty: '12a', plant: '1099', name: 'ok' })).toEqual({
      value: null,
      issues: [
        { field: 'qty', source: 'qty', message: '"12a" is not a whole number', value: '12a' },
        { field: 'plant', source: 'plant', message: 'unknown value "1099" in lookup plants', value: '1099' },
        { field: 'sku', source: 'sku', message: 'required value is missing' },
      ],
    });
  });

  it('a failing transform names the value it was given, after earlier transforms', () => {
    const result = applyMapping({ fields: { q: { from: 'q', transforms: ['trim', 'toInt'] } } }, { q: ' 1.5 ' });
    expect(result.issues).toEqual([{ field: 'q', source: 'q', message: '"1.5" is not a whole number', value: '1.5' }]);
  });

  it('passes the context to relative dates', () => {
    const spec: MappingSpec = { fields: { d: { value: 'today+30', transforms: ['relativeDate'] } } };
    expect(applyMapping(spec, {}, { now }).value).toEqual({ d: '2026-03-31' });
    expect(applyMapping(spec, {}, { now: new Date('2026-03-01T20:00:00Z') }).value).toEqual({ d: '2026-04-01' });
  });

  it('compileMapping throws on an invalid spec', () => {
    expect(() => compileMapping({ fields: { q: { from: 'q', transforms: ['toInteger'] } } })).toThrow('unknown transform "toInteger"');
    expect(() => compileMapping({ fields: { q: {} } })).toThrow('needs one of from, concat or value');
  });

  it('caches the compiled spec per spec object', () => {
    const spec: MappingSpec = { fields: { a: 'a' } };
    expect(applyMapping(spec, { a: 1 })).toEqual(applyMapping(spec, { a: 1 }));
  });
});
