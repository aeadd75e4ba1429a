/**
 * Exact money over decimal.js. Amounts travel as decimal strings (`Money`, "1234.50"); binary
 * floats never carry a fraction. Rounding is half-up (ties away from zero), to cents.
 */
import { Decimal } from 'decimal.js';
import type { Money } from './types.js';

/*
 * A private constructor: the global default precision (20 significant digits) would silently
 * round a large unit price × quantity, and changing the global would affect other modules.
 */
const Exact = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP });

// Plain decimal notation only: decimal.js would also accept hex, binary and exponents.
const DECIMAL_STRING = /^[+-]?\d+(\.\d+)?$/;

/**
 * Parses an amount. Strings must be plain decimals; numbers must be safe integers, because a
 * fractional float (0.1) is not exactly the value the caller wrote. Throws RangeError otherwise.
 */
export function money(value: string | number): Decimal {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`money: ${value} is not a safe integer; pass fractional amounts as decimal strings`);
    }
    return new Exact(value);
  }
  const text = value.trim();
  if (!DECIMAL_STRING.test(text)) throw new RangeError(`money: "${value}" is not a decimal amount`);
  return new Exact(text);
}

/** Two decimals, half-up; zero is always '0.00' (never '-0.00'). */
export function formatMoney(d: Decimal): Money {
  const rounded = new Exact(d).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  return rounded.isZero() ? '0.00' : rounded.toFixed(2);
}

/** A unit price in canonical form: at least two and as many decimals as it has ("12.5" → "12.50"). */
export function formatUnitPrice(unitPrice: Money): Money {
  const d = money(unitPrice);
  return d.isZero() ? '0.00' : d.toFixed(Math.max(2, d.decimalPlaces()));
}

/** unitPrice (up to 4 decimals) × qty, computed exactly, then rounded half-up to cents once. */
export function lineGross(unitPrice: Money, qty: number): Money {
  if (!Number.isSafeInteger(qty) || qty < 0) throw new RangeError(`lineGross: quantity ${qty} is not a whole number ≥ 0`);
  return formatMoney(money(unitPrice).times(qty));
}

/** Exact sum, formatted to cents; the empty sum is '0.00'. */
export function sumMoney(values: Money[]): Money {
  return formatMoney(values.reduce<Decimal>((acc, v) => acc.plus(money(v)), new Exact(0)));
}

export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  return money(a).comparedTo(money(b)) as -1 | 0 | 1;
}

/** Whole cents of an amount that must already be in cents (≤ 2 decimals, ≥ 0). */
function toCents(value: Money, what: string): bigint {
  const d = money(value);
  if (d.isNegative() && !d.isZero()) throw new RangeError(`allocateProportionally: ${what} ${value} is negative`);
  const cents = d.times(100);
  if (!cents.isInteger()) throw new RangeError(`allocateProportionally: ${what} ${value} has fractions of a cent`);
  return BigInt(cents.toFixed(0));
}

function fromCents(cents: bigint): Money {
  return formatMoney(new Exact(cents.toString()).dividedBy(100));
}

/**
 * Splits `total` over lines in proportion to `weights` (typically line gross) by largest
 * remainder, in cents. Invariants: the parts sum exactly to `total`; each part is ≥ 0 and
 * ≤ its weight; equal remainders go to the lower index. Requires 0 ≤ total ≤ Σ weights.
 */
export function allocateProportionally(total: Money, weights: Money[]): Money[] {
  const t = toCents(total, 'total');
  const w = weights.map((x, i) => toCents(x, `weight ${i}`));
  const sum = w.reduce((a, b) => a + b, 0n);
  if (t > sum) throw new RangeError(`allocateProportionally: total ${total} exceeds the sum of weights ${fromCents(sum)}`);
  if (t === 0n) return w.map(() => '0.00');
  // floor(t·wᵢ/Σ) ≤ wᵢ because t ≤ Σ; a line with a non-zero remainder has floor < wᵢ, so its +1 still fits.
  const parts = w.map((wi) => (t * wi) / sum);
  const remainders = w.map((wi) => (t * wi) % sum);
  let leftover = t - parts.reduce((a, b) => a + b, 0n);
  const order = remainders
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (leftover === 0n) break;
    parts[i] = parts[i]! + 1n;
    leftover -= 1n;
  }
  return parts.map(fromCents);
}
