/**
 * The promotions engine: README.md in this folder is its contract, word for word. Pure: it
 * reads the cart, the promotions and the context, and returns the promoted lines with every
 * promotion's report. It works in whole cents (cents.ts); amounts become strings only in the
 * result.
 *
 * It runs on every quote and order with all active promotions loaded, so the per-call work is
 * kept to what the cart needs: what depends only on a promotion is compiled once per promotion
 * object (compiled.ts), candidates are judged alone without copying the cart state or building
 * texts (rules.ts, `detail`), and sentences are made only for the result. Promotion ids are
 * unique (they are the stored promotions' keys; the README breaks ties by id).
 */
import { formatCents, toCents, toPrice4 } from './cents.js';
import { orderedPromotions, type Compiled } from './compiled.js';
import type { Promotion } from './definition.js';
import { explain, reason, type Reason } from './explain.js';
import { CouponReportRecord, GiftRecord, LineDiscountRecord, LineRecord, newList, ReportRecord, ResultRecord, TotalsRecord } from './output.js';
import type { GiftPrices, LineState, Outcome, PassView } from './rules.js';
import { notApplied } from './rules.js';
import { enteredCoupons, screen, unlockingCode, type EnteredCoupon } from './screening.js';
import type { CartLine, CouponReport, LineDiscount, PromotedLine, PromotionContext, PromotionReport, PromotionResult } from './types.js';

// ---- §2 eligible lines, §3 passes -------------------------------------------------------------

interface Cart {
  /** Cart lines in SKU order. */
  lines: LineState[];
  /** Cart position of each SKU-ordered line. */
  positions: number[];
  bySku: Map<string, number>;
  /** false when a SKU appears on two lines (carts do not, but eligibleLines must not assume it). */
  uniqueSkus: boolean;
  /** Lines per category, made when a promotion first asks. */
  byCategory: Map<string, number[]> | null;
  gross: number[];
  /** 0 … lines − 1: the eligible lines of a promotion open to every line. */
  every: number[];
  gifts: GiftPrices;
}

function prepareCart(cart: readonly CartLine[], context: PromotionContext): Cart {
  const positions = skuOrder(cart);
  const lines: LineState[] = [];
  const gross: number[] = [];
  const every: number[] = [];
  const bySku = new Map<string, number>();
  for (let i = 0; i < positions.length; i += 1) {
    const l = cart[positions[i]!]!;
    const line: LineState = { sku: l.sku, qty: l.qty, price4: toPrice4(l.unitPrice), gross: toCents(l.gross), category: l.category };
    lines.push(line);
    gross.push(line.gross);
    every.push(i);
    bySku.set(l.sku, i);
  }
  return {
    lines,
    positions,
    bySku,
    uniqueSkus: bySku.size === lines.length,
    byCategory: null,
    gross,
    every,
    gifts: new ContextGiftPrices(context.giftProducts),
  };
}

/** Cart positions in ascending SKU order; equal SKUs (none in a valid cart) keep cart order. */
function skuOrder(cart: readonly CartLine[]): number[] {
  const order = new Array<number>(cart.length);
  for (let i = 0; i < cart.length; i += 1) order[i] = i;
  if (cart.length > 64) return order.sort((a, b) => compareSku(cart[a]!.sku, cart[b]!.sku));
  // Insertion sort (stable): for a cart's few dozen lines it beats sort()'s comparator calls.
  for (let i = 1; i < cart.length; i += 1) {
    const sku = cart[i]!.sku;
    let k = i;
    while (k > 0 && cart[order[k - 1]!]!.sku > sku) {
      order[k] = order[k - 1]!;
      k -= 1;
    }
    order[k] = i;
  }
  return order;
}

const compareSku = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Gift prices in 1/10000, parsed when a gift rule asks: the context holds every product of the
 * order, most of which are never a gift.
 */
class ContextGiftPrices implements GiftPrices {
  constructor(private readonly products: PromotionContext['giftProducts']) {}

  priceOf(sku: string): number | null | undefined {
    const product = this.products.get(sku);
    if (product === undefined) return undefined;
    return product.unitPrice === null ? null : toPrice4(product.unitPrice);
  }
}

/**
 * README §2. A promotion's lists are usually a few entries against a cart of many lines: then
 * its lines are gathered by looking the entries up in the cart, rather than every line in the
 * lists (when the lists are longer than the cart, or a SKU repeats, line by line).
 */
function eligibleLines(c: Compiled, cart: Cart): readonly number[] {
  if (c.everyLine) return cart.every;
  const n = cart.lines.length;
  if (!cart.uniqueSkus || c.productList.length + c.categoryList.length + c.excludedList.length > n) return eligibleByLine(c, cart);
  if (c.products === null && c.categories === null) return eligibleByLine(c, cart); // every line but the excluded
  if (c.products === null && c.excluded === null && c.categoryList.length === 1) {
    // One category and nothing else (the usual case): its lines, already in order.
    return categoryLines(cart).get(c.categoryList[0]!) ?? NO_LINES;
  }
  const out: number[] = [];
  for (const sku of c.productList) {
    const i = cart.bySku.get(sku);
    if (i !== undefined) out.push(i);
  }
  if (c.categoryList.length > 0) {
    const byCategory = categoryLines(cart);
    for (const category of c.categoryList) for (const i of byCategory.get(category) ?? NO_LINES) out.push(i);
  }
  const listed = sortedUnique(out);
  if (c.excluded === null) return listed;
  const excluded = c.excluded;
  return listed.filter((i) => !excluded.has(cart.lines[i]!.sku));
}

/** Sorts line indices ascending and drops repeats, in place (a line can be listed twice). */
function sortedUnique(indices: number[]): number[] {
  if (indices.length > 64) indices.sort((a, b) => a - b);
  else {
    for (let k = 1; k < indices.length; k += 1) {
      const x = indices[k]!;
      let j = k;
      while (j > 0 && indices[j - 1]! > x) {
        indices[j] = indices[j - 1]!;
        j -= 1;
      }
      indices[j] = x;
    }
  }
  let repeats = false;
  for (let k = 1; k < indices.length; k += 1) if (indices[k] === indices[k - 1]) repeats = true;
  return repeats ? indices.filter((i, k) => k === 0 || i !== indices[k - 1]) : indices;
}

const NO_LINES: readonly number[] = [];

/** The cart's lines per category, ascending (made when a promotion first asks). */
function categoryLines(cart: Cart): ReadonlyMap<string, readonly number[]> {
  return (cart.byCategory ??= linesByCategory(cart.lines));
}

function linesByCategory(lines: readonly LineState[]): Map<string, number[]> {
  const byCategory = new Map<string, number[]>();
  for (let i = 0; i < lines.length; i += 1) {
    const category = lines[i]!.category;
    if (category === null) continue;
    const listed = byCategory.get(category);
    if (listed === undefined) byCategory.set(category, [i]);
    else listed.push(i);
  }
  return byCategory;
}

/** README §2 as written: each line against the promotion's lists. */
function eligibleByLine(c: Compiled, cart: Cart): readonly number[] {
  const out: number[] = [];
  const { products, categories, excluded } = c;
  const open = products === null && categories === null;
  for (let i = 0; i < cart.lines.length; i += 1) {
    const l = cart.lines[i]!;
    const listed = open || (products !== null && products.has(l.sku)) || (categories !== null && l.category !== null && categories.has(l.category));
    if (listed && !(excluded !== null && excluded.has(l.sku))) out.push(i);
  }
  return out;
}

interface Candidate {
  compiled: Compiled;
  /** Position in evaluation order (index into the per-promotion arrays of one call). */
  slot: number;
  eligible: readonly number[];
  /** B(p): its benefit alone (README §4.2), once it applies alone. */
  benefit: number;
}

/** A detailed pass: every member's outcome, the lines' remaining net and the benefit. */
interface Pass {
  members: readonly Candidate[];
  /** Per member (same index): its outcome in this pass, after the budget check. */
  outcomes: Outcome[];
  remaining: number[];
  benefit: number;
}

/** README §3 "Budget amount": a discount beyond the budget left does not apply. */
function withinBudget(c: Compiled, outcome: Outcome): Outcome {
  if (!outcome.applied || c.budgetLeft === null || outcome.discount <= c.budgetLeft) return outcome;
  return notApplied(reason('budget_exhausted', { left: formatCents(c.budgetLeft), discount: formatCents(outcome.discount) }));
}

function newView(cart: Cart, remaining: readonly number[], detail: boolean): PassView {
  return { lines: cart.lines, bySku: cart.bySku, remaining, afterLineStage: null, eligible: cart.every, gifts: cart.gifts, detail };
}

/** Runs `members` (in evaluation order) over the cart from full gross, in detail (README §3). */
function runPass(cart: Cart, members: readonly Candidate[]): Pass {
  const remaining = cart.gross.slice();
  const view = newView(cart, remaining, true);
  const pass: Pass = { members, outcomes: [], remaining, benefit: 0 };
  for (const member of members) {
    const { compiled } = member;
    if (!compiled.lineLevel && view.afterLineStage === null) view.afterLineStage = remaining.slice();
    view.eligible = member.eligible;
    const outcome = withinBudget(compiled, compiled.evaluate(view));
    pass.outcomes.push(outcome);
    if (!outcome.applied) continue;
    const parts = outcome.parts;
    for (let k = 0; k < parts.length; k += 2) remaining[parts[k]!] = remaining[parts[k]!]! - parts[k + 1]!;
    pass.benefit += outcome.discount + outcome.giftValue;
  }
  return pass;
}

// ---- §4 choosing ------------------------------------------------------------------------------

/** Why each promotion (by slot) did not apply, for those not reported from the winning pass. */
interface Verdicts {
  reasons: Array<Reason | undefined>;
  hints: Array<Reason | null>;
}

interface Choice {
  pass: Pass;
  /** The winning option's members, by slot. */
  winners: boolean[];
}

/**
 * Judges each candidate alone against the untouched cart (README §4.2). Nothing is copied: a
 * promotion alone sees every line at its gross, and only its outcome is kept. Returns those that
 * apply alone, with their benefit; the others get their reason and hint in `verdicts`.
 */
function applyingAlone(cart: Cart, candidates: readonly Candidate[], verdicts: Verdicts): Candidate[] {
  const view = newView(cart, cart.gross, false);
  const standing: Candidate[] = [];
  for (const candidate of candidates) {
    const { compiled } = candidate;
    view.eligible = candidate.eligible;
    // Alone, the order-level stage starts from the gross.
    view.afterLineStage = compiled.lineLevel ? null : cart.gross;
    const outcome = withinBudget(compiled, compiled.evaluate(view));
    if (!outcome.applied) {
      verdicts.reasons[candidate.slot] = outcome.reason;
      verdicts.hints[candidate.slot] = outcome.hint;
      continue;
    }
    candidate.benefit = outcome.discount + outcome.giftValue;
    standing.push(candidate);
  }
  return standing;
}

/** README §4.3: in each exclusive group only the largest benefit alone stays. */
function exclusiveGroupWinners(standing: readonly Candidate[], verdicts: Verdicts): Candidate[] {
  const groupWinner = new Map<string, Candidate>();
  for (const c of standing) {
    const group = c.compiled.promotion.exclusiveGroup;
    if (group === null) continue;
    const best = groupWinner.get(group);
    if (best === undefined || c.benefit > best.benefit || (c.benefit === best.benefit && earlier(c.compiled.promotion, best.compiled.promotion))) groupWinner.set(group, c);
  }
  if (groupWinner.size === 0) return standing.slice();
  return standing.filter((c) => {
    const group = c.compiled.promotion.exclusiveGroup;
    if (group === null) return true;
    const winner = groupWinner.get(group)!;
    if (winner === c) return true;
    verdicts.reasons[c.slot] = reason('exclusive_group_lost', {
      group,
      winner: winner.compiled.promotion.code,
      winnerBenefit: formatCents(winner.benefit),
      benefit: formatCents(c.benefit),
    });
    return false;
  });
}

interface Option {
  members: Candidate[];
  benefit: number;
  /** Its detailed pass when one was run (the stack of several stackable promotions). */
  pass: Pass | null;
}

function choose(cart: Cart, candidates: readonly Candidate[], verdicts: Verdicts, slots: number): Choice {
  const standing = exclusiveGroupWinners(applyingAlone(cart, candidates, verdicts), verdicts);

  // README §4.4: the stack of every stackable candidate, then each non-stackable one alone.
  const options: Option[] = [];
  const stackable = standing.filter((c) => c.compiled.promotion.stackable);
  if (stackable.length === 1) options.push({ members: stackable, benefit: stackable[0]!.benefit, pass: null });
  else if (stackable.length > 1) {
    const pass = runPass(cart, stackable);
    options.push({ members: stackable, benefit: pass.benefit, pass });
  }
  const single = standing.filter((c) => !c.compiled.promotion.stackable).sort((a, b) => evaluationTie(a.compiled.promotion, b.compiled.promotion));
  for (const c of single) options.push({ members: [c], benefit: c.benefit, pass: null });

  const winners = new Array<boolean>(slots).fill(false);
  if (options.length === 0) return { pass: runPass(cart, []), winners };
  let best = options[0]!;
  for (const option of options) if (option.benefit > best.benefit) best = option;
  for (const c of best.members) winners[c.slot] = true;
  if (options.length > 1) {
    const label = best.members.map((c) => c.compiled.promotion.code).join(' + ');
    const winnerBenefit = formatCents(best.benefit);
    for (const option of options) {
      if (option === best) continue;
      const why = { winner: label, winnerBenefit, benefit: formatCents(option.benefit) };
      for (const c of option.members) verdicts.reasons[c.slot] = reason('not_combined', why);
    }
  }
  // A promotion judged alone was not run in detail: run the winner in full.
  return { pass: best.pass ?? runPass(cart, best.members), winners };
}

const earlier = (a: Promotion, b: Promotion): boolean => a.priority < b.priority || (a.priority === b.priority && a.id < b.id);
const evaluationTie = (a: Promotion, b: Promotion): number => a.priority - b.priority || a.id - b.id;

// ---- §6 result ----------------------------------------------------------------------------------

/** README §6: cart lines in cart order, then the gift lines. Records: see output.ts. */
function assembleLines(cart: readonly CartLine[], prepared: Cart, pass: Pass): PromotedLine[] {
  const n = prepared.lines.length;
  const discounts: LineDiscount[][] = [];
  for (let i = 0; i < n; i += 1) discounts.push(newList());
  for (let m = 0; m < pass.members.length; m += 1) {
    const outcome = pass.outcomes[m]!;
    if (!outcome.applied) continue;
    const code = pass.members[m]!.compiled.promotion.code;
    const parts = outcome.parts;
    for (let k = 0; k < parts.length; k += 2) discounts[parts[k]!]!.push(new LineDiscountRecord(code, formatCents(parts[k + 1]!)));
  }
  const sortedIndex = new Array<number>(cart.length);
  for (let sorted = 0; sorted < n; sorted += 1) sortedIndex[prepared.positions[sorted]!] = sorted;
  const lines: PromotedLine[] = newList();
  let lineNo = 0;
  for (let cartIndex = 0; cartIndex < cart.length; cartIndex += 1) {
    const line = cart[cartIndex]!;
    const i = sortedIndex[cartIndex]!;
    const gross = prepared.gross[i]!;
    const net = pass.remaining[i]!;
    lines.push(new LineRecord(line.lineNo, line.sku, line.qty, line.unitPrice, formatCents(gross), formatCents(gross - net), formatCents(net), false, null, discounts[i]!));
    lineNo = Math.max(lineNo, line.lineNo);
  }
  for (let m = 0; m < pass.members.length; m += 1) {
    const outcome = pass.outcomes[m]!;
    if (!outcome.applied) continue;
    const code = pass.members[m]!.compiled.promotion.code;
    for (const g of outcome.gifts) {
      lineNo += 1;
      lines.push(new LineRecord(lineNo, g.sku, g.qty, '0.00', '0.00', '0.00', '0.00', true, code, newList()));
    }
  }
  return lines;
}

/** The loaded promotion with this id (the last one, as a map by id would hold). */
function promotionById(promotions: readonly Promotion[], id: number): Promotion | undefined {
  for (let k = promotions.length - 1; k >= 0; k -= 1) if (promotions[k]!.id === id) return promotions[k];
  return undefined;
}

function couponReport(c: EnteredCoupon, status: CouponReport['status'], why: Reason): CouponReport {
  return new CouponReportRecord(c.entered, status, explain(why));
}

function couponReports(entered: readonly EnteredCoupon[], promotions: readonly Promotion[], reports: readonly PromotionReport[]): CouponReport[] {
  const seen = new Set<string>();
  const out: CouponReport[] = newList();
  for (const c of entered) {
    if (seen.has(c.key)) continue;
    seen.add(c.key);
    if (c.problem !== null) {
      out.push(couponReport(c, 'invalid', c.problem));
      continue;
    }
    const promotion = promotionById(promotions, c.facts!.promotionId);
    if (promotion === undefined) {
      out.push(couponReport(c, 'invalid', reason('coupon_promotion_unavailable', { code: c.entered })));
      continue;
    }
    if (!promotion.requiresCoupon) {
      out.push(couponReport(c, 'not_applied', reason('coupon_not_needed', { promotion: promotion.code })));
      continue;
    }
    const unlocking = unlockingCode(promotion, entered)!;
    if (unlocking.key !== c.key) {
      out.push(couponReport(c, 'not_applied', reason('coupon_redundant', { other: unlocking.entered })));
      continue;
    }
    const promoted = reports.findLast((r) => r.id === promotion.id)!;
    if (promoted.status === 'applied') out.push(couponReport(c, 'applied', reason('coupon_applied', { code: c.entered, promotion: promotion.code })));
    else out.push(couponReport(c, 'not_applied', reason('coupon_promotion_not_applied', { promotion: promotion.code, why: promoted.reason.message.en })));
  }
  return out;
}

function promotionReport(c: Compiled, outcome: Outcome | undefined, why: Reason, hint: Reason | null, coupons: readonly EnteredCoupon[]): PromotionReport {
  const p = c.promotion;
  const applied = outcome !== undefined && outcome.applied;
  const unlocking = p.requiresCoupon ? unlockingCode(p, coupons) : null;
  const gifts: GiftRecord[] = newList();
  if (applied) for (const g of outcome.gifts) gifts.push(new GiftRecord(g.sku, g.qty));
  return new ReportRecord(
    p.id,
    p.code,
    p.name,
    p.rule.type,
    c.lineLevel ? 'line' : 'order',
    applied ? 'applied' : 'not_applied',
    formatCents(applied ? outcome.discount : 0),
    gifts,
    explain(why),
    hint === null ? null : explain(hint),
    unlocking === null ? null : unlocking.entered,
  );
}

/** Evaluates every promotion against the cart (README.md). Does not change its inputs. */
export function evaluatePromotions(cart: readonly CartLine[], promotions: readonly Promotion[], context: PromotionContext): PromotionResult {
  const prepared = prepareCart(cart, context);
  const coupons = enteredCoupons(context);
  const all = orderedPromotions(promotions);

  const verdicts: Verdicts = { reasons: new Array<Reason | undefined>(all.length), hints: new Array<Reason | null>(all.length).fill(null) };
  const candidates: Candidate[] = [];
  for (let slot = 0; slot < all.length; slot += 1) {
    const c = all[slot]!;
    const problem = screen(c, context, coupons);
    if (problem !== null) verdicts.reasons[slot] = problem;
    // A bundle's lines are its components (README §2): it does not read `eligible`.
    else candidates.push({ compiled: c, slot, eligible: c.bundle ? prepared.every : eligibleLines(c, prepared), benefit: 0 });
  }
  const { pass, winners } = choose(prepared, candidates, verdicts, all.length);

  // The winning pass's outcome of each of its members, by slot.
  const final = new Array<Outcome | undefined>(all.length);
  for (let m = 0; m < pass.members.length; m += 1) final[pass.members[m]!.slot] = pass.outcomes[m];
  const reports: PromotionReport[] = newList();
  for (let slot = 0; slot < all.length; slot += 1) {
    const outcome = winners[slot] ? final[slot] : undefined;
    if (outcome !== undefined) reports.push(promotionReport(all[slot]!, outcome, outcome.reason, outcome.hint, coupons));
    else reports.push(promotionReport(all[slot]!, undefined, verdicts.reasons[slot]!, verdicts.hints[slot]!, coupons));
  }

  let gross = 0;
  let net = 0;
  for (let i = 0; i < prepared.gross.length; i += 1) {
    gross += prepared.gross[i]!;
    net += pass.remaining[i]!;
  }
  return new ResultRecord(
    assembleLines(cart, prepared, pass),
    new TotalsRecord(formatCents(gross), formatCents(gross - net), formatCents(net), context.currency),
    reports,
    coupons.length === 0 ? newList() : couponReports(coupons, promotions, reports),
  );
}
