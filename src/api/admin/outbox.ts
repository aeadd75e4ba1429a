import { z } from 'zod';
import { NotFoundError } from '../../core/errors.js';
import type { RouteModule } from '../../core/http/server.js';
import { runnerKicker } from '../../delivery/jobs.js';
import { getOutbox, listOutbox, OUTBOX_STATUSES } from '../../delivery/queries.js';
import { replayOutbox } from '../../delivery/replay.js';
import { authErrors, errorResponse } from '../schemas.js';
import { orderingSettings } from '../v1/orders.js';

const outboxItem = z.object({
  id: z.number(),
  event: z.string(),
  aggregateType: z.string(),
  aggregateId: z.string(),
  orderNumber: z.string().nullable(),
  target: z.string(),
  status: z.enum(OUTBOX_STATUSES),
  attempts: z.number(),
  claims: z.number(),
  nextAttemptAt: z.date(),
  lastAttemptAt: z.date().nullable(),
  lastError: z.string().nullable(),
  externalId: z.string().nullable(),
  deliveredBy: z.string().nullable(),
  response: z.string().nullable(),
  createdAt: z.date(),
  deliveredAt: z.date().nullable(),
});
const outboxDetail = outboxItem.extend({
  payload: z.unknown(),
  replays: z.array(
    z.object({
      actor: z.string(),
      at: z.date(),
      statusBefore: z.string(),
      attemptsBefore: z.number(),
      lastErrorBefore: z.string().nullable(),
      payloadBefore: z.unknown(),
      payloadAfter: z.unknown(),
      comment: z.string().nullable(),
    }),
  ),
});
const idParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** The outbox: what is waiting, in flight, delivered, dead or refused, and replay of dead or refused rows. */
export const adminOutboxRoutes: RouteModule = {
  prefix: '/admin',
  audience: 'admin',
  register(app, { store, config, jobs, logger }) {
    const settings = orderingSettings(config);
    const kick = runnerKicker(jobs, logger);

    app.get(
      '/outbox',
      {
        schema: {
          summary: 'Outbox rows, newest first (status=dead: the dead letters)',
          tags: ['admin'],
          querystring: z.object({
            status: z.enum(OUTBOX_STATUSES).optional(),
            target: z.string().max(64).optional(),
            order: z.uuid().optional().describe('Rows of one order (its id).'),
            cursor: z.coerce.number().int().positive().optional(),
            limit: z.coerce.number().int().min(1).max(500).default(50),
          }),
          response: { 200: z.object({ items: z.array(outboxItem), nextCursor: z.string().nullable() }), ...authErrors },
        },
      },
      async (request) => {
        const { status, target, order, cursor, limit } = request.query;
        return listOutbox(store, { status, target, aggregateId: order, cursor, limit });
      },
    );
    app.get(
      '/outbox/:id',
      { schema: { summary: 'One outbox row with its payload and replays', tags: ['admin'], params: idParam, response: { 200: outboxDetail, 404: errorResponse, ...authErrors } } },
      async (request) => {
        const row = await getOutbox(store, request.params.id);
        if (!row) throw new NotFoundError(`no outbox row ${request.params.id}`);
        return row;
      },
    );
    app.post(
      '/outbox/:id/replay',
      {
        schema: {
          summary: 'Deliver a dead or rejected row again (optionally with an edited payload); audited',
          description:
            'The row goes back to pending with fresh attempts. `payload` replaces the stored one and must keep its orderId and number; ' +
            '`payload.overrides` corrects what is sent (ship-to texts, note, line SKUs …). Replaying a create the ERP refused approves its held order again.',
          tags: ['admin'],
          params: idParam,
          body: z.object({ payload: z.record(z.string(), z.unknown()).optional(), comment: z.string().max(2000).optional() }).strict().nullish(),
          response: { 200: outboxDetail, 404: errorResponse, 409: errorResponse, 422: errorResponse, ...authErrors },
        },
      },
      async (request) => {
        const actor = `admin:${request.principal?.label || 'admin'}`;
        const row = await replayOutbox(store, { id: request.params.id, actor, payload: request.body?.payload, comment: request.body?.comment }, settings, new Date());
        kick();
        return row;
      },
    );
  },
};
