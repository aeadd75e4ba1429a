import { z } from 'zod';
import { UserError } from '../../core/errors.js';
import { dealerOf } from '../../core/http/auth.js';
import type { RouteModule } from '../../core/http/server.js';
import { businessDate } from '../../orders/evaluate.js';
import { readSellThroughCsv, storeSellThrough, type SellThroughRow } from '../../replenishment/sell-through.js';
import { authErrors, errorResponse } from '../schemas.js';

const ACCEPTED = ['application/json', 'text/csv'] as const;
/** A chain's daily file for a few hundred stores × SKUs; larger ones should be split by day. */
const BODY_LIMIT = 10 * 1024 * 1024;

const count = z.number().int().min(0).nullable().optional();
const jsonRow = z
  .object({
    date: z.string().describe('Report date YYYY-MM-DD: the day sold, and the day whose closing stock onHand is.'),
    store: z.string().max(64).optional().describe('The dealer’s store code; omitted: the dealer as a whole.'),
    sku: z.string().min(1).max(64),
    quantitySold: count,
    onHand: count,
  })
  .strict();
const jsonBody = z.union([z.object({ rows: z.array(jsonRow).min(1) }).strict(), z.array(jsonRow).min(1)]);

function unsupported(contentType: string | undefined): Error {
  return Object.assign(new Error(`content type ${contentType ?? '(none)'} is not accepted here; send ${ACCEPTED.join(' or ')}`), { statusCode: 415 });
}

function fromJson(body: unknown): SellThroughRow[] {
  const parsed = jsonBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`${issue.path.join('.') || 'body'}: ${issue.message}`, { code: 'sell_through_invalid', issues: parsed.error.issues.slice(0, 20) }, 400);
  }
  const rows = Array.isArray(parsed.data) ? parsed.data : parsed.data.rows;
  return rows.map((r, i) => ({ ref: `rows[${i}]`, date: r.date, store: r.store ?? '', sku: r.sku, quantitySold: r.quantitySold ?? null, onHand: r.onHand ?? null }));
}

/** POST /v1/sell-through — what the dealer's stores sold and hold, per day and SKU (JSON or CSV). */
export const sellThroughRoutes: RouteModule = {
  prefix: '/v1',
  audience: 'dealer',
  register(app, { store, config }) {
    app.removeContentTypeParser('text/plain');
    app.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    app.addContentTypeParser('*', (request, _payload, done) => done(unsupported(request.headers['content-type'])));

    app.post(
      '/sell-through',
      {
        bodyLimit: BODY_LIMIT,
        schema: {
          summary: 'Report sell-through and store stock: JSON { rows: [{ date, store?, sku, quantitySold?, onHand? }] } or CSV (date,store,sku,quantity_sold,on_hand)',
          description:
            'All or nothing: a row with a bad date, a negative or fractional count or an unknown SKU refuses the report (422, every problem listed). ' +
            'A row for a day already reported replaces the figures it carries and keeps the others. 201 when new rows were stored, 200 when all replaced earlier ones.',
          tags: ['v1'],
          consumes: [...ACCEPTED],
          response: {
            200: z.object({ dealer: z.string(), rows: z.number(), inserted: z.number(), updated: z.number(), stores: z.number(), skus: z.number(), from: z.string().nullable(), to: z.string().nullable() }),
            201: z.object({ dealer: z.string(), rows: z.number(), inserted: z.number(), updated: z.number(), stores: z.number(), skus: z.number(), from: z.string().nullable(), to: z.string().nullable() }),
            400: errorResponse,
            413: errorResponse,
            415: errorResponse,
            422: errorResponse,
            ...authErrors,
          },
        },
      },
      async (request, reply) => {
        const dealer = dealerOf(request);
        const media = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
        const csv = media === 'text/csv';
        if (csv && !Buffer.isBuffer(request.body)) throw unsupported(media);
        const rows = csv ? readSellThroughCsv(request.body as Buffer) : fromJson(request.body);
        const today = businessDate(new Date(), config.ordering.timeZone);
        const result = await storeSellThrough(store, dealer.dealerId, rows, csv ? 'csv' : 'api', today);
        return reply.code(result.inserted > 0 ? 201 : 200).send({ dealer: dealer.dealerCode, ...result });
      },
    );
  },
};
