/** README §4: which of the candidates apply, and the winning pass. */
import { formatCents } from './cents.js';
import type { Cart } from './cart.js';
import type { Promotion } from './definition.js';
import { reason, type Reason } from './explain.js';
import { newView, runPass, withinBudget, type Candidate, type Pass } from './pass.js';

/** Why each promotion (by slot) did not apply, for those not reported from the winning pass. */
export interface Verdicts {
  reasons: Array<Reason | undefined>;
  hints: Array<Reason | null>;
}

export interface Choice {
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

export function choose(cart: Cart, candidates: readonly Candidate[], verdicts: Verdicts, slots: number): Choice {
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
