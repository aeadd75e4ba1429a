import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateProportionally, compareMoney, formatMoney, formatUnitPrice, lineGross, money, sumMoney } from './money.js';

const cents = (n: number | bigint): string => formatMoney(money(n.toString()).dividedBy(100));
const toCents = (m: string): bigint => BigInt(money(m).times(100).toFixed(0));

describe('money', () => {
  it.each([
    ['12.34', '12.34'],
    ['-5', '-5'],
    [' 7.5 ', '7.5'],
    [42, '42'],
    [-3, '-3'],
    ['0.00001', '0.00001'],
  ])('accepts %j', (input, expected) => {
    expect(money(input).toString()).toBe(expected);
  });

  it.each([[0.1], [NaN], [Infinity], [-Infinity], [2 ** 53], ['abc'], [''], ['0x10'], ['1e3'], ['1.'], ['NaN'], ['Infinity']])(
    'rejects %j',
    (input) => {
      expect(() => money(input)).toThrow(RangeError);
    },
  );
});

describe('formatMoney', () => {
  it.each([
    ['0.005', '0.01'],
    ['0.004', '0.00'],
    ['1.005', '1.01'],
    ['2.675', '2.68'],
    ['-0.005', '-0.01'],
    ['-0.004', '0.00'],
    ['-0', '0.00'],
    ['6.9999', '7.00'],
    ['1234.5', '1234.50'],
    ['12345678901234567890.125', '12345678901234567890.13'],
  ])('%s → %s', (input, expected) => {
    expect(formatMoney(money(input))).toBe(expected);
  });

  it('formatMoney∘money is idempotent', () => {
    const amount = fc.tuple(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 6 }));
    fc.assert(
      fc.property(amount, ([units, scale]) => {
        const once = formatMoney(money(formatMoney(money(units.toString())).toString()).dividedBy(10 ** scale));
        expect(formatMoney(money(once))).toBe(once);
      }),
    );
  });
});

describe('lineGross', () => {
  it.each([
    ['2.3333', 3, '7.00'],
    ['0.0050', 1, '0.01'],
    ['0.0049', 1, '0.00'],
    ['0.0025', 2, '0.01'],
    ['12.5', 4, '50.00'],
    ['0.1', 3, '0.30'],
    ['0', 10, '0.00'],
    ['99999999.9999', 9_007_199_254_740_991, '900719925473198380074525.90'],
  ])('%s × %d = %s', (unit, qty, expected) => {
    expect(lineGross(unit, qty)).toBe(expected);
  });

  it.each([[1.5], [-1], [NaN]])('rejects quantity %s', (qty) => {
    expect(() => lineGross('1.00', qty)).toThrow(RangeError);
  });
});

describe('sumMoney, compareMoney, formatUnitPrice', () => {
  it('sums exactly where floats would not', () => {
    expect(sumMoney(['0.10', '0.20'])).toBe('0.30');
    expect(sumMoney([])).toBe('0.00');
    expect(sumMoney(['1.00', '-1.00'])).toBe('0.00');
  });
  it.each([
    ['1.00', '1', 0],
    ['1.01', '1.001', 1],
    ['-2', '1', -1],
  ] as const)('compare %s %s → %d', (a, b, expected) => {
    expect(compareMoney(a, b)).toBe(expected);
  });
  it.each([
    ['12.5', '12.50'],
    ['12.5000', '12.50'],
    ['2.3333', '2.3333'],
    ['7', '7.00'],
  ])('unit price %s → %s', (input, expected) => {
    expect(formatUnitPrice(input)).toBe(expected);
  });
});

describe('allocateProportionally', () => {
  it.each([
    { total: '10.00', weights: ['30.00', '30.00', '30.00'], expected: ['3.34', '3.33', '3.33'] },
    { total: '0.01', weights: ['1.00', '1.00'], expected: ['0.01', '0.00'] },
    { total: '0.02', weights: ['1.00', '3.00'], expected: ['0.01', '0.01'] },
    { total: '100.00', weights: ['100.00', '0.00'], expected: ['100.00', '0.00'] },
    { total: '5.00', weights: ['2.00', '3.00'], expected: ['2.00', '3.00'] },
    { total: '0.00', weights: ['2.00', '3.00'], expected: ['0.00', '0.00'] },
    { total: '0.00', weights: [], expected: [] },
    { total: '1.00', weights: ['0.00', '0.01', '9.99'], expected: ['0.00', '0.00', '1.00'] },
  ])('$total over $weights', ({ total, weights, expected }) => {
    expect(allocateProportionally(total, weights)).toEqual(expected);
  });

  it.each([
    ['10.01', ['5.00', '5.00']],
    ['-1.00', ['5.00']],
    ['1.00', ['-1.00', '5.00']],
    ['1.005', ['5.00']],
    ['1.00', []],
  ])('rejects %s over %j', (total, weights) => {
    expect(() => allocateProportionally(total, weights)).toThrow(RangeError);
  });

  it('sums to the total, never exceeds a weight, never negative', () => {
    const input = fc
      .array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 30 })
      .chain((w) => {
        const sum = w.reduce((a, b) => a + b, 0n);
        return fc.tuple(fc.constant(w), fc.bigInt({ min: 0n, max: sum }));
      });
    fc.assert(
      fc.property(input, ([weights, total]) => {
        const parts = allocateProportionally(cents(total), weights.map(cents)).map(toCents);
        expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
        parts.forEach((p, i) => {
          expect(p >= 0n).toBe(true);
          expect(p <= weights[i]!).toBe(true);
        });
      }),
    );
  });
});
