/**
 * Whole-number money for the promotions hot path. The engine evaluates a cart dozens of times
 * (every candidate alone, then the combinations), so it works in integer cents and unit prices
 * in 1/10000 of the currency unit instead of decimal objects; every rounding is one exact
 * half-up rounding of an exact product (BigInt when the product leaves the safe-integer range).
 */

const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/** "12.3" with at most `places` decimals → 1230 (places 2). Inputs are schema-validated. */
export function parseFixed(text: string, places: number): number {
  // Fast path for the usual shape (digits, an optional dot, digits), short enough that every
  // intermediate is an exact double: it computes exactly what parseFixedText does.
  if (text.length > 0 && text.length <= 15 && places < POW10.length) {
    let whole = 0;
    let fraction = 0;
    let decimals = -1; // -1: no dot yet
    let plain = true;
    for (let k = 0; k < text.length; k += 1) {
      const c = text.charCodeAt(k);
      if (c >= 48 && c <= 57) {
        if (decimals < 0) whole = whole * 10 + (c - 48);
        else {
          fraction = fraction * 10 + (c - 48);
          decimals += 1;
        }
      } else if (c === 46 && decimals < 0) decimals = 0;
      else {
        plain = false;
        break;
      }
    }
    if (plain && decimals <= places) return checked(text, whole * POW10[places]! + fraction * POW10[places - Math.max(decimals, 0)]!);
  }
  return parseFixedText(text, places);
}

/** The general parse (anything the fast path does not take, errors included). */
function parseFixedText(text: string, places: number): number {
  const dot = text.indexOf('.');
  const whole = dot === -1 ? text : text.slice(0, dot);
  const fraction = dot === -1 ? '' : text.slice(dot + 1);
  if (fraction.length > places) throw new RangeError(`"${text}" has more than ${places} decimals`);
  return checked(text, Number(whole) * 10 ** places + (fraction === '' ? 0 : Number(fraction.padEnd(places, '0'))));
}

function checked(text: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`"${text}" is not an amount ≥ 0 this engine can hold`);
  return value;
}

export const toCents = (money: string): number => parseFixed(money, 2);
/** Unit prices carry up to 4 decimals: 1 unit = 100 "price units" per cent. */
export const toPrice4 = (price: string): number => parseFixed(price, 4);
/** Percent with up to 2 decimals → hundredths of a percent ("12.5" → 1250). */
export const toBasisPoints = (percent: string): number => parseFixed(percent, 2);

/** ".00" … ".99": the cents of an amount in one piece (one string concatenation per amount). */
const CENTS = Array.from({ length: 100 }, (_, rest) => `.${rest < 10 ? '0' : ''}${rest}`);

function format(cents: number): string {
  const whole = Math.floor(cents / 100);
  const rest = cents - whole * 100;
  const tail = CENTS[rest]; // undefined unless rest is a whole number of cents
  return tail !== undefined ? `${whole}${tail}` : `${whole}.${rest < 10 ? '0' : ''}${rest}`;
}

/**
 * "0.00" … "99.99", made once: a result formats a few hundred amounts — every line's share of
 * every promotion — most of them small, and making the string is most of formatting's cost.
 * (A larger table was slower: its lookups miss the CPU caches.)
 */
const SMALL_LIMIT = 10_000;
const SMALL_AMOUNTS = Array.from({ length: SMALL_LIMIT }, (_, cents) => format(cents));

export function formatCents(cents: number): string {
  const index = cents | 0; // an int32 index: amounts often arrive as doubles, a slow key
  return index === cents && index >= 0 && index < SMALL_LIMIT ? SMALL_AMOUNTS[index]! : format(cents);
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
  const shares = new Array<number>(weights.length).fill(0);
  splitLargestRemainderInto(total, weights, weights.length, shares);
  return shares;
}

/** Remainders of the split in progress (reused: the split runs for every order-level discount). */
let remainders = new Float64Array(64);

/**
 * splitLargestRemainder over `weights[0 … count)`, writing `shares[0 … count)`: the engine's form,
 * which reuses its buffers instead of allocating arrays for every split.
 */
export function splitLargestRemainderInto(total: number, weights: ArrayLike<number>, count: number, shares: { [k: number]: number }): void {
  let sum = 0;
  for (let i = 0; i < count; i += 1) sum += weights[i]!;
  if (total > sum) throw new RangeError(`cannot split ${total} over weights summing to ${sum}`);
  if (total === 0 || sum === 0) {
    for (let i = 0; i < count; i += 1) shares[i] = 0;
    return;
  }
  if (!Number.isSafeInteger(total * sum)) {
    splitBig(total, weights, count, sum, shares);
    return;
  }
  if (remainders.length < count) remainders = new Float64Array(Math.max(count, 2 * remainders.length));
  let given = 0;
  for (let i = 0; i < count; i += 1) {
    // total × w ≤ total × sum is a safe integer: the product and its remainder are exact.
    const product = total * weights[i]!;
    let part = Math.floor(product / sum);
    let rem = product - part * sum;
    if (rem < 0) {
      part -= 1;
      rem += sum;
    } else if (rem >= sum) {
      part += 1;
      rem -= sum;
    }
    shares[i] = part;
    remainders[i] = rem;
    given += part;
  }
  giveLeftover(shares, remainders, count, total - given);
}

/**
 * One cent each to the `leftover` lines with the largest remainders, ties to the lower index
 * (leftover < count). Rather than sorting every line: for a cart-sized split, the leftover best
 * are kept in order while the lines are read once; for a large one, the leftover-th largest
 * remainder is found (quickselect), every line above it gets a cent and the lines equal to it
 * share the rest in index order. Either way, the lines a sort would pick.
 */
function giveLeftover(shares: { [k: number]: number }, rems: Float64Array, count: number, leftover: number): void {
  if (leftover === 0) return;
  if (count <= TOP_SIZE) {
    const top = topRemainders(rems, count, leftover);
    for (let k = 0; k < leftover; k += 1) shares[top[k]!] = shares[top[k]!]! + 1;
    return;
  }
  const cut = kthLargest(rems, count, leftover);
  let left = leftover;
  for (let i = 0; i < count; i += 1) {
    if (rems[i]! > cut) {
      shares[i] = shares[i]! + 1;
      left -= 1;
    }
  }
  for (let i = 0; i < count && left > 0; i += 1) {
    if (rems[i] === cut) {
      shares[i] = shares[i]! + 1;
      left -= 1;
    }
  }
}

const TOP_SIZE = 64;
const top = new Int32Array(TOP_SIZE);

/**
 * The indices of the `want` largest of rems[0 … count) (ties: lower index first), best first:
 * an insertion into a short sorted list, which most lines fail to enter at its end.
 */
function topRemainders(rems: Float64Array, count: number, want: number): Int32Array {
  let size = 0;
  for (let i = 0; i < count; i += 1) {
    const r = rems[i]!;
    // Full, and not above the last kept (an equal one has a lower index): not among the best.
    if (size === want && !(r > rems[top[size - 1]!]!)) continue;
    let k = size < want ? size++ : size - 1;
    while (k > 0 && r > rems[top[k - 1]!]!) {
      top[k] = top[k - 1]!;
      k -= 1;
    }
    top[k] = i;
  }
  return top;
}

/** Scratch copy for kthLargest (it reorders what it searches). */
let selection = new Float64Array(64);

/** The k-th largest (1 ≤ k ≤ count) of values[0 … count): quickselect, expected linear time. */
function kthLargest(values: Float64Array, count: number, k: number): number {
  if (selection.length < count) selection = new Float64Array(Math.max(count, 2 * selection.length));
  const v = selection;
  for (let i = 0; i < count; i += 1) v[i] = values[i]!;
  // Wirth's selection, in descending order: afterwards v[target] is where a full sort puts it.
  const target = k - 1;
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const x = v[target]!;
    let i = lo;
    let j = hi;
    do {
      while (v[i]! > x) i += 1;
      while (x > v[j]!) j -= 1;
      if (i <= j) {
        const t = v[i]!;
        v[i] = v[j]!;
        v[j] = t;
        i += 1;
        j -= 1;
      }
    } while (i <= j);
    if (j < target) lo = i;
    if (target < i) hi = j;
  }
  return v[target]!;
}

function splitBig(total: number, weights: ArrayLike<number>, count: number, sum: number, shares: { [k: number]: number }): void {
  const t = BigInt(total);
  const s = BigInt(sum);
  const rems: bigint[] = [];
  let given = 0;
  for (let i = 0; i < count; i += 1) {
    const product = t * BigInt(weights[i]!);
    const part = Number(product / s);
    shares[i] = part;
    rems.push(product % s);
    given += part;
  }
  const order = rems.map((_, i) => i).sort((a, b) => (rems[a]! === rems[b]! ? a - b : rems[a]! > rems[b]! ? -1 : 1));
  for (let k = 0; k < total - given; k += 1) shares[order[k]!] = shares[order[k]!]! + 1;
}
