/**
 * What must hold after the faults stop and the system has drained, checked from the database and
 * the ERP double (never from what the daemons say about themselves). Each check returns whether
 * it holds and, when it does not, the first few offending rows, so a failure names its evidence.
 */
import type pg from 'pg';
import type { BookedOrder } from './erp-double.js';
import type { Acknowledged } from './load.js';

export interface Check {
  ok: boolean;
  detail: string;
  examples?: unknown[];
}

const sample = (rows: unknown[]) => rows.slice(0, 5);

/** Every order the API acknowledged (2xx) exists exactly once, with the id it was acknowledged with. */
export async function ackedOrdersExistOnce(db: pg.ClientBase, acked: Acknowledged[], tag: string): Promise<Check> {
  const { rows } = await db.query<{ external_ref: string; ids: string[] }>(
    `SELECT external_ref, array_agg(id::text ORDER BY id) AS ids FROM orders WHERE external_ref LIKE $1 GROUP BY external_ref`,
    [`${tag}-%`],
  );
  const byRef = new Map(rows.map((row) => [row.external_ref, row.ids]));
  const duplicated = rows.filter((row) => row.ids.length > 1);
  const missing = acked.filter((a) => !byRef.get(a.externalRef)?.includes(a.id));
  const ok = duplicated.length === 0 && missing.length === 0 && acked.length > 0;
  return {
    ok,
    detail: `${acked.length} acknowledged, ${rows.length} of this run in the database, ${missing.length} missing, ${duplicated.length} duplicated`,
    ...(ok ? {} : { examples: sample([...missing, ...duplicated]) }),
  };
}

/**
 * Every order that was approved (it has an `order.approved` outbox row) was booked in the ERP
 * exactly once under its number, and the ERP holds nothing else (no booking for an unknown number).
 */
export async function approvedReachedErpOnce(db: pg.ClientBase, booked: BookedOrder[]): Promise<Check> {
  const { rows } = await db.query<{ number: string; status: string; erp_order_no: string | null }>(
    `SELECT DISTINCT o.number, x.status, o.erp_order_no FROM orders o JOIN outbox x ON x.aggregate_id = o.id::text AND x.event = 'order.approved' AND x.target = 'erp'`,
  );
  const counts = new Map<string, number>();
  for (const order of booked) counts.set(order.number, (counts.get(order.number) ?? 0) + 1);
  const notOnce = rows.filter((row) => counts.get(row.number) !== 1).map((row) => ({ ...row, booked: counts.get(row.number) ?? 0 }));
  const known = new Set(rows.map((row) => row.number));
  const strangers = [...counts.keys()].filter((number) => !known.has(number));
  const ok = notOnce.length === 0 && strangers.length === 0 && rows.length > 0;
  return {
    ok,
    detail: `${rows.length} approved orders, ${booked.length} ERP bookings, ${notOnce.length} not booked exactly once, ${strangers.length} bookings for unknown numbers`,
    ...(ok ? {} : { examples: sample([...notOnce, ...strangers]) }),
  };
}

/**
 * Reservations match the orders: each lot's `reserved` is the sum of its active reservations;
 * each line of an order that holds stock (approved, released, confirmed) has active reservations
 * for its whole quantity; orders in any other state hold none.
 */
export async function reservationsMatchOpenLines(db: pg.ClientBase): Promise<Check> {
  const lots = await db.query(
    `SELECT l.id, l.reserved, coalesce(sum(r.qty) FILTER (WHERE r.status = 'active'), 0)::int AS active
       FROM stock_lots l LEFT JOIN reservations r ON r.stock_lot_id = l.id GROUP BY l.id HAVING l.reserved <> coalesce(sum(r.qty) FILTER (WHERE r.status = 'active'), 0)`,
  );
  const lines = await db.query(
    `SELECT o.number, o.status, ol.line_no, ol.qty, coalesce(sum(r.qty) FILTER (WHERE r.status = 'active'), 0)::int AS active
       FROM orders o JOIN order_lines ol ON ol.order_id = o.id LEFT JOIN reservations r ON r.order_line_id = ol.id
      GROUP BY o.number, o.status, ol.id
     HAVING coalesce(sum(r.qty) FILTER (WHERE r.status = 'active'), 0) <> CASE WHEN o.status IN ('approved', 'released', 'confirmed') THEN ol.qty ELSE 0 END`,
  );
  const total = await db.query<{ n: number }>(`SELECT coalesce(sum(qty), 0)::int AS n FROM reservations WHERE status = 'active'`);
  const ok = lots.rows.length === 0 && lines.rows.length === 0;
  return {
    ok,
    detail: `${total.rows[0]!.n} units actively reserved; ${lots.rows.length} lots whose reserved differs from their reservations, ${lines.rows.length} order lines whose reservations differ from their open quantity`,
    ...(ok ? {} : { examples: sample([...lots.rows, ...lines.rows]) }),
  };
}

/** No lot has negative stock, negative reservations or more reserved than on hand. */
export async function noLotBelowZero(db: pg.ClientBase): Promise<Check> {
  const { rows } = await db.query(`SELECT id, lot, on_hand, reserved FROM stock_lots WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand`);
  const all = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM stock_lots`);
  return { ok: rows.length === 0 && all.rows[0]!.n > 0, detail: `${all.rows[0]!.n} lots, ${rows.length} below zero or over-reserved`, ...(rows.length ? { examples: sample(rows) } : {}) };
}

/**
 * No outbox row is stuck without a reason: after the drain every row is delivered, or it says
 * why not — pending/in flight with a next attempt and the last error, dead or rejected with
 * the error that ended it.
 */
export async function noOutboxRowStuck(db: pg.ClientBase): Promise<Check> {
  const { rows } = await db.query(
    `SELECT id, event, status, attempts, next_attempt_at, last_error FROM outbox
      WHERE NOT (status = 'delivered'
             OR (status IN ('pending', 'in_flight') AND next_attempt_at IS NOT NULL AND last_error IS NOT NULL)
             OR (status IN ('dead', 'rejected') AND last_error IS NOT NULL))`,
  );
  const counts = await db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM outbox GROUP BY status ORDER BY status`);
  return {
    ok: rows.length === 0,
    detail: `outbox ${counts.rows.map((r) => `${r.status} ${r.n}`).join(', ') || 'empty'}; ${rows.length} without a reason`,
    ...(rows.length ? { examples: sample(rows) } : {}),
  };
}

/**
 * The scheduled sync ran once per tick: over the whole run no more succeeded scheduled runs than
 * ticks (three schedulers, each firing every tick, would show as up to three per tick); and in
 * the quiet window at the end (no faults) exactly one succeeded run started in each tick's slot.
 * Ticks that fell while Redis or every scheduler was down may be missed — cron does not catch up —
 * so the whole-run check is "at most", the quiet window "exactly".
 */
export async function syncOncePerTick(
  db: pg.ClientBase,
  stream: { connector: string; name: string; periodMs: number },
  window: { from: Date; to: Date },
  quiet: { from: Date; to: Date },
): Promise<Check> {
  const { rows } = await db.query<{ started_at: Date; status: string }>(
    `SELECT started_at, status FROM sync_runs WHERE connector = $1 AND stream = $2 AND trigger = 'schedule' AND started_at >= $3 ORDER BY started_at`,
    [stream.connector, stream.name, window.from],
  );
  const succeeded = rows.filter((row) => row.status === 'succeeded');
  const slot = (at: Date) => Math.floor(at.getTime() / stream.periodMs);
  const ticks = slot(window.to) - slot(window.from);
  const quietSlots: number[] = [];
  for (let s = slot(quiet.from) + 1; s < slot(quiet.to); s++) quietSlots.push(s);
  const perSlot = new Map<number, number>();
  for (const row of succeeded) perSlot.set(slot(row.started_at), (perSlot.get(slot(row.started_at)) ?? 0) + 1);
  const quietWrong = quietSlots.filter((s) => perSlot.get(s) !== 1).map((s) => ({ slot: new Date(s * stream.periodMs).toISOString(), runs: perSlot.get(s) ?? 0 }));
  const ok = succeeded.length <= ticks + 1 && quietSlots.length > 0 && quietWrong.length === 0;
  return {
    ok,
    detail: `${succeeded.length} succeeded scheduled runs (${rows.length - succeeded.length} failed attempts) over ${ticks} ticks; quiet window ${quietSlots.length} ticks, ${quietWrong.length} not run exactly once`,
    ...(ok ? {} : { examples: sample(quietWrong) }),
  };
}
