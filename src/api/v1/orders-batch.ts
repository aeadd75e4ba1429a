import { z } from 'zod';
import { UserError } from '../../core/errors.js';
import { dealerOf } from '../../core/http/auth.js';
import type { RouteModule } from '../../core/http/server.js';
import { MAX_BATCH_ORDERS, type BatchOrder, type BatchProblem } from '../../orders/batch/batch-order.js';
import { groupRows } from '../../orders/batch/group-rows.js';
import { placeBatch } from '../../orders/batch/place-batch.js';
import { readCsv } from '../../orders/batch/read-csv.js';
import { readXlsx } from '../../orders/batch/read-xlsx.js';
import { runnerKicker } from '../../delivery/jobs.js';
import { authErrors, errorResponse } from '../schemas.js';
import { idempotencyKey, orderRequest } from './order-schemas.js';
import { orderingSettings } from './orders.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ACCEPTED = ['application/json', 'text/csv', XLSX] as const;
/** A chain store's monthly file fits easily; the server-wide limit stays small for every other route. */
const BATCH_BODY_LIMIT = 10 * 1024 * 1024;


const jsonBatch = z
  .object({ orders: z.array(z.unknown()).min(1, 'a batch needs at least one order').max(MAX_BATCH_ORDERS, `at most ${MAX_BATCH_ORDERS} orders per batch; split the file`) })
  .strict();

const totals = z.object({ gross: z.string(), discount: z.string(), net: z.string(), currency: z.string() });
const placedAt = { index: z.number(), externalRef: z.string().nullable(), rows: z.array(z.number()).optional() };
const batchResult = z.discriminatedUnion('status', [
  z.object({ status: z.literal('invalid'), externalRef: z.string().nullable(), row: z.number().optional(), index: z.number().optional(), field: z.string(), message: z.string() }),
  z.object({ status: z.literal('skipped'), externalRef: z.string().nullable(), row: z.number(), skipped: z.string() }),
  z.object({
    status: z.enum(['created', 'replayed']),
    ...placedAt,
    order: z.object({ id: z.string(), number: z.string(), status: z.string(), review: z.object({ decision: z.enum(['approve', 'hold']) }).nullable(), totals }),
  }),
  z.object({ status: z.literal('failed'), ...placedAt, error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) }),
]);
const batchResponse = z.object({
  summary: z.object({ orders: z.number(), created: z.number(), replayed: z.number(), failed: z.number(), invalid: z.number(), invalidRows: z.number() }),
  results: z.array(batchResult),
});

function unsupported(contentType: string | undefined): Error {
  const error = new Error(`content type ${contentType ?? '(none)'} is not accepted here; send one of ${ACCEPTED.join(', ')}`);
  return Object.assign(error, { statusCode: 415 });
}

function invalidRequest(message: string): UserError {
  return new UserError(message, { code: 'invalid_request' }, 400);
}

/** JSON orders are checked one by one: a malformed order is reported and the others go ahead. */
function fromJson(body: unknown): BatchOrder[] {
  const batch = jsonBatch.safeParse(body);
  if (!batch.success) {
    const issue = batch.error.issues[0]!;
    throw invalidRequest(`body ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const first = new Map<string, number>();
  return batch.data.orders.map((raw, index) => {
    const parsed = orderRequest.safeParse(raw);
    const problems: BatchProblem[] = parsed.success
      ? []
      : parsed.error.issues.map((issue) => {
          const field = issue.path.join('.') || '(order)';
          return { index, field, message: `order ${index}: ${field}: ${issue.message}` };
        });
    const rawRef = (raw as { externalRef?: unknown } | null)?.externalRef;
    const externalRef = parsed.success ? parsed.data.externalRef : typeof rawRef === 'string' ? rawRef : undefined;
    if (externalRef !== undefined) {
      const earlier = first.get(externalRef);
      if (earlier === undefined) first.set(externalRef, index);
      else problems.push({ index, field: 'externalRef', message: `order ${index}: externalRef ${externalRef} is also order ${earlier} of this batch` });
    }
    return { index, externalRef, request: parsed.success && problems.length === 0 ? parsed.data : undefined, problems };
  });
}

/** The limits of a single order (lines per order, lengths) apply to a file's orders too. */
function checkShape(order: BatchOrder): BatchOrder {
  if (!order.request || !order.rows) return order;
  const parsed = orderRequest.safeParse(order.request);
  if (parsed.success) return order;
  const rows = order.rows;
  const problems = parsed.error.issues.map((issue): BatchProblem => {
    const [head, line, ...rest] = issue.path;
    const onLine = head === 'lines' && typeof line === 'number';
    const row = (onLine ? rows[line] : undefined) ?? rows[0];
    const field = (onLine ? rest : issue.path).join('.') || 'order';
    return { row, field, message: `row ${row}: ${field}: ${issue.message}` };
  });
  return { ...order, request: undefined, problems };
}

async function readBatch(contentType: string | undefined, body: unknown): Promise<BatchOrder[]> {
  const media = contentType?.split(';')[0]?.trim().toLowerCase();
  if (media === 'application/json') return fromJson(body);
  if (!Buffer.isBuffer(body) || (media !== 'text/csv' && media !== XLSX)) throw unsupported(contentType);
  const orders = groupRows(media === XLSX ? await readXlsx(body) : readCsv(body));
  if (orders.length > MAX_BATCH_ORDERS) throw invalidRequest(`the file holds ${orders.length} orders; at most ${MAX_BATCH_ORDERS} per batch; split the file`);
  return orders.map(checkShape);
}

/** POST /v1/orders/batch — many orders at once (JSON, CSV or XLSX), idempotent on the batch's key. */
export const orderBatchRoutes: RouteModule = {
  prefix: '/v1',
  audience: 'dealer',
  register(app, { store, config, jobs, logger }) {
    const settings = orderingSettings(config);
    const kick = runnerKicker(jobs, logger);
    // This scope holds only the batch route: files arrive as bytes, anything else is refused unread.
    app.removeContentTypeParser('text/plain');
    app.addContentTypeParser(['text/csv', XLSX], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    app.addContentTypeParser('*', (request, _payload, done) => done(unsupported(request.headers['content-type'])));

    app.post(
      '/orders/batch',
      {
        bodyLimit: BATCH_BODY_LIMIT,
        schema: {
          summary: 'Place many orders at once: JSON { orders: [...] }, or a CSV / XLSX file with one row per line (externalRef,shipTo,sku,qty[,note])',
          description: 'Rows are grouped into orders by externalRef. Every order is placed with the key `<Idempotency-Key>:<externalRef or #index>`, so a replayed batch returns the same orders.',
          tags: ['v1'],
          consumes: [...ACCEPTED],
          headers: z.object({ 'idempotency-key': idempotencyKey }).passthrough(),
          response: { 200: batchResponse, 400: errorResponse, 413: errorResponse, 415: errorResponse, ...authErrors },
        },
      },
      async (request) => {
        const dealer = dealerOf(request);
        const batchKey = request.headers['idempotency-key'];
        if (!batchKey) throw invalidRequest('the Idempotency-Key header is required for a batch, so that sending it again cannot place its orders twice');
        const orders = await readBatch(request.headers['content-type'], request.body);
        const placed = await placeBatch(store, { dealer, batchKey, orders, actor: `dealer:${dealer.dealerCode}`, now: new Date() }, settings);
        if (placed.summary.created > 0) kick();
        return placed;
      },
    );
  },
};
