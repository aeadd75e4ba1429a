/** Exact decimal arithmetic on the strings ERPs send ("150.000"): BigInt, never binary floats. */
const DECIMAL = /^\s*([+-])?(\d*)(?:\.(\d*))?\s*$/;

function parse(value: string | number): { units: bigint; scale: number } {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? value.toString() : 'NaN') : value;
  const match = DECIMAL.exec(text);
  if (!match || (!match[2] && !match[3])) throw new TypeError(`not a decimal number: ${JSON.stringify(value)}`);
  const fraction = match[3] ?? '';
  const units = BigInt(`${match[2] || '0'}${fraction}`);
  return { units: match[1] === '-' ? -units : units, scale: fraction.length };
}

/**
 * Sum of decimal strings or numbers, keeping the largest scale ("150.000" + "20.5" = "170.500").
 * All safe-integer numbers in → a number out, so JSON quantities keep their type.
 */
export function sumDecimals(values: ReadonlyArray<string | number>): string | number {
  if (values.every((v) => typeof v === 'number' && Number.isSafeInteger(v))) {
    const total = (values as number[]).reduce((a, b) => a + b, 0);
    if (Number.isSafeInteger(total)) return total;
  }
  const parsed = values.map(parse);
  const scale = Math.max(0, ...parsed.map((p) => p.scale));
  const total = parsed.reduce((sum, p) => sum + p.units * 10n ** BigInt(scale - p.scale), 0n);
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${int}${scale > 0 ? `.${frac}` : ''}`;
}
