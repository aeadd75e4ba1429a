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
 *
 * This file is the top-level flow; the README's sections live in cart.ts (§2), pass.ts (§3),
 * choose.ts (§4) and result.ts (§6).
 */
import { eligibleLines, prepareCart } from './cart.js';
import { formatCents } from './cents.js';
import { choose, type Verdicts } from './choose.js';
import { orderedPromotions } from './compiled.js';
import type { Promotion } from './definition.js';
import type { Reason } from './explain.js';
import { newList, ResultRecord, TotalsRecord } from './output.js';
import type { Candidate } from './pass.js';
import { assembleLines, couponReports, promotionReport } from './result.js';
import type { Outcome } from './rules.js';
import { enteredCoupons, screen } from './screening.js';
import type { CartLine, PromotionContext, PromotionReport, PromotionResult } from './types.js';

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
