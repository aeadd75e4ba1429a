import { describe, expect, it } from 'vitest';
import { mappingSpecSchema, validateMappingSpec } from './schema.js';

const field = (transforms: unknown[]) => ({ fields: { on_hand: { from: 'qty', transforms } }, lookups: { plants: { '1010': 'WH-SZ' } } });

describe('validateMappingSpec', () => {
  it('accepts a valid spec and normalises bare strings', () => {
    const spec = { fields: { sku: 'Material', on_hand: { from: 'Qty', transforms: ['toInt', { lookup: 'plants' }] } }, lookups: { plants: {} } };
    expect(validateMappingSpec(spec)).toEqual({ spec: { ...spec, fields: { ...spec.fields, sku: { from: 'Material' } } }, errors: [] });
  });

  it.each<[unknown[], string]>([
    [['trim', 'toInteger'], 'fields.on_hand.transforms[1]: unknown transform "toInteger" (did you mean "toInt"?)'],
    [['stripleadingzeros'], 'fields.on_hand.transforms[0]: unknown transform "stripleadingzeros" (did you mean "stripLeadingZeros"?)'],
    [['sapdat'], 'fields.on_hand.transforms[0]: unknown transform "sapdat" (did you mean "sapDate"?)'],
    [['frobnicate'], 'fields.on_hand.transforms[0]: unknown transform "frobnicate"'],
    [[{ lookup: 'plantz' }], 'fields.on_hand.transforms[0]: lookup: table "plantz" is not defined in lookups (defined: plants)'],
    [['lookup'], 'fields.on_hand.transforms[0]: lookup: needs arguments: expected a table name or { table, default }'],
    [[{ pad: { length: 'six' } }], 'fields.on_hand.transforms[0]: pad: length: Invalid input: expected number, received string'],
    [[{ date: 'DDMMYYYY' }], 'fields.on_hand.transforms[0]: date: Invalid option: expected one of "YYYYMMDD"|"YYYY-MM-DD"|"DD.MM.YYYY"|"MM/DD/YYYY"|"YYYY/MM/DD"'],
    [[{ replace: { pattern: '(' } }], 'fields.on_hand.transforms[0]: replace: bad pattern: Invalid regular expression: /(/g: Unterminated group'],
    [[{ trim: 1, upper: 1 }], 'fields.on_hand.transforms[0]: a transform is a name (trim) or an object with one key ({ lookup: plants })'],
    [[{ trim: { x: 1 } }], 'fields.on_hand.transforms[0]: trim: takes no arguments'],
  ])('%j', (transforms, error) => {
    expect(validateMappingSpec(field(transforms)).errors).toEqual([error]);
  });

  it('reports shape and transform errors together', () => {
    const { spec, errors } = validateMappingSpec({
      fields: { a: { from: 'a', requried: true }, b: { from: 'b', transforms: ['toInteger'] }, c: {}, d: { from: 'x', value: 1 }, e: { from: 'a..b' } },
    });
    expect(spec).toBeUndefined();
    expect(errors).toEqual([
      'fields.a: Unrecognized key: "requried"',
      'fields.b.transforms[0]: unknown transform "toInteger" (did you mean "toInt"?)',
      'fields.c: needs one of from, concat or value',
      'fields.d: use only one of from, value',
      'fields.e.from: bad source path "a..b": "" is not a key or key[index]',
    ]);
  });

  it('an override may remove fields and use the base lookups', () => {
    const override = { fields: { lot: null, plant: { from: 'Werks', transforms: [{ lookup: 'plants' }] } } };
    expect(validateMappingSpec(override, { partial: true })).toEqual({ spec: override, errors: [] });
    expect(validateMappingSpec(override).errors).toContain('fields.lot: Invalid input: expected object, received null');
    expect(validateMappingSpec({ fields: { x: { from: 'x', transforms: ['toInteger'] } } }, { partial: true }).errors).toEqual([
      'fields.x.transforms[0]: unknown transform "toInteger" (did you mean "toInt"?)',
    ]);
  });

  it('the zod schema carries the same checks', () => {
    const result = mappingSpecSchema.safeParse(field(['toInteger']));
    expect(result.success).toBe(false);
  });
});
