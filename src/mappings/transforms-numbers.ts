/**
 * Number transforms. Quantities become integers, money and other decimals become exact
 * decimal strings (decimal.js, never binary floats). SAP sends quantities as "100.000" and,
 * from RFC/IDoc sources, negatives with a trailing minus ("5.000-").
 */
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { noArgs } from './transforms-text.js';
import { defineTransform, fail, show, type TransformFn } from './transform-kit.js';

// 64 significant digits: multiply/divide stay exact for any realistic ERP amount.
const D = Decimal.clone({ precision: 64, rounding: Decimal.ROUND_HALF_UP });
type Dec = InstanceType<typeof D>;

const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
const TRAILING_MINUS = /^(\d+\.?\d*|\.\d+)-$/;
const DECIMAL_COMMA = /^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$/;
// Fast paths for the common shapes ("150.000", "12.5"): no Decimal allocated per record.
const SMALL_INT = /^\s*([+-]?\d{1,15})(?:\.0*)?\s*$/;
const UNSIGNED = /^(0|[1-9]\d{0,30})(?:\.(\d*))?$/;

function fastDecimal(value: string, scale: number | undefined): string | undefined {
  const match = UNSIGNED.exec(value);
  if (!match) return undefined;
  const whole = match[1] as string;
  const fraction = match[2] ?? '';
  if (scale === undefined) {
    const kept = fraction.replace(/0+$/, '');
    return kept === '' ? whole : `${whole}.${kept}`;
  }
  if (fraction.length > scale) return undefined;
  return scale === 0 ? whole : `${whole}.${fraction.padEnd(scale, '0')}`;
}

/** The exact number in `value`, or null when it is not one (the caller words the issue). */
export function parseDecimal(value: unknown, decimalComma = false): Dec | null {
  if (typeof value === 'number') return Number.isFinite(value) ? new D(value) : null;
  if (typeof value === 'bigint') return new D(value.toString());
  if (typeof value !== 'string') return null;
  let s = value.trim();
  if (decimalComma) {
    if (!DECIMAL_COMMA.test(s.replace(/-$/, ''))) return null;
    s = s.replaceAll('.', '').replace(',', '.');
  }
  if (PLAIN.test(s)) return new D(s);
  const minus = TRAILING_MINUS.exec(s);
  return minus ? new D(minus[1] as string).negated() : null;
}

/** "-0" is a valid decimal but a confusing one to store. */
const plain = (d: Dec, scale?: number): string => {
  const out = scale === undefined ? d.toFixed() : d.toFixed(scale, D.ROUND_HALF_UP);
  return out.startsWith('-') && new D(out).isZero() ? out.slice(1) : out;
};

/** Numbers stay numbers (a quantity after toInt), decimal strings stay strings. */
const arithmetic = (apply: (d: Dec) => Dec): TransformFn => (value) => {
  const d = parseDecimal(value);
  if (!d) return fail(`${show(value)} is not a number`);
  const result = apply(d);
  return typeof value === 'number' ? result.toNumber() : plain(result);
};

// Factors to the dimension's smallest listed unit. Packaging units (CS, EA, PAC) are absent
// on purpose: their factor differs per product, so it belongs in `multiply`, not a table.
const UNITS: Record<string, { dimension: string; factor: string }> = {
  MG: { dimension: 'mass', factor: '0.001' },
  G: { dimension: 'mass', factor: '1' },
  KG: { dimension: 'mass', factor: '1000' },
  T: { dimension: 'mass', factor: '1000000' },
  TO: { dimension: 'mass', factor: '1000000' },
  ML: { dimension: 'volume', factor: '1' },
  CL: { dimension: 'volume', factor: '10' },
  L: { dimension: 'volume', factor: '1000' },
  HL: { dimension: 'volume', factor: '100000' },
  M3: { dimension: 'volume', factor: '1000000' },
  MM: { dimension: 'length', factor: '1' },
  CM: { dimension: 'length', factor: '10' },
  M: { dimension: 'length', factor: '1000' },
  KM: { dimension: 'length', factor: '1000000' },
};

export const KNOWN_UNITS = Object.keys(UNITS);

function unitFactor(from: string, to: string): Dec | string {
  const a = UNITS[from.toUpperCase()];
  const b = UNITS[to.toUpperCase()];
  const unknown = !a ? from : !b ? to : undefined;
  if (unknown !== undefined || !a || !b)
    return `no fixed factor for unit "${unknown}" (known: ${KNOWN_UNITS.join(', ')}); packaging units differ per product: use { multiply: n }`;
  if (a.dimension !== b.dimension) return `cannot convert ${from} (${a.dimension}) to ${to} (${b.dimension})`;
  return new D(a.factor).dividedBy(b.factor);
}

const positive = z.number().refine((n) => Number.isFinite(n) && n !== 0, 'expected a non-zero number');
const TRUE = new Set(['true', '1', 'yes', 'y', 'x']);
const FALSE = new Set(['false', '0', 'no', 'n']);

export const numberTransforms = {
  toInt: defineTransform({
    args: noArgs,
    make: () => (value) => {
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      const small = typeof value === 'string' ? SMALL_INT.exec(value) : null;
      if (small) return Number(small[1]);
      const d = parseDecimal(value);
      if (!d || !d.isInteger()) return fail(`${show(value)} is not a whole number`);
      const n = d.toNumber();
      return Number.isSafeInteger(n) ? n : fail(`${show(value)} is too large for a whole number`);
    },
  }),
  toDecimal: defineTransform({
    args: z.object({ scale: z.number().int().min(0).max(20).optional(), decimalComma: z.boolean().optional() }).strict().optional(),
    make: (args) => {
      const { scale, decimalComma = false } = args ?? {};
      return (value) => {
        const fast = typeof value === 'string' && !decimalComma ? fastDecimal(value, scale) : undefined;
        if (fast !== undefined) return fast;
        const d = parseDecimal(value, decimalComma);
        return d ? plain(d, scale) : fail(`${show(value)} is not a decimal number${decimalComma ? ' (decimal comma: 1.234,50)' : ''}`);
      };
    },
  }),
  toBoolean: defineTransform({
    args: z.object({ sapFlag: z.boolean().optional() }).strict().optional(),
    // An SAP indicator is 'X' or blank: blank is a real false, not a missing value.
    acceptsEmpty: (args) => args?.sapFlag === true,
    make: (args) => (value) => {
      if (typeof value === 'boolean') return value;
      if (value === undefined || value === null) return value;
      if (value === 1 || value === 0) return value === 1;
      if (typeof value === 'string') {
        const s = value.trim().toLowerCase();
        if (TRUE.has(s)) return true;
        if (FALSE.has(s) || (s === '' && args?.sapFlag)) return false;
      }
      return fail(`${show(value)} is not a yes/no value (true/false, 1/0, yes/no, Y/N, X)`);
    },
  }),
  multiply: defineTransform({ args: positive, make: (factor) => arithmetic((d) => d.times(factor)) }),
  divide: defineTransform({ args: positive, make: (divisor) => arithmetic((d) => d.dividedBy(divisor)) }),
  convertUnit: defineTransform({
    args: z.object({ from: z.string().min(1), to: z.string().min(1) }).strict(),
    make: ({ from, to }) => {
      const factor = unitFactor(from, to);
      return typeof factor === 'string' ? factor : arithmetic((d) => d.times(factor));
    },
  }),
};
