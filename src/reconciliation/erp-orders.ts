/**
 * Check 2: orders the ERP holds under a reference of ours. `OrderTarget.listSince` streams them;
 * each page is matched with our orders in one statement (by order id, or by number) that also
 * records the findings: a reference that looks like ours (an order id, or matching the number
 * pattern) with no order of ours → `unknown_in_erp`; one of our orders under another ERP number
 * than we recorded → `number_mismatch` (not while its create row is still being delivered).
 */
import type { ErpOrderListing, OrderTarget } from '../connectors/contract.js';
import type { Store } from '../core/db/index.js';
import type { CheckReport } from './findings.js';
import type { ReconcileSettings } from './settings.js';

export interface ErpOrderCheckContext {
  store: Store;
  runId: number;
  settings: ReconcileSettings;
  target: OrderTarget;
  connector: string;
  outboxTarget: string;
  windowFrom: Date;
  signal: AbortSignal;
}

/** Listings matched per statement. */
const PAGE = 500;
const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

const MATCH_PAGE = `
WITH x AS (
  SELECT * FROM json_to_recordset($2::json) AS x(ref text, erp_no text, num text)
), m AS (
  SELECT x.ref, nullif(x.erp_no, '') AS erp_no, x.num, o.id AS order_id, o.number AS our_number, o.erp_order_no AS ours,
         (SELECT max(b.id) FROM outbox b
           WHERE b.aggregate_type = 'order' AND b.aggregate_id = o.id::text AND b.event = 'order.approved' AND b.target = $3) AS outbox_id,
         EXISTS (SELECT 1 FROM outbox b
                  WHERE b.aggregate_type = 'order' AND b.aggregate_id = o.id::text AND b.event = 'order.approved' AND b.target = $3
                    AND b.status IN ('pending', 'in_flight')) AS in_delivery
    FROM x
    LEFT JOIN LATERAL (
      SELECT y.id, y.number, y.erp_order_no FROM (
        SELECT o.id, o.number, o.erp_order_no, 1 AS rank FROM orders o WHERE x.ref ~ '${UUID}' AND o.id = CASE WHEN x.ref ~ '${UUID}' THEN x.ref::uuid END
        UNION ALL SELECT o.id, o.number, o.erp_order_no, 2 FROM orders o WHERE o.number = x.ref
        UNION ALL SELECT o.id, o.number, o.erp_order_no, 3 FROM orders o WHERE o.number = x.num) y
      ORDER BY y.rank LIMIT 1) o ON true
), found AS (
  SELECT 'unknown_in_erp' AS kind, 'ref:' || ref AS key, NULL::uuid AS order_id, coalesce(num, CASE WHEN ref ~ $4 THEN ref END) AS order_number,
         NULL::bigint AS outbox_id, ref AS erp_reference, NULL AS field, NULL AS ours, erp_no AS theirs,
         format('%s holds order %s under reference %s%s; we have no such order', $5::text, coalesce(erp_no, '(not numbered yet)'), ref,
                CASE WHEN num IS NOT NULL AND num <> ref THEN ' (number ' || num || ')' ELSE '' END) AS detail
    FROM m
   WHERE order_id IS NULL AND (ref ~ '${UUID}' OR ref ~ $4 OR num ~ $4)
  UNION ALL
  SELECT 'number_mismatch', order_id::text, order_id, our_number, outbox_id, ref, 'erp_order_no', ours, erp_no,
         format('%s holds order %s as %s; we have %s', $5::text, our_number, erp_no, coalesce(ours, 'no ERP number'))
    FROM m
   WHERE order_id IS NOT NULL AND erp_no IS NOT NULL AND ours IS DISTINCT FROM erp_no AND NOT in_delivery
), written AS (
  INSERT INTO reconciliation_findings (run_id, kind, key, order_id, order_number, outbox_id, erp_reference, field, ours, theirs, detail)
  SELECT $1, kind, key, order_id, order_number, outbox_id, erp_reference, field, ours, theirs, detail FROM found
  ON CONFLICT (run_id, kind, key) DO NOTHING
  RETURNING kind
)
SELECT (SELECT count(*) FROM m WHERE order_id IS NOT NULL)::int AS matched,
       (SELECT count(*) FROM written WHERE kind = 'unknown_in_erp')::int AS unknown,
       (SELECT count(*) FROM written WHERE kind = 'number_mismatch')::int AS mismatched`;

export async function checkErpOrders(ctx: ErpOrderCheckContext): Promise<CheckReport> {
  const { target, signal } = ctx;
  if (!target.listSince) {
    return { status: 'skipped', reason: `${ctx.connector} cannot list the orders it holds (its order target has no listSince); only our orders were looked up` };
  }
  const counts = { listed: 0, matched: 0, unknown_in_erp: 0, number_mismatch: 0 };
  let page: ErpOrderListing[] = [];
  const flush = async () => {
    if (page.length === 0) return;
    const json = JSON.stringify(page.map((entry) => ({ ref: entry.reference, erp_no: entry.erpOrderNo, num: entry.number ?? null })));
    page = [];
    const { rows } = await ctx.store.query<{ matched: number; unknown: number; mismatched: number }>(MATCH_PAGE, [
      ctx.runId,
      json,
      ctx.outboxTarget,
      ctx.settings.numberPattern,
      ctx.connector,
    ]);
    counts.matched += rows[0]!.matched;
    counts.unknown_in_erp += rows[0]!.unknown;
    counts.number_mismatch += rows[0]!.mismatched;
  };
  for await (const entry of target.listSince(ctx.windowFrom, signal)) {
    counts.listed++;
    page.push(entry);
    if (page.length >= PAGE) {
      signal.throwIfAborted();
      await flush();
    }
  }
  await flush();
  return { status: 'done', counts };
}
