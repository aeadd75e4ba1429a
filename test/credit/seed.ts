/**
 * A hand-built credit history for the admin and write-back tests: a
 * dealer seeded with limit L scores band C and a suggested limit of 41,250.00 (auto-applied from
 * 45,000.00 with autoApplyBands [A, B, C]; proposed from 50,000.00, a change above 10 %).
 */
import type { TestApp } from '../support/app.js';

export const TZ = 'Asia/Shanghai';
const DAY = 86_400_000;

/** 'YYYY-MM-DD' `days` before today in the business time zone. */
const dayBefore = (today: string, days: number) => new Date(Date.parse(`${today}T00:00:00Z`) - days * DAY).toISOString().slice(0, 10);

/**
 * The hand-built history of test/credit/score.test.ts, relative to today: 2 of 4 judged invoices
 * on time, 6.67 amount-weighted days beyond terms, 10 years a dealer, 330,000 of sales (the last
 * 3 buckets a third above the 3 before) → score 0.5467, band C, 1.5 months → 41,250.00.
 */
export async function seedDealer(t: TestApp, code: string, limit: string, today: string): Promise<void> {
  const d = (n: number) => dayBefore(today, n);
  await t.store.query('UPDATE dealers SET cooperation_since = $2::date WHERE code = $1', [code, dayBefore(today, 3652)]);
  await t.store.query(
    `INSERT INTO credit_accounts (dealer_id, credit_limit, ar_open, open_orders, overdue, oldest_overdue_days) SELECT id, $2, 13000, 2000, 5000, 20 FROM dealers WHERE code = $1`,
    [code, limit],
  );
  const items = [
    ['A1', d(150), d(150), '10000.00', '0.00'],
    ['A2', d(122), d(112), '20000.00', '0.00'],
    ['A3', d(91), d(92), '10000.00', '0.00'],
    ['A4', d(20), null, '5000.00', '5000.00'],
    ['A5', dayBefore(today, -15), null, '8000.00', '8000.00'],
  ];
  await t.store.query(
    `INSERT INTO ar_open_items (dealer_id, document_no, document_date, due_date, amount, open_amount, paid_at)
     SELECT d.id, x.doc, x.due::date - 30, x.due::date, x.amount, x.open, x.paid::date
       FROM json_to_recordset($2::json) AS x(doc text, due text, paid text, amount numeric, open numeric) JOIN dealers d ON d.code = $1`,
    [code, JSON.stringify(items.map(([doc, due, paid, amount, open]) => ({ doc, due, paid, amount, open })))],
  );
  // One delivered order in the middle of each 30-day bucket, at noon in the business zone.
  const sales = [40000, 40000, 40000, 30000, 30000, 30000, 20000, 20000, 20000, 20000, 20000, 20000];
  await t.store.query(
    `INSERT INTO orders (number, dealer_id, channel, ship_to_id, status, currency, gross, discount, net, created_at)
     SELECT 'S-' || $1 || '-' || x.i, d.id, 'api', s.id, 'delivered', 'CNY', x.net, 0, x.net, (x.day::date + time '12:00') AT TIME ZONE '${TZ}'
       FROM json_to_recordset($2::json) AS x(i int, day text, net numeric) JOIN dealers d ON d.code = $1 JOIN ship_tos s ON s.dealer_id = d.id`,
    [code, JSON.stringify(sales.map((net, i) => ({ i, day: d(15 + 30 * i), net })))],
  );
}

