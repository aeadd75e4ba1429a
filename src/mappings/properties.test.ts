import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMapping, compileMapping } from './compile.js';
import type { MappingSpec, TransformCall } from './types.js';

const value = (transforms: TransformCall[], input: unknown) =>
  applyMapping({ fields: { v: { value: input, transforms } } }, {}).value?.v;

// Up to 30 significant digits and 12 decimals: within the engine's 64-digit precision.
const decimalText = fc
  .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 12 }))
  .map(([digits, scale]) => new Decimal(digits.toString()).dividedBy(new Decimal(10).pow(scale)).toFixed());

describe('properties', () => {
  it('toDecimal, then multiply or divide by 1, keeps the exact value', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        const exact = value(['toDecimal'], text);
        expect(new Decimal(exact as string).equals(new Decimal(text))).toBe(true);
        expect(value(['toDecimal', { multiply: 1 }], text)).toBe(exact);
        expect(value(['toDecimal', { divide: 1 }], text)).toBe(exact);
      }),
    );
  });

  it('toDecimal with a scale rounds half-up exactly like decimal.js (fast path included)', () => {
    fc.assert(
      fc.property(decimalText, fc.integer({ min: 0, max: 6 }), (text, scale) => {
        const expected = new Decimal(text).toFixed(scale, Decimal.ROUND_HALF_UP).replace(/^-(0\.?0*)$/, '$1');
        expect(value([{ toDecimal: { scale } }], text)).toBe(expected);
      }),
    );
  });

  it('sapDate reads /Date(ms)/ as the UTC calendar date', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        expect(value(['sapDate'], `/Date(${date.getTime()})/`)).toBe(date.toISOString().slice(0, 10));
      }),
    );
  });

  it('stripLeadingZeros is idempotent', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0A1 ]{1,20}$/), (text) => {
        const once = value(['stripLeadingZeros'], text);
        expect(value(['stripLeadingZeros'], once)).toBe(once);
      }),
    );
  });

  it('compileMapping and applyMapping agree', () => {
    const spec: MappingSpec = {
      fields: {
        sku: { from: ['sku', 'alt'], transforms: ['trim', 'stripLeadingZeros'], required: true },
        qty: { from: 'qty', transforms: ['toInt', { multiply: 12 }] },
        price: { from: 'price', transforms: [{ toDecimal: { scale: 2 } }], default: '0' },
        key: { concat: ['sku', 'lot'] },
        plant: { from: 'plant', transforms: [{ lookup: { table: 'plants', default: 'WH-MAIN' } }] },
        date: { from: 'date', transforms: ['nullIfEmpty', 'relativeDate'] },
      },
      lookups: { plants: { '1010': 'WH-SZ' } },
    };
    const compiled = compileMapping(spec);
    const field = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant('00012'), fc.constant('12.500'), fc.constant('today+3'));
    const record = fc.record({ sku: field, alt: field, qty: field, price: field, lot: field, plant: field, date: field }, { requiredKeys: [] });
    const now = new Date('2026-03-01T00:00:00Z');
    fc.assert(
      fc.property(record, (r) => {
        expect(compiled(r, { now })).toEqual(applyMapping(spec, r, { now }));
      }),
    );
  });
});
