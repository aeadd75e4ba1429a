/** README §3: one pass of promotions over the cart, and the candidates it is made of. */
import { formatCents } from './cents.js';
import type { Cart } from './cart.js';
import type { Compiled } from './compiled.js';
import { reason } from './explain.js';
import { notApplied, type Outcome, type PassView } from './rules.js';

export interface Candidate {
  compiled: Compiled;
  /** Position in evaluation order (index into the per-promotion arrays of one call). */
  slot: number;
  eligible: readonly number[];
  /** B(p): its benefit alone (README §4.2), once it applies alone. */
  benefit: number;
}

/** A detailed pass: every member's outcome, the lines' remaining net and the benefit. */
export interface Pass {
  members: readonly Candidate[];
  /** Per member (same index): its outcome in this pass, after the budget check. */
  outcomes: Outcome[];
  remaining: number[];
  benefit: number;
}

/** README §3 "Budget amount": a discount beyond the budget left does not apply. */
export function withinBudget(c: Compiled, outcome: Outcome): Outcome {
  if (!outcome.applied || c.budgetLeft === null || outcome.discount <= c.budgetLeft) return outcome;
  return notApplied(reason('budget_exhausted', { left: formatCents(c.budgetLeft), discount: formatCents(outcome.discount) }));
}

export function newView(cart: Cart, remaining: readonly number[], detail: boolean): PassView {
  return { lines: cart.lines, bySku: cart.bySku, remaining, afterLineStage: null, eligible: cart.every, gifts: cart.gifts, detail };
}

/** Runs `members` (in evaluation order) over the cart from full gross, in detail (README §3). */
export function runPass(cart: Cart, members: readonly Candidate[]): Pass {
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
