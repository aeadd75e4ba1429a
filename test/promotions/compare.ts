/** What the property tests compare, and the invariants every result must satisfy. */
import { Decimal } from 'decimal.js';
import { expect } from 'vitest';
import type { CartLine, PromotionResult } from '../../src/ordering/promotions/types.js';

const D = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_UP });
const TWO_DECIMALS = /^-?\d{1,13}\.\d{2}$/;

/**
 * An amount string as whole cents ("12.3" and "12.30" alike). Exact: amounts here stay far below
 * 2^53 cents; anything that is not a whole number of cents fails loudly.
 */
export function toCents(money: string): number {
  if (TWO_DECIMALS.test(money)) return Number(money.replace('.', '')) + 0; // + 0 turns -0 into 0
  const c = new D(money).times(100);
  if (!c.isInteger()) throw new Error(`"${money}" is not a whole number of cents`);
  return c.toNumber() + 0;
}
const cents = (money: string): number => toCents(money);

const multiset = (items: string[]): string[] => [...items].sort();

/**
 * The parts of a result that must not depend on how it was computed: statuses and amounts per
 * promotion code, discount, net and each promotion's share per SKU, gift lines (as a multiset and
 * in order), totals. Reason texts, line numbers and report order are left out.
 */
export function summary(result: PromotionResult) {
  return {
    applied: result.promotions.filter((p) => p.status === 'applied').map((p) => p.code).sort(),
    promotions: Object.fromEntries(
      [...result.promotions]
        .sort((a, b) => (a.code < b.code ? -1 : 1))
        .map((p) => [p.code, { status: p.status, discount: cents(p.discount), gifts: multiset(p.gifts.map((g) => `${g.sku}×${g.qty}`)) }]),
    ),
    lines: Object.fromEntries(
      result.lines
        .filter((l) => !l.isGift)
        .sort((a, b) => (a.sku < b.sku ? -1 : 1))
        .map((l) => [
          l.sku,
          {
            qty: l.qty,
            gross: cents(l.gross),
            discount: cents(l.discount),
            net: cents(l.net),
            giftOf: l.giftOf,
            // Each promotion's share of the line (zero shares left out).
            shares: multiset(l.discounts.filter((d) => cents(d.amount) !== 0).map((d) => `${d.promotion}:${cents(d.amount)}`)),
          },
        ]),
    ),
    gifts: multiset(result.lines.filter((l) => l.isGift).map((l) => `${l.sku}×${l.qty} of ${l.giftOf}`)),
    /** README §6: gift lines in the order the pass added them (stricter than the multiset). */
    giftOrder: result.lines.filter((l) => l.isGift).map((l) => `${l.sku}×${l.qty} of ${l.giftOf}`),
    totals: { gross: cents(result.totals.gross), discount: cents(result.totals.discount), net: cents(result.totals.net) },
  };
}

/** Fails with a readable diff when the two summaries differ (cheap when they agree). */
export function expectSameSummary(actual: PromotionResult, expected: PromotionResult): void {
  const a = summary(actual);
  const e = summary(expected);
  if (JSON.stringify(a) !== JSON.stringify(e)) expect(a).toEqual(e);
}

function fail(message: string, result: PromotionResult): never {
  throw new Error(`${message}\n${JSON.stringify({ lines: result.lines, totals: result.totals, promotions: result.promotions.map((p) => ({ code: p.code, status: p.status, discount: p.discount, gifts: p.gifts, reason: p.reason.code })) }, null, 1)}`);
}

/** Invariants of one result, from README §5–§6, checked without an oracle. */
export function checkInvariants(cart: CartLine[], result: PromotionResult): void {
  const cartLines = result.lines.filter((l) => !l.isGift);
  const giftLines = result.lines.filter((l) => l.isGift);
  if (cartLines.length !== cart.length) fail(`expected ${cart.length} cart lines, got ${cartLines.length}`, result);
  const sum = (xs: string[]) => xs.reduce((acc, x) => acc + cents(x), 0);
  cart.forEach((line, i) => {
    const out = result.lines[i]!;
    if (out.isGift || out.sku !== line.sku || out.lineNo !== line.lineNo || out.qty !== line.qty) fail(`line ${i} is not cart line ${line.sku} in cart order`, result);
    const gross = cents(out.gross);
    const net = cents(out.net);
    if (gross !== cents(line.gross)) fail(`${line.sku}: gross ${out.gross} ≠ cart gross ${line.gross}`, result);
    if (net < 0 || net > gross) fail(`${line.sku}: net ${out.net} outside [0, ${out.gross}]`, result);
    if (cents(out.discount) !== gross - net) fail(`${line.sku}: discount ${out.discount} ≠ gross − net`, result);
    if (sum(out.discounts.map((s) => s.amount)) !== gross - net) fail(`${line.sku}: the promotions' shares do not add up to its discount ${out.discount}`, result);
  });
  const lastLineNo = Math.max(...cart.map((l) => l.lineNo));
  giftLines.forEach((g, i) => {
    if (result.lines[cart.length + i] !== g) fail('gift lines must follow the cart lines', result);
    if (g.lineNo !== lastLineNo + i + 1) fail(`gift line ${g.sku} numbered ${g.lineNo}, expected ${lastLineNo + i + 1}`, result);
    if (![g.gross, g.discount, g.net, g.unitPrice].every((m) => cents(m) === 0) || g.discounts.length > 0) fail(`gift line ${g.sku} is not free`, result);
    if (g.qty <= 0 || g.giftOf === null) fail(`gift line ${g.sku} has qty ${g.qty} / giftOf ${g.giftOf}`, result);
  });

  const t = result.totals;
  const [gross, discount, net] = [cents(t.gross), cents(t.discount), cents(t.net)];
  if (gross < 0 || discount < 0 || net < 0) fail('negative totals', result);
  if (gross !== sum(cart.map((l) => l.gross))) fail('totals.gross ≠ Σ cart gross', result);
  if (net !== sum(result.lines.map((l) => l.net))) fail('totals.net ≠ Σ line nets', result);
  if (discount !== sum(result.lines.map((l) => l.discount))) fail('totals.discount ≠ Σ line discounts', result);
  if (net !== gross - discount) fail('totals.net ≠ gross − discount', result);

  for (const p of result.promotions) {
    const shares = sum(cartLines.flatMap((l) => l.discounts.filter((s) => s.promotion === p.code).map((s) => s.amount)));
    if (shares !== cents(p.discount)) fail(`${p.code}: line shares ${shares} cents ≠ its discount ${p.discount}`, result);
    if (p.status !== 'applied' && (cents(p.discount) !== 0 || p.gifts.length > 0)) fail(`${p.code} not applied but gave something`, result);
    const given = multiset(giftLines.filter((g) => g.giftOf === p.code).map((g) => `${g.sku}×${g.qty}`));
    if (JSON.stringify(given) !== JSON.stringify(multiset(p.gifts.map((g) => `${g.sku}×${g.qty}`)))) fail(`${p.code}: gift lines ≠ reported gifts`, result);
  }
}
