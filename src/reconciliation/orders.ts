/**
 * Check 1: orders we think the ERP has. Our orders in the window that were handed over (an ERP
 * number, a status past approval, or a delivered create row) are looked up in the ERP with
 * `OrderTarget.find`, as delivery does: not there → `missing_in_erp`; there under another number
 * → `number_mismatch`. Orders whose create row is dead or rejected → `not_delivered` (looked up
 * too: the ERP may have booked an order whose answer never came back).
 *
 * Orders are read in keyset batches; lookups run a few at a time, each with a deadline and the
 * run's abort signal. A run of failed lookups (the ERP is down) stops the check as failed rather
 * than calling every order missing.
 */
import type { OrderTarget } from '../connectors/contract.js';
import type { Store } from '../core/db/index.js';
import type { Logger } from '../core/logger.js';
import { addFinding, type CheckReport } from './findings.js';
import type { ReconcileSettings } from './settings.js';

export interface OrderCheckContext {
  store: Store;
  runId: number;
  settings: ReconcileSettings;
  target: OrderTarget;
  connector: string;
  /** The outbox target the connector takes rows of ("erp"). */
  outboxTarget: string;
  windowFrom: Date;
  windowTo: Date;
  signal: AbortSignal;
  logger: Logger;
}

interface Candidate {
  id: string;
  number: string;
  erp_order_no: string | null;
  status: string;
  created_key: string;
  outbox_id: number | null;
  outbox_status: string | null;
  external_id: string | null;
  expectation: 'expected' | 'not_delivered';
}

/** Stops the check: the ERP cannot be asked (consecutive failures), so nothing it says is known. */
export class LookupsFailing extends Error {}

const MAX_ISSUES = 20;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!;

export async function checkOrders(ctx: OrderCheckContext): Promise<CheckReport> {
  const { store, settings, signal } = ctx;
  const counts = { orders: 0, lookups: 0, lookupFailures: 0, missing_in_erp: 0, not_delivered: 0, number_mismatch: 0 };
  const issues: string[] = [];
  let consecutiveFailures = 0;
  let after: { created: string; id: string } | null = null;

  const lookup = async (order: Candidate) => {
    const deadline = AbortSignal.timeout(settings.lookupTimeoutMs);
    const callSignal = AbortSignal.any([signal, deadline]);
    counts.lookups++;
    try {
      const found = await untilAborted(ctx.target.find({ orderId: order.id, number: order.number }, callSignal), callSignal);
      consecutiveFailures = 0;
      return { ok: true as const, found };
    } catch (error) {
      signal.throwIfAborted();
      counts.lookupFailures++;
      consecutiveFailures++;
      const said = deadline.aborted ? `no answer within ${settings.lookupTimeoutMs} ms` : message(error);
      if (issues.length < MAX_ISSUES) issues.push(`order ${order.number}: lookup in ${ctx.connector} failed: ${said}`);
      if (consecutiveFailures >= settings.maxLookupFailures) {
        throw new LookupsFailing(`${consecutiveFailures} lookups in ${ctx.connector} failed in a row (last: ${said}); the order check stopped`);
      }
      return { ok: false as const, error: said };
    }
  };

  const judge = async (order: Candidate) => {
    const result = await lookup(order);
    const ours = order.erp_order_no ?? order.external_id;
    const base = { orderId: order.id, orderNumber: order.number, outboxId: order.outbox_id, key: order.id };
    if (order.expectation === 'not_delivered') {
      const theirs = result.ok ? (result.found?.erpOrderNo ?? null) : null;
      const what = result.ok
        ? result.found
          ? `; ${ctx.connector} has it as ${result.found.erpOrderNo} (replaying the row records that)`
          : `; ${ctx.connector} does not have it`
        : `; looking it up failed: ${result.error}`;
      if (await addFinding(store, ctx.runId, { ...base, kind: 'not_delivered', ours: null, theirs, detail: `order ${order.number} is ${order.status} but its create row outbox #${order.outbox_id} is ${order.outbox_status}${what}` })) {
        counts.not_delivered++;
      }
      return;
    }
    if (!result.ok) return;
    if (!result.found) {
      const why = [
        order.erp_order_no ? `ERP number ${order.erp_order_no}` : null,
        order.outbox_status === 'delivered' ? `create row outbox #${order.outbox_id} delivered${order.external_id ? ` as ${order.external_id}` : ''}` : null,
        `status ${order.status}`,
      ].filter(Boolean);
      if (
        await addFinding(store, ctx.runId, {
          ...base,
          kind: 'missing_in_erp',
          field: 'erp_order_no',
          ours,
          theirs: null,
          detail: `${ctx.connector} has no order for ${order.number} (${order.id}), though we recorded it as handed over (${why.join(', ')})` +
            (order.outbox_id ? `; replay sends outbox #${order.outbox_id} again` : '; it has no create row to replay'),
        })
      ) {
        counts.missing_in_erp++;
      }
      return;
    }
    if (order.erp_order_no !== result.found.erpOrderNo) {
      if (
        await addFinding(store, ctx.runId, {
          ...base,
          kind: 'number_mismatch',
          erpReference: order.id,
          field: 'erp_order_no',
          ours: order.erp_order_no,
          theirs: result.found.erpOrderNo,
          detail: `${ctx.connector} holds order ${order.number} as ${result.found.erpOrderNo}; we have ${order.erp_order_no ?? 'no ERP number'}`,
        })
      ) {
        counts.number_mismatch++;
      }
    }
  };

  for (;;) {
    signal.throwIfAborted();
    const batch = await nextBatch(ctx, after);
    if (batch.length === 0) break;
    counts.orders += batch.length;
    await eachLimited(batch, settings.concurrency, judge);
    const last = batch.at(-1)!;
    after = { created: last.created_key, id: last.id };
    if (batch.length < settings.batchSize) break;
  }
  return { status: 'done', counts, ...(issues.length > 0 ? { issues } : {}) };
}

/**
 * The next orders after `after` (created_at, id) that the ERP should have, or whose create row
 * failed. created_at travels as text, so the keyset keeps PostgreSQL's microseconds.
 */
async function nextBatch(ctx: OrderCheckContext, after: { created: string; id: string } | null): Promise<Candidate[]> {
  const { rows } = await ctx.store.query<Candidate>(
    `SELECT * FROM (
       SELECT o.id, o.number, o.erp_order_no, o.status, o.created_at::text AS created_key, o.created_at,
              b.id AS outbox_id, b.status AS outbox_status, b.external_id,
              CASE WHEN o.erp_order_no IS NOT NULL OR o.status IN ('released', 'confirmed', 'shipped', 'delivered')
                        OR (b.status = 'delivered' AND b.external_id IS NOT NULL) THEN 'expected'
                   WHEN b.status IN ('dead', 'rejected') THEN 'not_delivered' END AS expectation
         FROM orders o
         LEFT JOIN LATERAL (
           SELECT x.id, x.status, x.external_id FROM outbox x
            WHERE x.aggregate_type = 'order' AND x.aggregate_id = o.id::text AND x.event = 'order.approved' AND x.target = $5
            ORDER BY x.id DESC LIMIT 1) b ON true
        WHERE o.created_at >= $1 AND o.created_at <= $2 AND o.status <> 'cancelled'
          AND ($3::timestamptz IS NULL OR (o.created_at, o.id) > ($3::timestamptz, $4::uuid))
     ) c
     WHERE c.expectation IS NOT NULL
     ORDER BY c.created_at, c.id
     LIMIT $6`,
    [ctx.windowFrom, ctx.windowTo, after?.created ?? null, after?.id ?? null, ctx.outboxTarget, ctx.settings.batchSize],
  );
  return rows;
}

/** Runs `work` over `items`, at most `limit` at once; the first error stops taking new items and is thrown. */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | null = null;
  const worker = async () => {
    while (failed === null && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== null) throw (failed as { error: unknown }).error;
}

/** A target call that ignores the signal is not waited for past it. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}
