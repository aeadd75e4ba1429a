import { z } from 'zod';
import type { RouteModule } from '../../core/http/server.js';
import { authErrors, errorResponse } from '../schemas.js';

const failedJob = z.object({
  name: z.string(),
  id: z.string(),
  payload: z.unknown(),
  attemptsMade: z.number(),
  error: z.string(),
  failedAt: z.date(),
});

const queueCounts = z.object({ waiting: z.number(), active: z.number(), delayed: z.number(), failed: z.number(), completed: z.number() });

/** Operations' view of the job system: queue depths, the failed set, and a retry button. */
export const adminJobRoutes: RouteModule = {
  prefix: '/admin',
  audience: 'admin',
  register(app, { jobs }) {
    app.get(
      '/jobs',
      { schema: { summary: 'Job counts per queue', tags: ['admin'], response: { 200: z.object({ runner: z.string(), queues: z.record(z.string(), queueCounts) }), ...authErrors } } },
      async () => ({ runner: jobs.kind, queues: await jobs.counts() }),
    );
    app.get(
      '/jobs/failed',
      {
        schema: {
          summary: 'Jobs that used up their attempts (newest first)',
          tags: ['admin'],
          querystring: z.object({ name: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }),
          response: { 200: z.object({ items: z.array(failedJob) }), ...authErrors },
        },
      },
      async (request) => ({ items: await jobs.listFailed(request.query.name, request.query.limit) }),
    );
    app.post(
      '/jobs/failed/:name/:id/retry',
      {
        schema: {
          summary: 'Run a failed job again',
          tags: ['admin'],
          params: z.object({ name: z.string(), id: z.string() }),
          response: { 202: z.object({ retried: z.literal(true) }), 404: errorResponse, ...authErrors },
        },
      },
      async (request, reply) => {
        await jobs.retryFailed(request.params.name, request.params.id);
        return reply.code(202).send({ retried: true as const });
      },
    );
  },
};
