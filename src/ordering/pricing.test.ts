import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { money, sumMoney } from './money.js';
import { choosePrice, priceOrder, type PricingFacts } from './pricing.js';
import type { PriceFacts, ProductFacts } from './types.js';

const TODAY = '2024-06-15';

const product = (sku: string, over: Partial<ProductFacts> = {}): ProductFacts => ({
  sku,
  name: sku,
  status: 'active',
  packSize: 1,
  roundToPack: false,
  shelfLifeDays: null,
  minRemainingShelfLifeDays: null,
  ...over,
});

const price = (sku: string, unitPrice: string, over: Partial<PriceFacts> = {}): PriceFacts => ({
  sku,
  source: 'tier',
  priceListCode: 'T-A',
  currency: 'CNY',
  minQty: 1,
  unitPrice,
  validFrom: '2024-01-01',
  validTo: null,
  ...over,
});

const products = {
  'MLK-250-24': product('MLK-250-24', { packSize: 6 }),
  'MLK-1L-12': product('MLK-1L-12', { packSize: 12, roundToPack: true }),
  'YOG-100': product('YOG-100'),
  'OLD-1': product('OLD-1', { status: 'discontinued' }),
  'OFF-1': product('OFF-1', { status: 'inactive' }),
  'NOPRICE-1': product('NOPRICE-1'),
};

const prices: PriceFacts[] = [
  price('MLK-250-24', '3.50'),
  price('MLK-1L-12', '10.00'),
  price('YOG-100', '2.3333'),
  price('OLD-1', '1.00'),
  price('OFF-1', '1.00'),
];

const facts: PricingFacts = { products, prices, currency: 'CNY' };

describe('priceOrder: line problems', () => {
  it.each([
    { qty: 0, code: 'bad_quantity' },
    { qty: -6, code: 'bad_quantity' },
    { qty: 1.5, code: 'bad_quantity' },
    { qty: NaN, code: 'bad_quantity' },
    { qty: Infinity, code: 'bad_quantity' },
    { qty: 2 ** 53, code: 'bad_quantity' },
    { qty: '6' as unknown as number, code: 'bad_quantity' },
  ])('quantity $qty → $code', ({ qty, code }) => {
    const result = priceOrder([{ sku: 'YOG-100', qty }], facts, TODAY);
    expect(result.lines).toEqual([]);
    expect(result.problems).toEqual([{ lineNo: 1, sku: 'YOG-100', code, message: expect.stringMatching(/^line 1 \(YOG-100\): quantity .* must be a whole number greater than 0$/) }]);
  });

  it.each([
    { sku: 'NOPE', code: 'unknown_sku', message: 'line 1 (NOPE): unknown SKU NOPE' },
    { sku: 'constructor', code: 'unknown_sku', message: 'line 1 (constructor): unknown SKU constructor' },
    { sku: 'OLD-1', code: 'inactive_product', message: 'line 1 (OLD-1): product OLD-1 is discontinued and cannot be ordered' },
    { sku: 'OFF-1', code: 'inactive_product', message: 'line 1 (OFF-1): product OFF-1 is inactive and cannot be ordered' },
    { sku: 'NOPRICE-1', code: 'no_price', message: 'line 1 (NOPRICE-1): no price valid on 2024-06-15 in CNY' },
  ])('$sku → $code', ({ sku, code, message }) => {
    const result = priceOrder([{ sku, qty: 1 }], facts, TODAY);
    expect(result.problems).toEqual([{ lineNo: 1, sku, code, message }]);
    expect(result.lines).toEqual([]);
  });

  it('reports a duplicate SKU on its second occurrence and prices the first', () => {
    const result = priceOrder([{ sku: 'YOG-100', qty: 1 }, { sku: 'MLK-250-24', qty: 6 }, { sku: 'YOG-100', qty: 2 }], facts, TODAY);
    expect(result.lines.map((l) => [l.lineNo, l.sku])).toEqual([[1, 'YOG-100'], [2, 'MLK-250-24']]);
    expect(result.problems).toEqual([
      { lineNo: 3, sku: 'YOG-100', code: 'duplicate_sku', message: 'line 3 (YOG-100): YOG-100 is already ordered on line 1; merge the quantities into one line' },
    ]);
  });

  it.each([
    { qty: 7, message: 'line 3 (MLK-250-24): quantity 7 is not a multiple of the pack size 6; order 6 or 12' },
    { qty: 5, message: 'line 3 (MLK-250-24): quantity 5 is not a multiple of the pack size 6; order 6' },
    { qty: 13, message: 'line 3 (MLK-250-24): quantity 13 is not a multiple of the pack size 6; order 12 or 18' },
  ])('rejects $qty when the pack is 6', ({ qty, message }) => {
    const result = priceOrder([{ sku: 'YOG-100', qty: 1 }, { sku: 'MLK-1L-12', qty: 12 }, { sku: 'MLK-250-24', qty }], facts, TODAY);
    expect(result.problems).toEqual([{ lineNo: 3, sku: 'MLK-250-24', code: 'not_pack_multiple', message }]);
    expect(result.lines).toHaveLength(2);
    expect(result.totals.gross).toBe('122.33');
  });

  it.each([
    { qty: 1, expected: 12 },
    { qty: 12, expected: 12 },
    { qty: 13, expected: 24 },
  ])('rounds $qty up to $expected when the product allows it', ({ qty, expected }) => {
    const [line] = priceOrder([{ sku: 'MLK-1L-12', qty }], facts, TODAY).lines;
    expect(line).toMatchObject({ qty: expected, requestedQty: qty, gross: money(expected * 10).toFixed(2) });
  });
});

describe('priceOrder: price choice', () => {
  const breaks = [price('S', '10.00', { minQty: 1 }), price('S', '9.00', { minQty: 10 }), price('S', '8.00', { minQty: 100 })];
  it.each([
    [1, '10.00'],
    [9, '10.00'],
    [10, '9.00'],
    [99, '9.00'],
    [100, '8.00'],
    [1000, '8.00'],
  ])('quantity break at qty %d → %s', (qty, unit) => {
    expect(choosePrice(breaks, 'S', qty, 'CNY', TODAY)?.unitPrice).toBe(unit);
  });

  it.each([
    { name: 'dealer override beats tier', rows: [price('S', '10.00'), price('S', '9.50', { source: 'dealer', priceListCode: 'D-1' })], code: 'D-1' },
    {
      name: 'dealer override beats a cheaper tier break',
      rows: [price('S', '5.00', { minQty: 10 }), price('S', '9.50', { source: 'dealer', priceListCode: 'D-1' })],
      code: 'D-1',
    },
    {
      name: 'an override starting above qty leaves it to the tier list',
      rows: [price('S', '10.00'), price('S', '7.00', { source: 'dealer', priceListCode: 'D-1', minQty: 50 })],
      code: 'T-A',
    },
    { name: 'latest validFrom wins', rows: [price('S', '10.00', { priceListCode: 'T-A' }), price('S', '11.00', { priceListCode: 'T-B', validFrom: '2024-06-01' })], code: 'T-B' },
    { name: 'then lowest list code', rows: [price('S', '10.00', { priceListCode: 'T-B' }), price('S', '11.00', { priceListCode: 'T-A' })], code: 'T-A' },
    { name: 'validTo = today included', rows: [price('S', '10.00', { priceListCode: 'T-X', validTo: TODAY, validFrom: '2024-06-01' }), price('S', '11.00')], code: 'T-X' },
    { name: 'validFrom = today included', rows: [price('S', '10.00', { priceListCode: 'T-X', validFrom: TODAY }), price('S', '11.00')], code: 'T-X' },
    { name: 'expired yesterday excluded', rows: [price('S', '10.00', { priceListCode: 'T-X', validTo: '2024-06-14', validFrom: '2024-06-01' }), price('S', '11.00')], code: 'T-A' },
    { name: 'starting tomorrow excluded', rows: [price('S', '10.00', { source: 'dealer', priceListCode: 'D-X', validFrom: '2024-06-16' }), price('S', '11.00')], code: 'T-A' },
    { name: 'other currency excluded', rows: [price('S', '1.00', { source: 'dealer', priceListCode: 'D-USD', currency: 'USD' }), price('S', '11.00')], code: 'T-A' },
    { name: 'other SKU excluded', rows: [price('X', '1.00', { source: 'dealer', priceListCode: 'D-1' }), price('S', '11.00')], code: 'T-A' },
  ])('$name', ({ rows, code }) => {
    expect(choosePrice(rows, 'S', 20, 'CNY', TODAY)?.priceListCode).toBe(code);
  });

  it('uses the break of the chosen list, not a better break of another list', () => {
    const rows = [price('S', '10.00', { source: 'dealer', priceListCode: 'D-1' }), price('S', '5.00', { minQty: 10 }), price('S', '9.00', { source: 'dealer', priceListCode: 'D-1', minQty: 10 })];
    expect(choosePrice(rows, 'S', 10, 'CNY', TODAY)?.unitPrice).toBe('9.00');
  });

  it('reports no_price below the smallest break and outside the currency', () => {
    const f: PricingFacts = { products: new Map([['S', product('S')]]), prices: [price('S', '9.00', { minQty: 10 })], currency: 'CNY' };
    expect(priceOrder([{ sku: 'S', qty: 5 }], f, TODAY).problems[0]?.message).toBe('line 1 (S): no price for quantity 5 in CNY; the smallest priced quantity is 10');
    expect(priceOrder([{ sku: 'S', qty: 10 }], { ...f, currency: 'USD' }, TODAY).problems[0]?.code).toBe('no_price');
  });

  it('prices the break after pack rounding', () => {
    const f: PricingFacts = {
      products: { P: product('P', { packSize: 12, roundToPack: true }) },
      prices: [price('P', '2.00'), price('P', '1.50', { minQty: 12 })],
      currency: 'CNY',
    };
    expect(priceOrder([{ sku: 'P', qty: 11 }], f, TODAY).lines[0]).toMatchObject({ qty: 12, requestedQty: 11, unitPrice: '1.50', gross: '18.00' });
  });
});

describe('priceOrder: lines and totals', () => {
  it('numbers lines in request order, rounds half-up, totals exactly', () => {
    const result = priceOrder([{ sku: 'YOG-100', qty: 3 }, { sku: 'NOPE', qty: 1 }, { sku: 'MLK-250-24', qty: 12 }], facts, TODAY);
    expect(result.lines).toEqual([
      { lineNo: 1, sku: 'YOG-100', qty: 3, requestedQty: 3, unitPrice: '2.3333', gross: '7.00', discount: '0.00', net: '7.00', priceListCode: 'T-A' },
      { lineNo: 3, sku: 'MLK-250-24', qty: 12, requestedQty: 12, unitPrice: '3.50', gross: '42.00', discount: '0.00', net: '42.00', priceListCode: 'T-A' },
    ]);
    expect(result.totals).toEqual({ gross: '49.00', discount: '0.00', net: '49.00', currency: 'CNY' });
  });

  it('an empty order totals zero in its currency', () => {
    expect(priceOrder([], facts, TODAY)).toEqual({ lines: [], problems: [], totals: { gross: '0.00', discount: '0.00', net: '0.00', currency: 'CNY' } });
  });

  it('rejects a malformed today', () => {
    expect(() => priceOrder([], facts, '15/06/2024')).toThrow(RangeError);
  });

  it('sum of line gross = totals.gross exactly', () => {
    const line = fc.record({ units: fc.integer({ min: 0, max: 99_999_999 }), qty: fc.integer({ min: 1, max: 100_000 }) });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 25 }), (specs) => {
        const skus = specs.map((_, i) => `SKU-${i}`);
        const f: PricingFacts = {
          products: new Map(skus.map((s) => [s, product(s)])),
          prices: specs.map((s, i) => price(skus[i]!, money(s.units).dividedBy(10_000).toFixed(4))),
          currency: 'CNY',
        };
        const result = priceOrder(specs.map((s, i) => ({ sku: skus[i]!, qty: s.qty })), f, TODAY);
        expect(result.problems).toEqual([]);
        const exact = result.lines.reduce((acc, l) => acc.plus(money(l.gross)), money(0));
        expect(money(result.totals.gross).equals(exact)).toBe(true);
        expect(result.totals.gross).toBe(sumMoney(result.lines.map((l) => l.gross)));
        expect(result.totals.net).toBe(result.totals.gross);
      }),
    );
  });
});
