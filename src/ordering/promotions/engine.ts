/**
 * The promotions engine: README.md in this folder is its contract, word for word. Pure: it
 * reads the cart, the promotions and the context, and returns the promoted lines with every
 * promotion's report. It works in whole cents (cents.ts); amounts become strings only in the
 * result.
 */
import { formatCents, toCents, toPrice4 } from './cents.js';
import { levelOf, type Promotion } from './definition.js';
import { explain, reason, type Reason } from './explain.js';
import { compileRule, type Evaluator, type GiftOut, type LineState, type Outcome, type PassView } from './rules.js';
import type { CartLine, CouponFacts, CouponReport, PromotedLine, PromotionContext, PromotionReport, PromotionResult } from './types.js';

/** What is worked out once per promotion object (promotions are immutable once loaded). */
interface Compiled {
  promotion: Promotion;
  evaluate: Evaluator;
  lineLevel: boolean;
  products: ReadonlySet<string> | null;
  categories: ReadonlySet<string> | null;
  excluded: ReadonlySet<string> | null;
  /** Cents of budget left, or null without an amount budget. */
  budgetLeft: number | null;
}

const compiledCache = new WeakMap<Promotion, Compiled>();

function compile(promotion: Promotion): Compiled {
  let c = compiledCache.get(promotion);
  if (c === undefined) {
    const e = promotion.eligibility;
    const set = (list: readonly string[] | undefined) => (list === undefined ? null : new Set(list));
    c = {
      promotion,
      evaluate: compileRule(promotion.rule),
      lineLevel: levelOf(promotion.rule.type) === 'line',
      products: set(e.products),
      categories: set(e.categories),
      excluded: set(e.excludeProducts),
      budgetLeft: promotion.budgetAmount === null ? null : toCents(promotion.budgetAmount) - toCents(promotion.usedAmount),
    };
    compiledCache.set(promotion, c);
  }
  return c;
}

/** Line-level first, then priority, then id (README §3). */
function evaluationOrder(a: Compiled, b: Compiled): number {
  if (a.lineLevel !== b.lineLevel) return a.lineLevel ? -1 : 1;
  return a.promotion.priority - b.promotion.priority || a.promotion.id - b.promotion.id;
}

const earlier = (a: Promotion, b: Promotion): boolean => a.priority < b.priority || (a.priority === b.priority && a.id < b.id);

// ---- §1 screening ---------------------------------------------------------------------------

const normalise = (code: string): string => code.trim().toLowerCase();

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The entered codes, each with what the store knows of it (undefined: unknown). */
interface EnteredCoupon {
  entered: string;
  key: string;
  facts: CouponFacts | undefined;
  problem: Reason | null;
}

function couponProblem(code: string, facts: CouponFacts | undefined, context: PromotionContext): Reason | null {
  if (facts === undefined) return reason('coupon_unknown', { code });
  if (facts.status !== 'active') return reason('coupon_disabled', { code });
  if (facts.validFrom !== null && context.now.getTime() < facts.validFrom.getTime()) return reason('coupon_not_started', { code });
  if (facts.validTo !== null && context.now.getTime() >= facts.validTo.getTime()) return reason('coupon_expired', { code });
  if (facts.dealerCode !== null && facts.dealerCode !== context.dealer.code) return reason('coupon_other_dealer', { code });
  if (facts.maxUses !== null && facts.used >= facts.maxUses) return reason('coupon_used_up', { code });
  if (facts.perDealerLimit !== null && facts.dealerUses >= facts.perDealerLimit) return reason('coupon_dealer_limit', { code });
  return null;
}

function enteredCoupons(context: PromotionContext): EnteredCoupon[] {
  if (context.couponCodes.length === 0) return [];
  const known = new Map(context.coupons.map((c) => [normalise(c.code), c]));
  return context.couponCodes.map((raw) => {
    const entered = raw.trim();
    const key = normalise(raw);
    const facts = known.get(key);
    return { entered, key, facts, problem: couponProblem(entered, facts, context) };
  });
}

/** The first usable entered code of this promotion (README §1.4). */
function unlockingCode(promotion: Promotion, coupons: readonly EnteredCoupon[]): EnteredCoupon | null {
  for (const c of coupons) if (c.problem === null && c.facts!.promotionId === promotion.id) return c;
  return null;
}

/** Why the promotion is not a candidate, or null when it is (the first failed step). */
function screen(c: Compiled, context: PromotionContext, coupons: readonly EnteredCoupon[]): Reason | null {
  const p = c.promotion;
  if (p.status !== 'active') return reason('not_active', { status: p.status });
  if (p.validFrom !== null && context.now.getTime() < p.validFrom.getTime()) return reason('not_started', { from: p.validFrom.toISOString() });
  if (p.validTo !== null && context.now.getTime() >= p.validTo.getTime()) return reason('ended', { to: p.validTo.toISOString() });
  const e = p.eligibility;
  const dealer = context.dealer;
  if (e.channels !== undefined && !e.channels.includes(context.channel)) return reason('channel_not_eligible', { channel: context.channel });
  if (e.dealers !== undefined && !e.dealers.includes(dealer.code)) return reason('dealer_not_eligible', { dealer: dealer.code });
  if (e.tiers !== undefined && !e.tiers.includes(dealer.tier)) return reason('tier_not_eligible', { tier: dealer.tier });
  if (e.groups !== undefined && (dealer.group === null || !e.groups.includes(dealer.group))) return reason('group_not_eligible', { group: dealer.group ?? '—' });
  if (e.regions !== undefined && !e.regions.some((prefix) => context.regionCode.startsWith(prefix))) return reason('region_not_eligible', { region: context.regionCode });
  if (e.firstOrder === true && dealer.priorOrders !== 0) return reason('not_first_order', { priorOrders: dealer.priorOrders });
  if (e.newDealerDays !== undefined) {
    const days = dealer.cooperationSince === null ? null : daysBetween(dealer.cooperationSince, context.today);
    if (days === null || days < 0 || days > e.newDealerDays) return reason('not_new_dealer', { days: days ?? 'unknown', limit: e.newDealerDays });
  }
  if (p.requiresCoupon && unlockingCode(p, coupons) === null) return reason('coupon_required');
  const uses = context.dealerUses.get(p.id) ?? 0;
  if (p.perDealerLimit !== null && uses >= p.perDealerLimit) return reason('dealer_limit_reached', { used: uses, limit: p.perDealerLimit });
  if (p.budgetUses !== null && p.usedUses >= p.budgetUses) return reason('budget_uses_exhausted', { uses: p.budgetUses });
  if (c.budgetLeft !== null && c.budgetLeft <= 0) return reason('budget_spent', { budget: p.budgetAmount! });
  return null;
}

// ---- §2 eligible lines, §3 passes -------------------------------------------------------------

interface Cart {
  /** Cart lines in SKU order. */
  lines: LineState[];
  /** Cart position of each SKU-ordered line. */
  positions: number[];
  bySku: Map<string, number>;
  gross: number[];
  giftPrices: Map<string, { price4: number | null }>;
}

function prepareCart(cart: readonly CartLine[], context: PromotionContext): Cart {
  const order = cart.map((_, i) => i).sort((a, b) => (cart[a]!.sku < cart[b]!.sku ? -1 : cart[a]!.sku > cart[b]!.sku ? 1 : 0));
  const lines = order.map((i) => {
    const l = cart[i]!;
    return { sku: l.sku, qty: l.qty, price4: toPrice4(l.unitPrice), gross: toCents(l.gross), category: l.category };
  });
  const giftPrices = new Map<string, { price4: number | null }>();
  for (const [sku, g] of context.giftProducts) giftPrices.set(sku, { price4: g.unitPrice === null ? null : toPrice4(g.unitPrice) });
  return { lines, positions: order, bySku: new Map(lines.map((l, i) => [l.sku, i])), gross: lines.map((l) => l.gross), giftPrices };
}

function eligibleLines(c: Compiled, lines: readonly LineState[]): number[] {
  const out: number[] = [];
  const open = c.products === null && c.categories === null;
  for (let i = 0; i < lines.length; i += 1) {
    const l = lines[i]!;
    const listed = open || (c.products !== null && c.products.has(l.sku)) || (c.categories !== null && l.category !== null && c.categories.has(l.category));
    if (listed && !(c.excluded !== null && c.excluded.has(l.sku))) out.push(i);
  }
  return out;
}

interface Candidate {
  compiled: Compiled;
  eligible: number[];
}

interface Pass {
  /** false: order-level outcomes carry their discount but not its split over the lines (see runPass). */
  full: boolean;
  /** Per promotion id: its outcome in this pass (after the budget check). */
  outcomes: Map<number, Outcome>;
  /** Applied outcomes in evaluation order. */
  applied: Candidate[];
  remaining: number[];
  benefit: number;
}

/**
 * Runs `members` (in evaluation order) over the cart from full gross (README §3). With `full`
 * false (one candidate alone, to learn whether it applies and its benefit) the order-level split
 * over the lines is skipped: the discount and benefit are the same, the lines are not.
 */
function runPass(cart: Cart, members: readonly Candidate[], full = true): Pass {
  const remaining = cart.gross.slice();
  const view: { -readonly [K in keyof PassView]: PassView[K] } = {
    lines: cart.lines,
    bySku: cart.bySku,
    remaining,
    afterLineStage: null,
    eligible: [],
    giftPrices: cart.giftPrices,
    needParts: full,
  };
  const pass: Pass = { full, outcomes: new Map(), applied: [], remaining, benefit: 0 };
  for (const member of members) {
    const { compiled } = member;
    if (!compiled.lineLevel && view.afterLineStage === null) view.afterLineStage = remaining.slice();
    view.eligible = member.eligible;
    let outcome = compiled.evaluate(view);
    if (outcome.applied && compiled.budgetLeft !== null && outcome.discount > compiled.budgetLeft) {
      outcome = { ...outcome, applied: false, discount: 0, parts: [], gifts: [], giftValue: 0, reason: reason('budget_exhausted', { left: formatCents(compiled.budgetLeft), discount: formatCents(outcome.discount) }), hint: null };
    }
    pass.outcomes.set(compiled.promotion.id, outcome);
    if (!outcome.applied) continue;
    for (const [i, cents] of outcome.parts) remaining[i] = remaining[i]! - cents;
    pass.applied.push(member);
    pass.benefit += outcome.discount + outcome.giftValue;
  }
  return pass;
}

// ---- §4 choosing ------------------------------------------------------------------------------

interface Choice {
  pass: Pass;
  winners: ReadonlySet<number>;
  /** Why a candidate outside the winning option did not apply. */
  lost: Map<number, Reason>;
}

/** Fills `reasons` and `hints` for candidates that do not apply even alone. */
function choose(cart: Cart, candidates: Candidate[], reasons: Map<number, Reason>, hints: Map<number, Reason | null>): Choice {
  const alone = new Map<number, Pass>();
  let standing: Candidate[] = [];
  for (const candidate of candidates) {
    const id = candidate.compiled.promotion.id;
    const pass = runPass(cart, [candidate], false);
    const outcome = pass.outcomes.get(id)!;
    if (!outcome.applied) {
      reasons.set(id, outcome.reason);
      hints.set(id, outcome.hint);
      continue;
    }
    alone.set(id, pass);
    standing.push(candidate);
  }
  const benefitAlone = (c: Candidate) => alone.get(c.compiled.promotion.id)!.benefit;
  const lost = new Map<number, Reason>();

  const groupWinner = new Map<string, Candidate>();
  for (const c of standing) {
    const group = c.compiled.promotion.exclusiveGroup;
    if (group === null) continue;
    const best = groupWinner.get(group);
    if (best === undefined || benefitAlone(c) > benefitAlone(best) || (benefitAlone(c) === benefitAlone(best) && earlier(c.compiled.promotion, best.compiled.promotion))) {
      groupWinner.set(group, c);
    }
  }
  standing = standing.filter((c) => {
    const group = c.compiled.promotion.exclusiveGroup;
    if (group === null) return true;
    const winner = groupWinner.get(group)!;
    if (winner === c) return true;
    lost.set(
      c.compiled.promotion.id,
      reason('exclusive_group_lost', { group, winner: winner.compiled.promotion.code, winnerBenefit: formatCents(benefitAlone(winner)), benefit: formatCents(benefitAlone(c)) }),
    );
    return false;
  });

  const options: Array<{ members: Candidate[]; pass: Pass; label: string }> = [];
  const stackable = standing.filter((c) => c.compiled.promotion.stackable);
  if (stackable.length > 0) {
    const pass = stackable.length === 1 ? alone.get(stackable[0]!.compiled.promotion.id)! : runPass(cart, stackable);
    options.push({ members: stackable, pass, label: stackable.map((c) => c.compiled.promotion.code).join(' + ') });
  }
  const single = standing.filter((c) => !c.compiled.promotion.stackable).sort((a, b) => evaluationTie(a.compiled.promotion, b.compiled.promotion));
  for (const c of single) options.push({ members: [c], pass: alone.get(c.compiled.promotion.id)!, label: c.compiled.promotion.code });

  if (options.length === 0) return { pass: runPass(cart, []), winners: new Set(), lost };
  let best = options[0]!;
  for (const option of options) if (option.pass.benefit > best.pass.benefit) best = option;
  const winners = new Set(best.members.map((c) => c.compiled.promotion.id));
  for (const option of options) {
    if (option === best) continue;
    for (const c of option.members) {
      lost.set(c.compiled.promotion.id, reason('not_combined', { winner: best.label, winnerBenefit: formatCents(best.pass.benefit), benefit: formatCents(option.pass.benefit) }));
    }
  }
  // An alone pass did not split order-level discounts over the lines: run the winner in full.
  return { pass: best.pass.full ? best.pass : runPass(cart, best.members), winners, lost };
}

const evaluationTie = (a: Promotion, b: Promotion): number => a.priority - b.priority || a.id - b.id;

// ---- §6 result ----------------------------------------------------------------------------------

function assembleLines(cart: readonly CartLine[], prepared: Cart, pass: Pass): PromotedLine[] {
  const discounts: Array<Array<{ promotion: string; amount: string }>> = prepared.lines.map(() => []);
  const gifts: Array<GiftOut & { giftOf: string }> = [];
  for (const member of pass.applied) {
    const outcome = pass.outcomes.get(member.compiled.promotion.id)!;
    const code = member.compiled.promotion.code;
    for (const [i, cents] of outcome.parts) discounts[i]!.push({ promotion: code, amount: formatCents(cents) });
    for (const g of outcome.gifts) gifts.push({ sku: g.sku, qty: g.qty, giftOf: code });
  }
  const sortedIndex = new Array<number>(cart.length);
  prepared.positions.forEach((cartIndex, sorted) => (sortedIndex[cartIndex] = sorted));
  const lines: PromotedLine[] = cart.map((line, cartIndex) => {
    const i = sortedIndex[cartIndex]!;
    const gross = prepared.gross[i]!;
    const net = pass.remaining[i]!;
    return {
      lineNo: line.lineNo,
      sku: line.sku,
      qty: line.qty,
      unitPrice: line.unitPrice,
      gross: formatCents(gross),
      discount: formatCents(gross - net),
      net: formatCents(net),
      isGift: false,
      giftOf: null,
      discounts: discounts[i]!,
    };
  });
  let lineNo = cart.reduce((most, l) => Math.max(most, l.lineNo), 0);
  for (const g of gifts) {
    lineNo += 1;
    lines.push({ lineNo, sku: g.sku, qty: g.qty, unitPrice: '0.00', gross: '0.00', discount: '0.00', net: '0.00', isGift: true, giftOf: g.giftOf, discounts: [] });
  }
  return lines;
}

function couponReports(entered: readonly EnteredCoupon[], promotions: ReadonlyMap<number, Promotion>, reports: ReadonlyMap<number, PromotionReport>): CouponReport[] {
  const seen = new Set<string>();
  const out: CouponReport[] = [];
  for (const c of entered) {
    if (seen.has(c.key)) continue;
    seen.add(c.key);
    const report = (status: CouponReport['status'], why: Reason) => out.push({ code: c.entered, status, reason: explain(why) });
    if (c.problem !== null) {
      report('invalid', c.problem);
      continue;
    }
    const promotion = promotions.get(c.facts!.promotionId);
    if (promotion === undefined) {
      report('invalid', reason('coupon_promotion_unavailable', { code: c.entered }));
      continue;
    }
    if (!promotion.requiresCoupon) {
      report('not_applied', reason('coupon_not_needed', { promotion: promotion.code }));
      continue;
    }
    const unlocking = unlockingCode(promotion, entered)!;
    if (unlocking.key !== c.key) {
      report('not_applied', reason('coupon_redundant', { other: unlocking.entered }));
      continue;
    }
    const promoted = reports.get(promotion.id)!;
    if (promoted.status === 'applied') report('applied', reason('coupon_applied', { code: c.entered, promotion: promotion.code }));
    else report('not_applied', reason('coupon_promotion_not_applied', { promotion: promotion.code, why: promoted.reason.message.en }));
  }
  return out;
}

/** Evaluates every promotion against the cart (README.md). Does not change its inputs. */
export function evaluatePromotions(cart: readonly CartLine[], promotions: readonly Promotion[], context: PromotionContext): PromotionResult {
  const prepared = prepareCart(cart, context);
  const coupons = enteredCoupons(context);
  const all = promotions.map(compile).sort(evaluationOrder);

  const reasons = new Map<number, Reason>();
  const candidates: Candidate[] = [];
  for (const c of all) {
    const problem = screen(c, context, coupons);
    if (problem !== null) reasons.set(c.promotion.id, problem);
    else candidates.push({ compiled: c, eligible: eligibleLines(c, prepared.lines) });
  }
  const standaloneHints = new Map<number, Reason | null>();
  const { pass, winners, lost } = choose(prepared, candidates, reasons, standaloneHints);
  for (const [id, why] of lost) reasons.set(id, why);

  const reportById = new Map<number, PromotionReport>();
  const reports = all.map((c): PromotionReport => {
    const p = c.promotion;
    const outcome = winners.has(p.id) ? pass.outcomes.get(p.id) : undefined;
    const applied = outcome !== undefined && outcome.applied;
    const why = outcome !== undefined ? outcome.reason : reasons.get(p.id)!;
    const hint = outcome !== undefined ? outcome.hint : (standaloneHints.get(p.id) ?? null);
    const unlocking = p.requiresCoupon ? unlockingCode(p, coupons) : null;
    const report: PromotionReport = {
      id: p.id,
      code: p.code,
      name: p.name,
      type: p.rule.type,
      level: c.lineLevel ? 'line' : 'order',
      status: applied ? 'applied' : 'not_applied',
      discount: formatCents(applied ? outcome.discount : 0),
      gifts: applied ? outcome.gifts.map((g) => ({ sku: g.sku, qty: g.qty })) : [],
      reason: explain(why),
      hint: hint === null ? null : explain(hint),
      coupon: unlocking === null ? null : unlocking.entered,
    };
    reportById.set(p.id, report);
    return report;
  });

  let gross = 0;
  let net = 0;
  for (let i = 0; i < prepared.gross.length; i += 1) {
    gross += prepared.gross[i]!;
    net += pass.remaining[i]!;
  }
  return {
    lines: assembleLines(cart, prepared, pass),
    totals: { gross: formatCents(gross), discount: formatCents(gross - net), net: formatCents(net), currency: context.currency },
    promotions: reports,
    coupons: couponReports(coupons, new Map(promotions.map((p) => [p.id, p])), reportById),
  };
}
