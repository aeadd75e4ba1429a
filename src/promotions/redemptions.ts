/**
 * Consuming promotions with the order (README "Consumption"): inside the order's transaction,
 * each budgeted promotion and each coupon the order uses is taken with a conditional UPDATE that
 * can only succeed while budget or uses are left. The UPDATE holds the row until commit, so a
 * concurrent order waits, then sees the new counters: two orders can never both take the last of
 * a budget or a single-use code. Per-dealer limits are checked again under a per-dealer lock.
 * Cancel and reject give everything back (releaseRedemptions).
 */
import type { Queryable } from '../core/db/index.js';
import type { CouponFacts, Promotion } from '../ordering/promotions/definition.js';
import type { PromotionResult } from '../ordering/promotions/types.js';

export interface Redemption {
  promotion: Promotion;
  discount: string;
  /** The code that unlocked the promotion, as stored. */
  coupon: CouponFacts | null;
}

/** What the order takes: one redemption per applied promotion. */
export function redemptionsOf(result: PromotionResult, promotions: readonly Promotion[], coupons: readonly CouponFacts[]): Redemption[] {
  const byId = new Map(promotions.map((p) => [p.id, p]));
  const byCode = new Map(coupons.map((c) => [c.code.toLowerCase(), c]));
  return result.promotions
    .filter((r) => r.status === 'applied')
    .map((r) => ({ promotion: byId.get(r.id)!, discount: r.discount, coupon: r.coupon === null ? null : (byCode.get(r.coupon.toLowerCase()) ?? null) }));
}

const hasBudget = (p: Promotion): boolean => p.budgetAmount !== null || p.budgetUses !== null;

/** Why consumption failed: something ran out since the order was evaluated (evaluate again). */
export interface Shortage {
  what: string;
}

/**
 * Takes budgets, coupon uses and per-dealer allowances for `redemptions`, or returns what ran
 * out. Rows are taken in one order (promotions by id, then coupons by code) in every
 * transaction. On a shortage the caller rolls back to a savepoint taken before the call.
 */
export async function consume(q: Queryable, dealerId: number, redemptions: readonly Redemption[]): Promise<Shortage | null> {
  if (redemptions.length === 0) return null;
  const limited = redemptions.some((r) => r.promotion.perDealerLimit !== null || (r.coupon?.perDealerLimit ?? null) !== null);
  // The credit row already serialises a dealer's orders when it exists; this covers dealers without one.
  if (limited) await q.query(`SELECT pg_advisory_xact_lock(hashtext('dealer-promotions'), $1::int)`, [dealerId]);

  for (const r of [...redemptions].sort((a, b) => a.promotion.id - b.promotion.id)) {
    const p = r.promotion;
    if (hasBudget(p)) {
      const taken = await q.query(
        `UPDATE promotions SET used_amount = used_amount + $2::numeric, used_uses = used_uses + 1, updated_at = now()
          WHERE id = $1 AND status = 'active'
            AND (budget_amount IS NULL OR used_amount + $2::numeric <= budget_amount)
            AND (budget_uses IS NULL OR used_uses + 1 <= budget_uses)`,
        [p.id, r.discount],
      );
      if (taken.rowCount !== 1) return { what: `the budget of promotion ${p.code}` };
    }
    if (p.perDealerLimit !== null && (await activeUses(q, dealerId, 'promotion_id', p.id)) >= p.perDealerLimit) {
      return { what: `the per-dealer limit of promotion ${p.code}` };
    }
  }
  for (const r of redemptions.filter((x) => x.coupon !== null).sort((a, b) => (a.coupon!.code.toLowerCase() < b.coupon!.code.toLowerCase() ? -1 : 1))) {
    const c = r.coupon!;
    const { rows } = await q.query<{ id: string }>(
      `UPDATE coupons SET used = used + 1 WHERE lower(code) = lower($1) AND status = 'active' AND (max_uses IS NULL OR used < max_uses) RETURNING id`,
      [c.code],
    );
    if (rows.length !== 1) return { what: `coupon ${c.code}` };
    if (c.perDealerLimit !== null && (await activeUses(q, dealerId, 'coupon_id', Number(rows[0]!.id))) >= c.perDealerLimit) {
      return { what: `the per-dealer limit of coupon ${c.code}` };
    }
  }
  return null;
}

async function activeUses(q: Queryable, dealerId: number, column: 'promotion_id' | 'coupon_id', id: number): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM promotion_redemptions WHERE dealer_id = $1 AND ${column} = $2 AND status = 'active'`,
    [dealerId, id],
  );
  return rows[0]!.n;
}

/** Records the redemptions of a written order (after consume succeeded, same transaction). */
export async function recordRedemptions(q: Queryable, orderId: string, dealerId: number, redemptions: readonly Redemption[]): Promise<void> {
  if (redemptions.length === 0) return;
  await q.query(
    `INSERT INTO promotion_redemptions (promotion_id, order_id, dealer_id, coupon_id, discount, counted)
     SELECT x.promotion_id, $1, $2, c.id, x.discount, x.counted
       FROM json_to_recordset($3::json) AS x(promotion_id bigint, coupon text, discount numeric, counted boolean)
       LEFT JOIN coupons c ON lower(c.code) = lower(x.coupon)`,
    [
      orderId,
      dealerId,
      JSON.stringify(redemptions.map((r) => ({ promotion_id: r.promotion.id, coupon: r.coupon?.code ?? null, discount: r.discount, counted: hasBudget(r.promotion) }))),
    ],
  );
}

/** Gives an order's budgets and coupon uses back (the order was cancelled or rejected). */
export async function releaseRedemptions(q: Queryable, orderId: string): Promise<void> {
  await q.query(
    `WITH released AS (
       UPDATE promotion_redemptions SET status = 'released', released_at = now()
        WHERE order_id = $1 AND status = 'active'
       RETURNING promotion_id, coupon_id, discount, counted),
     promotions_back AS (
       UPDATE promotions p SET used_amount = p.used_amount - x.amount, used_uses = p.used_uses - x.uses, updated_at = now()
         FROM (SELECT promotion_id, sum(discount) AS amount, count(*)::int AS uses FROM released WHERE counted GROUP BY promotion_id) x
        WHERE p.id = x.promotion_id)
     UPDATE coupons c SET used = c.used - x.uses
       FROM (SELECT coupon_id, count(*)::int AS uses FROM released WHERE coupon_id IS NOT NULL GROUP BY coupon_id) x
      WHERE c.id = x.coupon_id`,
    [orderId],
  );
}
