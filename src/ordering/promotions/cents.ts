/**
 * Whole-number money for the promotions hot path. The engine evaluates a cart dozens of times
 * (every candidate alone, then the combinations), so it works in integer cents and unit prices
 * in 1/10000 of the currency unit instead of decimal objects; every rounding is one exact
 * half-up rounding of an exact product (BigInt when the product leaves the safe-integer range).
 */

/** "12.3" with at most `places` decimals → 1230 (places 2). Inputs are schema-validated. */
export function parseFixed(text: string, places: number): number {
  const dot = text.indexOf('.');
  const whole = dot === -1 ? text : text.slice(0, dot);
  const fraction = dot === -1 ? '' : text.slice(dot + 1);
  if (fraction.length > places) throw new RangeError(`"${text}" has more than ${places} decimals`);
  const value = Number(whole) * 10 ** places + (fraction === '' ? 0 : Number(fraction.padEnd(places, '0')));
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`"${text}" is not an amount ≥ 0 this engine can hold`);
  return value;
}

export const toCents = (money: string): number => parseFixed(money, 2);
/** Unit prices carry up to 4 decimals: 1 unit = 100 "price units" per cent. */
export const toPrice4 = (price: string): number => parseFixed(price, 4);
/** Percent with up to 2 decimals → hundredths of a percent ("12.5" → 1250). */
export const toBasisPoints = (percent: string): number => parseFixed(percent, 2);

export function formatCents(cents: number): string {
  const whole = Math.floor(cents / 100);
  const rest = cents - whole * 100;
  return `${whole}.${rest < 10 ? '0' : ''}${rest}`;
}

/** R(a × b × c / d): the exact product divided by d, rounded half-up; all arguments whole and ≥ 0. */
export function mulDivRound(a: number, b: number, c: number, d: number): number {
  const ab = a * b;
  const abc = ab * c;
  if (Number.isSafeInteger(abc)) {
    let q = Math.floor(abc / d);
    let r = abc - q * d;
    // Float division can land one off near a multiple of d; correct it with the exact remainder.
    if (r < 0) {
      q -= 1;
      r += d;
    } else if (r >= d) {
      q += 1;
      r -= d;
    }
    return 2 * r >= d ? q + 1 : q;
  }
  const big = BigInt(a) * BigInt(b) * BigInt(c);
  const bd = BigInt(d);
  const q = big / bd;
  return Number(2n * (big % bd) >= bd ? q + 1n : q);
}

/**
 * Splits `total` cents over `weights` by largest remainder: floor shares, then one cent each to
 * the largest remainders, ties to the lower index. Requires 0 ≤ total ≤ Σ weights.
 */
export function splitLargestRemainder(total: number, weights: readonly number[]): number[] {
  let sum = 0;
  for (const w of weights) sum += w;
  if (total > sum) throw new RangeError(`cannot split ${total} over weights summing to ${sum}`);
  if (total === 0 || sum === 0) return weights.map(() => 0);
  if (!Number.isSafeInteger(total * sum)) return splitBig(total, weights, sum);
  const parts = new Array<number>(weights.length);
  const remainders = new Array<number>(weights.length);
  let given = 0;
  for (let i = 0; i < weights.length; i += 1) {
    const product = total * weights[i]!;
    const part = Math.floor(product / sum);
    let rem = product - part * sum;
    let p = part;
    if (rem < 0) {
      p -= 1;
      rem += sum;
    } else if (rem >= sum) {
      p += 1;
      rem -= sum;
    }
    parts[i] = p;
    remainders[i] = rem;
    given += p;
  }
  distributeLeftover(parts, remainders, total - given);
  return parts;
}

function distributeLeftover(parts: number[], remainders: ArrayLike<number | bigint>, leftover: number): void {
  if (leftover === 0) return;
  const order = parts.map((_, i) => i).sort((a, b) => (remainders[a]! === remainders[b]! ? a - b : remainders[a]! > remainders[b]! ? -1 : 1));
  for (let k = 0; k < leftover; k += 1) parts[order[k]!]! += 1;
}

function splitBig(total: number, weights: readonly number[], sum: number): number[] {
  const t = BigInt(total);
  const s = BigInt(sum);
  const parts: number[] = [];
  const remainders: bigint[] = [];
  let given = 0;
  for (const w of weights) {
    const product = t * BigInt(w);
    const part = Number(product / s);
    parts.push(part);
    remainders.push(product % s);
    given += part;
  }
  distributeLeftover(parts, remainders, total - given);
  return parts;
}
