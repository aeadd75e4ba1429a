/**
 * Changing a dealer's credit limit: applied by the review job within its bounds, or proposed and
 * later approved or rejected by a person. Each is one transaction that locks the dealer's credit
 * row (the same lock orders take, so an order never sees half a change), writes the limit, the
 * audit row in credit_limit_changes and — when credit.writeBack names a target — the outbox row
 * `credit.limit_changed` for the ERP.
 */
import type { Queryable } from '../core/db/index.js';
import { ConflictError, NotFoundError } from '../core/errors.js';
import { CHANGE_COLUMNS, isoDates, type CreditChangeView } from './queries.js';
import type { CreditScore } from './types.js';

/** Outbox event of a limit change; the row's target is credit.writeBack.target (`credit`, delivered by the relay, when writeBack.connector is set). */
export const LIMIT_CHANGED_EVENT = 'credit.limit_changed';

export interface ChangeContext {
  dealerId: number;
  actor: string;
  /** credit.writeBack.target (`credit` with writeBack.connector), or undefined: no outbox row. */
  writeBackTarget: string | undefined;
}

/** The scorer's output as stored with the change (score, band, base, bounds, factors). */
function factorsOf(score: CreditScore): Record<string, unknown> {
  const { factors, base, months, bounded, changePercent } = score;
  return { base, months, bounded, changePercent, factors };
}

function reasonOf(score: CreditScore): string {
  return `score ${score.score} (band ${score.band}): ${score.months} months of average sales = ${score.base}` +
    (score.bounded.length > 0 ? `, bounded by ${score.bounded.join(', ')}` : '') + ` → ${score.suggestedLimit}`;
}

async function lockLimit(q: Queryable, dealerId: number): Promise<{ limit: string; currency: string }> {
  const { rows } = await q.query<{ limit: string; currency: string }>(
    'SELECT credit_limit::text AS "limit", currency FROM credit_accounts WHERE dealer_id = $1 FOR UPDATE',
    [dealerId],
  );
  if (!rows[0]) throw new NotFoundError('the dealer has no credit account');
  return rows[0];
}

async function writeLimit(q: Queryable, ctx: ChangeContext, changeId: number, currency: string, oldLimit: string, newLimit: string, reason: string): Promise<void> {
  await q.query('UPDATE credit_accounts SET credit_limit = $2 WHERE dealer_id = $1', [ctx.dealerId, newLimit]);
  if (!ctx.writeBackTarget) return;
  await q.query(
    `INSERT INTO outbox (event, aggregate_type, aggregate_id, target, payload)
     SELECT $1, 'dealer', d.code, $2, json_build_object('changeId', $3::bigint, 'dealerCode', d.code, 'currency', $4::text, 'oldLimit', $5::text,
                                                        'newLimit', $6::text, 'reason', $7::text, 'actor', $8::text)::jsonb
       FROM dealers d WHERE d.id = $9`,
    [LIMIT_CHANGED_EVENT, ctx.writeBackTarget, changeId, currency, oldLimit, newLimit, reason, ctx.actor, ctx.dealerId],
  );
}

export type ReviewOutcome = 'applied' | 'proposed' | 'unchanged' | 'stale';

/**
 * What the review job does with one dealer's score. 'stale': the limit changed since it was
 * scored (a sync or a person) — nothing written, the next run scores it afresh. An open proposal
 * for the same limit is kept as it is; one for another limit is superseded.
 */
export async function recordReview(q: Queryable, ctx: ChangeContext, score: CreditScore): Promise<{ outcome: ReviewOutcome; change: CreditChangeView | null }> {
  if (score.decision === 'none') return { outcome: 'unchanged', change: null };
  const current = await lockLimit(q, ctx.dealerId);
  if (current.limit !== score.currentLimit) return { outcome: 'stale', change: null };
  const { rows: open } = await q.query<{ id: number; newLimit: string }>(
    `SELECT id::int AS id, new_limit::text AS "newLimit" FROM credit_limit_changes WHERE dealer_id = $1 AND status = 'proposed'`,
    [ctx.dealerId],
  );
  if (score.decision === 'propose' && open[0]?.newLimit === score.suggestedLimit) return { outcome: 'unchanged', change: null };
  if (open[0]) await q.query(`UPDATE credit_limit_changes SET status = 'superseded', decided_by = $2, decided_at = now() WHERE id = $1`, [open[0].id, ctx.actor]);
  const status = score.decision === 'apply' ? 'applied' : 'proposed';
  const reason = reasonOf(score);
  const { rows } = await q.query<CreditChangeView>(
    `INSERT INTO credit_limit_changes (dealer_id, status, currency, old_limit, new_limit, score, band, reason, factors, actor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10) RETURNING ${CHANGE_COLUMNS}`,
    [ctx.dealerId, status, current.currency, current.limit, score.suggestedLimit, score.score, score.band, reason, JSON.stringify(factorsOf(score)), ctx.actor],
  );
  const change = isoDates(rows[0]!);
  if (status === 'applied') await writeLimit(q, ctx, change.id, current.currency, current.limit, score.suggestedLimit, reason);
  return { outcome: status, change };
}

async function lockProposal(q: Queryable, dealerId: number, id: number): Promise<{ id: number; newLimit: string; reason: string }> {
  const { rows } = await q.query<{ id: number; status: string; newLimit: string; reason: string }>(
    `SELECT id::int AS id, status, new_limit::text AS "newLimit", reason FROM credit_limit_changes WHERE id = $1 AND dealer_id = $2 FOR UPDATE`,
    [id, dealerId],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError(`no credit limit proposal ${id} for this dealer`);
  if (row.status !== 'proposed') throw new ConflictError(`credit limit change ${id} is ${row.status}, not an open proposal`, { code: 'not_proposed', status: row.status });
  return row;
}

/** A person accepts a proposal: the limit it replaces is read (and recorded) now, under the lock. */
export async function approveProposal(q: Queryable, ctx: ChangeContext, id: number, comment: string | null): Promise<CreditChangeView> {
  const proposal = await lockProposal(q, ctx.dealerId, id);
  const current = await lockLimit(q, ctx.dealerId);
  const { rows } = await q.query<CreditChangeView>(
    `UPDATE credit_limit_changes SET status = 'approved', old_limit = $2, decided_by = $3, decided_at = now(), comment = $4 WHERE id = $1 RETURNING ${CHANGE_COLUMNS}`,
    [id, current.limit, ctx.actor, comment],
  );
  await writeLimit(q, ctx, id, current.currency, current.limit, proposal.newLimit, proposal.reason);
  return isoDates(rows[0]!);
}

export async function rejectProposal(q: Queryable, ctx: ChangeContext, id: number, comment: string): Promise<CreditChangeView> {
  await lockProposal(q, ctx.dealerId, id);
  const { rows } = await q.query<CreditChangeView>(
    `UPDATE credit_limit_changes SET status = 'rejected', decided_by = $2, decided_at = now(), comment = $3 WHERE id = $1 RETURNING ${CHANGE_COLUMNS}`,
    [id, ctx.actor, comment],
  );
  return isoDates(rows[0]!);
}
