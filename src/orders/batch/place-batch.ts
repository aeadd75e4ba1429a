/**
 * Placing a batch: each valid order through placeOrder (channel `batch`), one after the other in
 * file order so reservations are taken in a deterministic order. A business refusal of one order
 * (bad line, unknown ship-to, duplicate PO) becomes that order's result; the batch goes on.
 * Anything else (the database went away) ends the request — replaying the batch with the same
 * Idempotency-Key is safe, as every order carries a key derived from it.
 */
import type { Store } from '../../core/db/index.js';
import { ConflictError, NotFoundError, UserError, type DealerHubError } from '../../core/errors.js';
import type { DealerRef } from '../facts.js';
import { placeOrder, type OrderingSettings } from '../place-order.js';
import type { OrderView } from '../queries.js';
import type { BatchOrder, BatchProblem } from './batch-order.js';

type Where = { index: number; externalRef: string | null; rows?: number[] | undefined };

export type BatchResult =
  | ({ status: 'invalid'; field: string; message: string } & { externalRef: string | null; row?: number | undefined; index?: number | undefined })
  | { status: 'skipped'; externalRef: string | null; row: number; skipped: string }
  | (Where & { status: 'created' | 'replayed'; order: Pick<OrderView, 'id' | 'number' | 'status' | 'totals'> & { review: { decision: 'approve' | 'hold' } | null } })
  | (Where & { status: 'failed'; error: { code: string; message: string; details?: unknown } });

export interface BatchOutcome {
  summary: { orders: number; created: number; replayed: number; failed: number; invalid: number; invalidRows: number };
  results: BatchResult[];
}

export interface PlaceBatchInput {
  dealer: DealerRef;
  /** The batch's Idempotency-Key; order i is placed with `${batchKey}:${externalRef ?? '#' + i}`. */
  batchKey: string;
  orders: readonly BatchOrder[];
  actor: string;
  now: Date;
}

export async function placeBatch(store: Store, input: PlaceBatchInput, settings: OrderingSettings): Promise<BatchOutcome> {
  const results: BatchResult[] = [];
  for (const order of input.orders) {
    if (order.problems.length > 0 || !order.request) {
      results.push(...invalidResults(order));
      continue;
    }
    const where: Where = { index: order.index, externalRef: order.externalRef ?? null, ...(order.rows ? { rows: order.rows } : {}) };
    try {
      const placed = await placeOrder(
        store,
        {
          dealer: input.dealer,
          channel: 'batch',
          request: order.request,
          idempotencyKey: `${input.batchKey}:${order.externalRef ?? `#${order.index}`}`,
          actor: input.actor,
          now: input.now,
        },
        settings,
      );
      const { id, number, status, review, totals } = placed.order;
      results.push({ ...where, status: placed.replayed ? 'replayed' : 'created', order: { id, number, status, totals, review: review ? { decision: review.decision } : null } });
    } catch (error) {
      if (!(error instanceof UserError || error instanceof NotFoundError || error instanceof ConflictError)) throw error;
      results.push({ ...where, status: 'failed', error: describe(error, order.rows) });
    }
  }
  return { summary: summarise(input.orders, results), results };
}

/** The order's bad rows with their problems, and its good rows as skipped, in row order. */
function invalidResults(order: BatchOrder): BatchResult[] {
  const externalRef = order.externalRef ?? null;
  const invalid = order.problems.map((p): BatchResult => ({ status: 'invalid', externalRef, row: p.row, index: p.index, field: p.field, message: p.message }));
  if (!order.rows) return invalid;
  const bad = new Set(order.problems.map((p) => p.row));
  const skipped = order.rows
    .filter((row) => !bad.has(row))
    .map((row): BatchResult => ({ status: 'skipped', externalRef, row, skipped: `order ${order.externalRef} has invalid rows` }));
  const rowOf = (r: BatchResult) => ('row' in r && r.row) || 0;
  return [...invalid, ...skipped].sort((a, b) => rowOf(a) - rowOf(b));
}

/** The error as the single-order API shows it; for files, order lines are mapped back to rows. */
function describe(error: DealerHubError, rows: number[] | undefined): { code: string; message: string; details?: unknown } {
  const details = error.details as { problems?: Array<{ lineNo?: number }> } | undefined;
  if (!rows || !details?.problems) return { code: error.code, message: error.message, ...(details ? { details } : {}) };
  const problems = details.problems.map((p) => ({ ...p, row: p.lineNo === undefined ? undefined : rows[p.lineNo - 1] }));
  const row = problems[0]?.row;
  return { code: error.code, message: row === undefined ? error.message : `row ${row}: ${error.message}`, details: { ...details, problems } };
}

function summarise(orders: readonly BatchOrder[], results: readonly BatchResult[]): BatchOutcome['summary'] {
  const count = (status: BatchResult['status']) => results.filter((r) => r.status === status).length;
  const invalidOrders = orders.filter((o) => o.problems.length > 0);
  const badRows = new Set(invalidOrders.flatMap((o) => o.problems.map((p: BatchProblem) => (p.row === undefined ? `#${p.index}` : p.row))));
  return { orders: orders.length, created: count('created'), replayed: count('replayed'), failed: count('failed'), invalid: invalidOrders.length, invalidRows: badRows.size };
}
