/**
 * A second, deliberately plain implementation of src/ordering/promotions/README.md, written from
 * that text alone (it imports only the types). The property tests make the engine agree with it.
 *
 * Money is carried in whole cents as decimal.js values of a private high-precision constructor;
 * every product is formed exactly and rounded half-up once (`R`). Speed is not a goal.
 */
import { Decimal } from 'decimal.js';
import type { Promotion } from '../../src/ordering/promotions/definition.js';
import type {
  CartLine,
  CouponReport,
  Explanation,
  PromotedLine,
  PromotionContext,
  PromotionReport,
  PromotionResult,
} from '../../src/ordering/promotions/types.js';

const D = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_UP });
type Dec = Decimal;

const ZERO = new D(0);
const LINE_TYPES = new Set(['line_discount', 'quantity_break', 'buy_x_get_y', 'bundle', 'mix_match']);

/** A decimal amount ("12.5", "0.3333") exactly (parsed once per text: decimals are immutable). */
const parsed = new Map<string, Dec>();
function dec(text: string): Dec {
  let d = parsed.get(text);
  if (d === undefined) {
    if (parsed.size > 100_000) parsed.clear();
    parsed.set(text, (d = new D(text.trim())));
  }
  return d;
}
/** Cents of an amount with at most 2 decimals (exact). */
const hundredfold = new Map<string, Dec>();
function cents(text: string): Dec {
  let c = hundredfold.get(text);
  if (c === undefined) {
    if (hundredfold.size > 100_000) hundredfold.clear();
    hundredfold.set(text, (c = dec(text).times(100)));
  }
  return c;
}
/** R(x): an amount in currency units rounded half-up to whole cents, returned in cents. */
const R = (units: Dec): Dec => units.times(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
const min = (a: Dec, b: Dec): Dec => (a.lte(b) ? a : b);
const max = (a: Dec, b: Dec): Dec => (a.gte(b) ? a : b);
const sum = (xs: Dec[]): Dec => xs.reduce((acc, x) => acc.plus(x), ZERO);
/** Whole cents (≥ 0) as an amount string with two decimals. */
function fmt(c: Dec): string {
  const digits = c.toFixed(0).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
/** Byte order of ASCII SKUs (JS string comparison is UTF-16 code unit order). */
const bySku = (a: { sku: string }, b: { sku: string }): number => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0);
/** How many times `unit` fits into `whole`, counted by repeated subtraction. */
function multiples(whole: number, unit: number): number {
  let count = 0;
  for (let left = whole; left >= unit; left -= unit) count++;
  return count;
}

function why(code: string): Explanation {
  return { code, data: {}, message: { 'zh-CN': code, en: code } };
}

interface OLine {
  line: CartLine;
  sku: string;
  qty: number;
  unitPrice: Dec;
  gross: Dec;
  remaining: Dec;
  shares: Array<{ promotion: string; amount: Dec }>;
}

interface PassReport {
  applied: boolean;
  reason: string;
  discount: Dec;
  gifts: Array<{ sku: string; qty: number }>;
  giftValue: Dec;
}

interface Pass {
  lines: OLine[]; // SKU order
  gifts: Array<{ sku: string; qty: number; giftOf: string }>;
  reports: Map<number, PassReport>;
  benefit: Dec;
}

/** What a promotion's rule wants to do in a pass, before the budget check. */
type Outcome =
  | { ok: false; reason: string }
  | { ok: true; parts: Map<string, Dec>; gifts: Array<{ sku: string; qty: number }>; giftValue: Dec };

// ---------------------------------------------------------------- §1 screening

function inWindow(from: Date | null, to: Date | null, now: Date): boolean {
  return (from === null || from.getTime() <= now.getTime()) && (to === null || now.getTime() < to.getTime());
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const norm = (code: string): string => code.trim().toLowerCase();

/** Why a coupon code is not usable by this dealer now, or null when it is usable. */
function couponProblem(code: string, ctx: PromotionContext): string | null {
  const facts = ctx.coupons.find((c) => norm(c.code) === norm(code));
  if (facts === undefined) return 'unknown';
  if (facts.status !== 'active') return 'disabled';
  if (!inWindow(facts.validFrom, facts.validTo, ctx.now)) return 'outside_window';
  if (facts.dealerCode !== null && facts.dealerCode !== ctx.dealer.code) return 'other_dealer';
  if (facts.maxUses !== null && !(facts.used < facts.maxUses)) return 'used_up';
  if (facts.perDealerLimit !== null && !(facts.dealerUses < facts.perDealerLimit)) return 'dealer_limit';
  return null;
}

/** The first entered code (entry order) that is a usable coupon of the promotion, or null. */
function unlockingCode(p: Promotion, ctx: PromotionContext): string | null {
  for (const entered of ctx.couponCodes) {
    const facts = ctx.coupons.find((c) => norm(c.code) === norm(entered));
    if (facts !== undefined && facts.promotionId === p.id && couponProblem(entered, ctx) === null) return entered;
  }
  return null;
}

/** The first failed screening step, or null when the promotion is a candidate. */
function screen(p: Promotion, ctx: PromotionContext): string | null {
  if (p.status !== 'active') return 'not_active';
  if (!inWindow(p.validFrom, p.validTo, ctx.now)) return 'outside_window';
  const e = p.eligibility;
  if (e.channels !== undefined && !e.channels.includes(ctx.channel)) return 'channel';
  if (e.dealers !== undefined && !e.dealers.includes(ctx.dealer.code)) return 'dealer';
  if (e.tiers !== undefined && !e.tiers.includes(ctx.dealer.tier)) return 'tier';
  if (e.groups !== undefined && (ctx.dealer.group === null || !e.groups.includes(ctx.dealer.group))) return 'group';
  if (e.regions !== undefined && !e.regions.some((prefix) => ctx.regionCode.startsWith(prefix))) return 'region';
  if (e.firstOrder === true && ctx.dealer.priorOrders !== 0) return 'first_order';
  if (e.newDealerDays !== undefined) {
    const since = ctx.dealer.cooperationSince;
    if (since === null) return 'new_dealer';
    const days = daysBetween(since, ctx.today);
    if (!(days >= 0 && days <= e.newDealerDays)) return 'new_dealer';
  }
  if (p.requiresCoupon && unlockingCode(p, ctx) === null) return 'coupon_required';
  if (p.perDealerLimit !== null && !((ctx.dealerUses.get(p.id) ?? 0) < p.perDealerLimit)) return 'dealer_limit';
  if (p.budgetUses !== null && !(p.usedUses < p.budgetUses)) return 'budget_exhausted';
  if (p.budgetAmount !== null && !dec(p.usedAmount).lt(dec(p.budgetAmount))) return 'budget_exhausted';
  return null;
}

// ---------------------------------------------------------------- §2 eligible lines

function eligible(p: Promotion, lines: OLine[]): OLine[] {
  const e = p.eligibility;
  return lines.filter((l) => {
    const listed =
      (e.products === undefined && e.categories === undefined) ||
      (e.products !== undefined && e.products.includes(l.sku)) ||
      (e.categories !== undefined && l.line.category !== null && e.categories.includes(l.line.category));
    const excluded = e.excludeProducts !== undefined && e.excludeProducts.includes(l.sku);
    return listed && !excluded;
  });
}

// ---------------------------------------------------------------- §5 largest remainder

/** Splits `d` cents over `lines` (SKU order) in proportion to `weights`. */
export function largestRemainder(d: Dec, weights: Dec[]): Dec[] {
  const total = sum(weights);
  if (total.isZero()) return weights.map(() => ZERO);
  const parts = weights.map((w) => d.times(w).divToInt(total));
  const rests = weights.map((w) => d.times(w).mod(total));
  let left = d.minus(sum(parts)).toNumber();
  const order = weights.map((_, i) => i).sort((a, b) => rests[b]!.comparedTo(rests[a]!) || a - b);
  for (const i of order) {
    if (left <= 0) break;
    parts[i] = parts[i]!.plus(1);
    left--;
  }
  return parts;
}

function splitOver(lines: OLine[], d: Dec, weights: Dec[]): Map<string, Dec> {
  const parts = largestRemainder(d, weights);
  return new Map(lines.map((l, i) => [l.sku, parts[i]!]));
}

// ---------------------------------------------------------------- §3 line-level rules

function lineLevel(p: Promotion, lines: OLine[]): Outcome {
  const rule = p.rule;
  const parts = new Map<string, Dec>();
  const gifts: Array<{ sku: string; qty: number }> = [];
  let giftValue = ZERO;
  switch (rule.type) {
    case 'line_discount': {
      for (const l of eligible(p, lines)) {
        const n = Math.min(l.qty, rule.maxQty ?? l.qty);
        let d: Dec;
        if (rule.percentOff !== undefined) d = R(l.unitPrice.times(n).times(dec(rule.percentOff)).dividedBy(100));
        else if (rule.per === 'line') d = cents(rule.amountOff!);
        else d = cents(rule.amountOff!).times(n);
        parts.set(l.sku, min(d, l.remaining));
      }
      break;
    }
    case 'quantity_break': {
      for (const l of eligible(p, lines)) {
        let best: { minQty: number; unitPrice: string } | null = null;
        for (const b of rule.breaks) if (b.minQty <= l.qty && (best === null || b.minQty > best.minQty)) best = b;
        if (best === null) continue;
        const d = max(ZERO, l.gross.minus(R(dec(best.unitPrice).times(l.qty))));
        parts.set(l.sku, min(d, l.remaining));
      }
      break;
    }
    case 'buy_x_get_y': {
      let given = 0;
      for (const l of eligible(p, lines)) {
        let free = multiples(l.qty, rule.buy) * rule.get;
        if (rule.maxFreeQty !== undefined) free = Math.min(free, rule.maxFreeQty - given);
        if (free > 0) {
          gifts.push({ sku: l.sku, qty: free });
          given += free;
          giftValue = giftValue.plus(R(l.unitPrice.times(free)));
        }
      }
      if (gifts.length === 0) return { ok: false, reason: 'not_reached' };
      break;
    }
    case 'bundle': {
      const members: Array<{ line: OLine; qty: number }> = [];
      for (const c of rule.components) {
        const line = lines.find((l) => l.sku === c.sku);
        if (line === undefined) return { ok: false, reason: 'incomplete' };
        members.push({ line, qty: c.qty });
      }
      members.sort((a, b) => bySku(a.line, b.line));
      let sets = Math.min(...members.map((m) => multiples(m.line.qty, m.qty)));
      if (rule.maxSets !== undefined) sets = Math.min(sets, rule.maxSets);
      if (sets === 0) return { ok: false, reason: 'incomplete' };
      const g = members.map((m) => R(m.line.unitPrice.times(m.qty).times(sets)));
      let d = sum(g).minus(cents(rule.price).times(sets));
      if (d.lte(0)) return { ok: false, reason: 'no_saving' };
      const w = members.map((m, i) => min(g[i]!, m.line.remaining));
      d = min(d, sum(w));
      return { ok: true, parts: splitOver(members.map((m) => m.line), d, w), gifts, giftValue };
    }
    case 'mix_match': {
      const pool = eligible(p, lines);
      // Units ordered by unit price descending, then SKU: every unit of a line is alike, so the
      // lines are sorted and then expanded one unit at a time.
      const ranked = [...pool].sort((a, b) => b.unitPrice.comparedTo(a.unitPrice) || bySku(a, b));
      const units: OLine[] = [];
      for (const l of ranked) for (let k = 0; k < l.qty; k++) units.push(l);
      let sets = multiples(units.length, rule.quantity);
      if (rule.maxSets !== undefined) sets = Math.min(sets, rule.maxSets);
      if (sets === 0) return { ok: false, reason: 'not_reached' };
      const taken = new Map<string, number>();
      for (const unit of units.slice(0, sets * rule.quantity)) taken.set(unit.sku, (taken.get(unit.sku) ?? 0) + 1);
      const t = pool.map((l) => taken.get(l.sku) ?? 0);
      const prices = pool.map((l, i) => R(l.unitPrice.times(t[i]!)));
      if (rule.price !== undefined) {
        let d = sum(prices).minus(cents(rule.price).times(sets));
        if (d.lte(0)) return { ok: false, reason: 'no_saving' };
        const w = pool.map((l, i) => min(prices[i]!, l.remaining));
        d = min(d, sum(w));
        return { ok: true, parts: splitOver(pool, d, w), gifts, giftValue };
      }
      pool.forEach((l, i) => parts.set(l.sku, min(R(l.unitPrice.times(t[i]!).times(dec(rule.percentOff!)).dividedBy(100)), l.remaining)));
      break;
    }
    default:
      throw new Error(`not a line-level type: ${rule.type}`);
  }
  return { ok: true, parts, gifts, giftValue };
}

// ---------------------------------------------------------------- §3 order-level rules

function orderLevel(p: Promotion, lines: OLine[], atStart: Map<string, Dec>, ctx: PromotionContext): Outcome {
  const rule = p.rule;
  const pool = eligible(p, lines);
  const S = sum(pool.map((l) => atStart.get(l.sku)!));
  const Q = pool.reduce((acc, l) => acc + l.qty, 0);
  let d: Dec;
  switch (rule.type) {
    case 'threshold':
      if (S.lt(cents(rule.threshold))) return { ok: false, reason: 'not_reached' };
      d = cents(rule.amountOff);
      break;
    case 'tiered': {
      let best: { threshold: string; amountOff: string } | null = null;
      for (const t of rule.tiers) if (S.gte(cents(t.threshold)) && (best === null || cents(t.threshold).gt(cents(best.threshold)))) best = t;
      if (best === null) return { ok: false, reason: 'not_reached' };
      d = cents(best.amountOff);
      break;
    }
    case 'repeating': {
      const m = S.divToInt(cents(rule.every));
      if (m.isZero()) return { ok: false, reason: 'not_reached' };
      d = m.times(cents(rule.amountOff));
      if (rule.maxAmountOff !== undefined) d = min(d, cents(rule.maxAmountOff));
      break;
    }
    case 'order_percent':
      if (!(S.gt(0) && S.gte(cents(rule.minSubtotal ?? '0')))) return { ok: false, reason: 'not_reached' };
      d = S.times(dec(rule.percentOff)).dividedBy(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
      break;
    case 'gift': {
      const bySubtotal = rule.minSubtotal === undefined ? null : S.divToInt(cents(rule.minSubtotal)).toNumber();
      const byQty = rule.minQty === undefined ? null : multiples(Q, rule.minQty);
      if ((bySubtotal !== null && bySubtotal < 1) || (byQty !== null && byQty < 1)) return { ok: false, reason: 'not_reached' };
      let sets = rule.perMultiple ? Math.min(...[bySubtotal, byQty].filter((x): x is number => x !== null)) : 1;
      if (rule.maxSets !== undefined) sets = Math.min(sets, rule.maxSets);
      if (!rule.gifts.every((g) => ctx.giftProducts.has(g.sku))) return { ok: false, reason: 'gift_unavailable' };
      let giftValue = ZERO;
      const gifts = rule.gifts.map((g) => {
        const price = ctx.giftProducts.get(g.sku)!.unitPrice;
        if (price !== null) giftValue = giftValue.plus(R(dec(price).times(g.qty).times(sets)));
        return { sku: g.sku, qty: g.qty * sets };
      });
      return { ok: true, parts: new Map(), gifts, giftValue };
    }
    default:
      throw new Error(`not an order-level type: ${rule.type}`);
  }
  const C = sum(pool.map((l) => l.remaining));
  d = min(d, C);
  if (d.isZero()) return { ok: false, reason: 'nothing_left' };
  return { ok: true, parts: splitOver(pool, d, pool.map((l) => l.remaining)), gifts: [], giftValue: ZERO };
}

// ---------------------------------------------------------------- §3 one pass

const isLine = (p: Promotion): boolean => LINE_TYPES.has(p.rule.type);

/** Evaluation order: line-level first, then priority ascending, then id ascending. */
function evaluationOrder(promotions: Promotion[]): Promotion[] {
  return [...promotions].sort(
    (a, b) => Number(!isLine(a)) - Number(!isLine(b)) || a.priority - b.priority || a.id - b.id,
  );
}

/** The cart in SKU order with its amounts parsed once; a pass starts from a copy of it. */
type Prepared = Array<Omit<OLine, 'remaining' | 'shares'>>;

function prepare(cart: CartLine[]): Prepared {
  return [...cart].sort(bySku).map((line) => ({ line, sku: line.sku, qty: line.qty, unitPrice: dec(line.unitPrice), gross: cents(line.gross) }));
}

function runPass(prepared: Prepared, promotions: Promotion[], ctx: PromotionContext): Pass {
  const lines: OLine[] = prepared.map((l) => ({ line: l.line, sku: l.sku, qty: l.qty, unitPrice: l.unitPrice, gross: l.gross, remaining: l.gross, shares: [] }));
  const pass: Pass = { lines, gifts: [], reports: new Map(), benefit: ZERO };
  const commit = (p: Promotion, outcome: Outcome): void => {
    if (!outcome.ok) {
      pass.reports.set(p.id, { applied: false, reason: outcome.reason, discount: ZERO, gifts: [], giftValue: ZERO });
      return;
    }
    const d = sum([...outcome.parts.values()]);
    if (d.isZero() && outcome.gifts.length === 0) {
      pass.reports.set(p.id, { applied: false, reason: 'nothing_left', discount: ZERO, gifts: [], giftValue: ZERO });
      return;
    }
    if (p.budgetAmount !== null && d.gt(cents(p.budgetAmount).minus(cents(p.usedAmount)))) {
      pass.reports.set(p.id, { applied: false, reason: 'budget_exhausted', discount: ZERO, gifts: [], giftValue: ZERO });
      return;
    }
    for (const l of lines) {
      const part = outcome.parts.get(l.sku) ?? ZERO;
      if (part.isZero()) continue;
      l.remaining = l.remaining.minus(part);
      l.shares.push({ promotion: p.code, amount: part });
    }
    for (const g of outcome.gifts) pass.gifts.push({ ...g, giftOf: p.code });
    pass.reports.set(p.id, { applied: true, reason: 'applied', discount: d, gifts: outcome.gifts, giftValue: outcome.giftValue });
    pass.benefit = pass.benefit.plus(d).plus(outcome.giftValue);
  };
  const ordered = evaluationOrder(promotions);
  for (const p of ordered.filter(isLine)) commit(p, lineLevel(p, lines));
  const atStart = new Map(lines.map((l) => [l.sku, l.remaining]));
  for (const p of ordered.filter((x) => !isLine(x))) commit(p, orderLevel(p, lines, atStart, ctx));
  return pass;
}

// ---------------------------------------------------------------- §4 choosing, §6 result

const earlier = (a: Promotion, b: Promotion): boolean => a.priority < b.priority || (a.priority === b.priority && a.id < b.id);

export function oracleEvaluate(cart: CartLine[], promotions: Promotion[], ctx: PromotionContext): PromotionResult {
  const prepared = prepare(cart);
  // A pass depends only on the set of promotions in it, so passes are computed once per set.
  const passes = new Map<string, Pass>();
  const passOf = (set: Promotion[]): Pass => {
    const key = set.map((p) => p.id).sort((a, b) => a - b).join(',');
    let pass = passes.get(key);
    if (pass === undefined) passes.set(key, (pass = runPass(prepared, set, ctx)));
    return pass;
  };
  const reasons = new Map<number, string>();
  const candidates: Promotion[] = [];
  for (const p of promotions) {
    const problem = screen(p, ctx);
    if (problem === null) candidates.push(p);
    else reasons.set(p.id, problem);
  }

  const alone = new Map<number, Dec>();
  let standing: Promotion[] = [];
  for (const p of candidates) {
    const report = passOf([p]).reports.get(p.id)!;
    if (!report.applied) {
      reasons.set(p.id, report.reason);
      continue;
    }
    alone.set(p.id, report.discount.plus(report.giftValue));
    standing.push(p);
  }

  const groupWinner = new Map<string, Promotion>();
  for (const p of standing) {
    if (p.exclusiveGroup === null) continue;
    const best = groupWinner.get(p.exclusiveGroup);
    const better =
      best === undefined || alone.get(p.id)!.gt(alone.get(best.id)!) || (alone.get(p.id)!.eq(alone.get(best.id)!) && earlier(p, best));
    if (better) groupWinner.set(p.exclusiveGroup, p);
  }
  standing = standing.filter((p) => p.exclusiveGroup === null || groupWinner.get(p.exclusiveGroup) === p);

  const options: Promotion[][] = [];
  const stackable = standing.filter((p) => p.stackable);
  if (stackable.length > 0) options.push(stackable);
  const single = standing.filter((p) => !p.stackable).sort((a, b) => (earlier(a, b) ? -1 : earlier(b, a) ? 1 : 0));
  for (const p of single) options.push([p]);

  let winner: Promotion[] = [];
  let pass = passOf([]);
  for (const option of options) {
    const candidatePass = passOf(option);
    if (winner.length === 0 || candidatePass.benefit.gt(pass.benefit)) {
      winner = option;
      pass = candidatePass;
    }
  }
  const inWinner = new Set(winner.map((p) => p.id));

  const lines: PromotedLine[] = cart.map((line) => {
    const o = pass.lines.find((l) => l.sku === line.sku)!;
    return {
      lineNo: line.lineNo,
      sku: line.sku,
      qty: line.qty,
      unitPrice: line.unitPrice,
      gross: fmt(o.gross),
      discount: fmt(o.gross.minus(o.remaining)),
      net: fmt(o.remaining),
      isGift: false,
      giftOf: null,
      discounts: o.shares.map((s) => ({ promotion: s.promotion, amount: fmt(s.amount) })),
    };
  });
  const lastLineNo = Math.max(0, ...cart.map((l) => l.lineNo));
  pass.gifts.forEach((g, i) =>
    lines.push({
      lineNo: lastLineNo + i + 1,
      sku: g.sku,
      qty: g.qty,
      unitPrice: '0.00',
      gross: '0.00',
      discount: '0.00',
      net: '0.00',
      isGift: true,
      giftOf: g.giftOf,
      discounts: [],
    }),
  );

  const reports: PromotionReport[] = evaluationOrder(promotions).map((p) => {
    const r = inWinner.has(p.id) ? pass.reports.get(p.id)! : null;
    const applied = r !== null && r.applied;
    const reason = r !== null ? r.reason : (reasons.get(p.id) ?? 'not_combined');
    return {
      id: p.id,
      code: p.code,
      name: p.name,
      type: p.rule.type,
      level: isLine(p) ? 'line' : 'order',
      status: applied ? 'applied' : 'not_applied',
      discount: fmt(applied ? r.discount : ZERO),
      gifts: applied ? r.gifts.map((g) => ({ ...g })) : [],
      reason: why(reason),
      hint: null,
      coupon: p.requiresCoupon ? unlockingCode(p, ctx) : null,
    };
  });

  const gross = sum(pass.lines.map((l) => l.gross));
  const discount = sum(pass.lines.map((l) => l.gross.minus(l.remaining)));
  return {
    lines,
    totals: { gross: fmt(gross), discount: fmt(discount), net: fmt(gross.minus(discount)), currency: ctx.currency },
    promotions: reports,
    coupons: couponReports(promotions, reports, ctx),
  };
}

/** §Coupons, as plainly as the README puts it (not compared by the property tests). */
function couponReports(promotions: Promotion[], reports: PromotionReport[], ctx: PromotionContext): CouponReport[] {
  const seen = new Set<string>();
  const out: CouponReport[] = [];
  for (const entered of ctx.couponCodes) {
    const key = norm(entered);
    if (seen.has(key)) continue;
    seen.add(key);
    const problem = couponProblem(entered, ctx);
    const facts = ctx.coupons.find((c) => norm(c.code) === key);
    const promotion = facts === undefined ? undefined : promotions.find((p) => p.id === facts.promotionId);
    if (problem !== null || promotion === undefined) {
      out.push({ code: entered.trim(), status: 'invalid', reason: why(problem ?? 'unknown') });
      continue;
    }
    const report = reports.find((r) => r.id === promotion.id)!;
    const unlocked = unlockingCode(promotion, ctx);
    const applied = report.status === 'applied' && (unlocked === null || norm(unlocked) === key);
    out.push({ code: entered.trim(), status: applied ? 'applied' : 'not_applied', reason: why(applied ? 'applied' : report.reason.code) });
  }
  return out;
}
