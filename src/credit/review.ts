/**
 * Credit reviews (issue 8): score dealers from their AR and sales, then apply the suggested
 * limit within the configured bounds or propose it. Reading is one statement for all dealers;
 * each dealer's change is its own transaction (recordReview), so one dealer's trouble does not
 * undo another's change.
 */
import type { Store } from '../core/db/index.js';
import { NotFoundError } from '../core/errors.js';
import { businessDate } from '../orders/evaluate.js';
import { formatMoney, money } from '../ordering/money.js';
import { recordReview, type ReviewOutcome } from './changes.js';
import { creditPosition } from './exposure.js';
import { listChanges, loadCreditRows, type CreditChangeView, type CreditRow } from './queries.js';
import { scoreCredit } from './score.js';
import type { CreditScore, CreditSettings } from './types.js';

export interface CreditReviewSettings {
  credit: CreditSettings;
  /** The business time zone: ageing and sales buckets are calendar dates there. */
  timeZone: string;
}

/** Limit, live exposure and headroom from the dealer's credit row (as the order review sees them). */
export function exposureOf(row: CreditRow) {
  const { exposure, available } = creditPosition(row.currentLimit, row.arOpen, row.openOrders);
  return {
    limit: formatMoney(money(row.currentLimit)),
    arOpen: formatMoney(money(row.arOpen)),
    openOrders: formatMoney(money(row.openOrders)),
    exposure,
    available,
    overdue: formatMoney(money(row.overdue)),
    oldestOverdueDays: row.oldestOverdueDays,
  };
}

export interface CreditView {
  dealer: string;
  currency: string;
  exposure: ReturnType<typeof exposureOf>;
  suggestion: CreditScore;
  openProposal: CreditChangeView | null;
  changes: CreditChangeView[];
}

export async function creditView(store: Store, dealerCode: string, settings: CreditReviewSettings, now: Date): Promise<CreditView> {
  const today = businessDate(now, settings.timeZone);
  const [row] = await loadCreditRows(store, dealerCode, today, settings.timeZone);
  if (!row) throw new NotFoundError(`no dealer ${dealerCode} with a credit account`);
  const changes = await listChanges(store, row.dealerId);
  return {
    dealer: row.dealerCode,
    currency: row.currency,
    exposure: exposureOf(row),
    suggestion: scoreCredit(row, settings.credit, today),
    openProposal: changes.find((c) => c.status === 'proposed') ?? null,
    changes,
  };
}

export interface ReviewSummary {
  dealers: number;
  counts: Record<ReviewOutcome, number>;
  results: Array<{ dealer: string; score: number; band: string; currentLimit: string; suggestedLimit: string; outcome: ReviewOutcome; changeId: number | null }>;
}

/** Scores every dealer with a credit account (or one), applying or proposing each change. */
export async function reviewCredit(store: Store, settings: CreditReviewSettings, now: Date, actor: string, dealerCode: string | null = null): Promise<ReviewSummary> {
  const today = businessDate(now, settings.timeZone);
  const rows = await loadCreditRows(store, dealerCode, today, settings.timeZone);
  if (dealerCode !== null && rows.length === 0) throw new NotFoundError(`no dealer ${dealerCode} with a credit account`);
  const summary: ReviewSummary = { dealers: rows.length, counts: { applied: 0, proposed: 0, unchanged: 0, stale: 0 }, results: [] };
  const writeBackTarget = settings.credit.writeBack?.target;
  for (const row of rows) {
    const score = scoreCredit(row, settings.credit, today);
    const { outcome, change } = await store.tx((q) => recordReview(q, { dealerId: row.dealerId, actor, writeBackTarget }, score));
    summary.counts[outcome] += 1;
    summary.results.push({ dealer: row.dealerCode, score: score.score, band: score.band, currentLimit: score.currentLimit, suggestedLimit: score.suggestedLimit, outcome, changeId: change?.id ?? null });
  }
  return summary;
}
