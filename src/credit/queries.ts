/**
 * Reading what the credit scorer needs, set-based: one statement for one dealer or all of them
 * (their credit row, AR items and order sales per 30-day bucket), and the admin views.
 */
import type { Queryable } from '../core/db/index.js';
import type { CreditInputs } from './types.js';

export interface CreditRow extends CreditInputs {
  dealerId: number;
  arOpen: string;
  openOrders: string;
  overdue: string;
  oldestOverdueDays: number;
}

/** Order states that are sales: approved and on their way, or done. */
const SALES_STATUSES = `('approved', 'released', 'confirmed', 'shipped', 'delivered')`;

/**
 * $1 dealer code or null (all dealers with a credit account), $2 today, $3 business time zone.
 * Settled AR items older than two years are left out: they no longer describe the dealer.
 */
export async function loadCreditRows(q: Queryable, dealerCode: string | null, today: string, timeZone: string): Promise<CreditRow[]> {
  const { rows } = await q.query<CreditRow & { salesBuckets: string[] | null }>(
    `SELECT d.id::int AS "dealerId", d.code AS "dealerCode", c.currency, d.cooperation_since::text AS "cooperationSince",
            c.credit_limit::text AS "currentLimit", c.ar_open::text AS "arOpen", c.open_orders::text AS "openOrders",
            c.overdue::text AS overdue, c.oldest_overdue_days AS "oldestOverdueDays",
            coalesce((SELECT json_agg(json_build_object('documentNo', a.document_no, 'documentDate', a.document_date::text, 'dueDate', a.due_date::text,
                                                        'amount', a.amount::text, 'openAmount', a.open_amount::text, 'paidAt', a.paid_at::text) ORDER BY a.due_date, a.document_no)
                        FROM ar_open_items a
                       WHERE a.dealer_id = d.id AND (a.open_amount <> 0 OR a.paid_at IS NULL OR a.paid_at > $2::date - 730)), '[]') AS "arItems",
            (SELECT array_agg(coalesce(s.net, 0)::text ORDER BY b.i)
               FROM generate_series(0, 11) AS b(i)
               LEFT JOIN (SELECT (($2::date - (o.created_at AT TIME ZONE $3)::date) / 30) AS i, sum(o.net) AS net
                            FROM orders o
                           WHERE o.dealer_id = d.id AND o.status IN ${SALES_STATUSES}
                             AND o.created_at >= ($2::date - 359)::timestamp AT TIME ZONE $3
                             AND o.created_at < ($2::date + 1)::timestamp AT TIME ZONE $3
                           GROUP BY 1) s ON s.i = b.i) AS "salesBuckets"
       FROM dealers d JOIN credit_accounts c ON c.dealer_id = d.id
      WHERE $1::text IS NULL OR d.code = $1
      ORDER BY d.code`,
    [dealerCode, today, timeZone],
  );
  return rows.map((r) => ({ ...r, salesBuckets: r.salesBuckets ?? Array(12).fill('0') }));
}

export interface CreditChangeView {
  id: number;
  status: string;
  currency: string;
  oldLimit: string;
  newLimit: string;
  score: number | null;
  band: string | null;
  reason: string;
  factors: unknown;
  actor: string;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  createdAt: string;
}

export const CHANGE_COLUMNS = `id::int AS id, status, currency, old_limit::text AS "oldLimit", new_limit::text AS "newLimit", score::float8 AS score, band, reason, factors,
  actor, decided_by AS "decidedBy", decided_at AS "decidedAt", comment, created_at AS "createdAt"`;

export async function listChanges(q: Queryable, dealerId: number, limit = 20): Promise<CreditChangeView[]> {
  const { rows } = await q.query<CreditChangeView>(`SELECT ${CHANGE_COLUMNS} FROM credit_limit_changes WHERE dealer_id = $1 ORDER BY id DESC LIMIT $2`, [dealerId, limit]);
  return rows.map(isoDates);
}

export function isoDates(row: CreditChangeView): CreditChangeView {
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null ? null : String(v));
  return { ...row, decidedAt: iso(row.decidedAt), createdAt: iso(row.createdAt)! };
}
