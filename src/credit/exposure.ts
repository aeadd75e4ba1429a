/**
 * Overdue ageing that does not wait for the next credit sync (issue 8: exposure is live). The
 * credit row's overdue and oldest_overdue_days are the ERP's figures as of its last sync, and
 * many ERPs send none at all; the synced AR items say when each open amount fell due. The
 * review takes the larger of the two, so an invoice that fell due since the sync counts today.
 */
import { daysBetween } from '../ordering/availability.js';
import { formatMoney, money } from '../ordering/money.js';
import type { CreditFacts } from '../ordering/types.js';

/** Exposure = open AR + approved-not-invoiced orders, and what the limit leaves: the figures every credit view shows. */
export function creditPosition(limit: string, arOpen: string, openOrders: string): { exposure: string; available: string } {
  const exposure = money(arOpen).plus(money(openOrders));
  return { exposure: formatMoney(exposure), available: formatMoney(money(limit).minus(exposure)) };
}

/** Open AR per due date, for due dates up to tomorrow (UTC) — the rule decides what is past due today. */
export interface ArDue {
  dueDate: string;
  open: string;
}

/**
 * A column of the order-facts statement over $1 (dealer id) and $4 (now). Grouped by due date so
 * it stays small whatever the number of invoices.
 */
export const AR_PAST_DUE_COLUMN = `coalesce((SELECT json_agg(json_build_object('dueDate', x.due_date::text, 'open', x.open::text) ORDER BY x.due_date)
     FROM (SELECT a.due_date, sum(a.open_amount) AS open FROM ar_open_items a
            WHERE a.dealer_id = $1 AND a.open_amount > 0 AND a.due_date <= ($4::timestamptz)::date + 1 GROUP BY a.due_date) x), '[]')`;

/** The credit facts with overdue and its age at least what the open AR items show for `today`. */
export function liveCredit(credit: CreditFacts | null, pastDue: readonly ArDue[] | undefined, today: string): CreditFacts | null {
  if (credit === null || !pastDue || pastDue.length === 0) return credit;
  const due = pastDue.filter((d) => d.dueDate < today);
  if (due.length === 0) return credit;
  const overdue = due.reduce((sum, d) => sum.plus(money(d.open)), money(0));
  const oldest = daysBetween(due.reduce((min, d) => (d.dueDate < min ? d.dueDate : min), due[0]!.dueDate), today);
  return {
    ...credit,
    overdue: overdue.greaterThan(money(String(credit.overdue))) ? formatMoney(overdue) : credit.overdue,
    oldestOverdueDays: Math.max(credit.oldestOverdueDays, oldest),
  };
}
