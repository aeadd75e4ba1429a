import { z } from 'zod';
import type { RouteModule } from '../../core/http/server.js';
import { authErrors, errorResponse } from '../schemas.js';

const counts = z.record(z.string(), z.number());
const run = z.object({
  id: z.number(),
  stream: z.string(),
  trigger: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  counts,
  issues: z.array(z.record(z.string(), z.unknown())),
  error: z.string().nullable(),
});
const streamInfo = z.object({
  name: z.string(),
  entity: z.string(),
  mode: z.enum(['incremental', 'snapshot']),
  cursor: z.unknown(),
  lastRun: run.omit({ issues: true }).nullable(),
});
const connectorInfo = z.object({ name: z.string(), kind: z.string(), enabled: z.boolean(), streams: z.array(streamInfo) });

const RUN_SUMMARY = `id, stream, trigger, status, started_at AS "startedAt", finished_at AS "finishedAt", counts, error`;

/** IT's view of the integration: what is configured, how each stream last ran, and a sync-now button. */
export const adminConnectorRoutes: RouteModule = {
  prefix: '/admin',
  audience: 'admin',
  register(app, { store, jobs, connectors }) {
    app.get(
      '/connectors',
      { schema: { summary: 'Connectors, their streams, cursors and last runs', tags: ['admin'], response: { 200: z.object({ items: z.array(connectorInfo) }), ...authErrors } } },
      async () => {
        const { rows: lastRuns } = await store.query<NonNullable<z.infer<typeof streamInfo>['lastRun']> & { connector: string }>(
          `SELECT DISTINCT ON (connector, stream) connector, ${RUN_SUMMARY} FROM sync_runs ORDER BY connector, stream, id DESC`,
        );
        const { rows: states } = await store.query<{ connector: string; stream: string; cursor: unknown }>('SELECT connector, stream, cursor FROM sync_state');
        const items = connectors.list().map((c) => ({
          name: c.name,
          kind: c.kind,
          enabled: c.enabled,
          streams: c.streams.map((s) => ({
            name: s.name,
            entity: s.entity,
            mode: s.mode,
            cursor: states.find((st) => st.connector === c.name && st.stream === s.name)?.cursor ?? null,
            lastRun: lastRuns.find((r) => r.connector === c.name && r.stream === s.name) ?? null,
          })),
        }));
        return { items };
      },
    );
    app.get(
      '/connectors/:name/runs',
      {
        schema: {
          summary: 'Sync runs of one connector, newest first, with counts and issues',
          tags: ['admin'],
          params: z.object({ name: z.string() }),
          querystring: z.object({ stream: z.string().optional(), limit: z.coerce.number().int().min(1).max(200).default(20) }),
          response: { 200: z.object({ items: z.array(run) }), 404: errorResponse, ...authErrors },
        },
      },
      async (request) => {
        connectors.info(request.params.name);
        const { rows } = await store.query<z.infer<typeof run>>(
          `SELECT ${RUN_SUMMARY}, issues FROM sync_runs WHERE connector = $1 AND ($2::text IS NULL OR stream = $2) ORDER BY id DESC LIMIT $3`,
          [request.params.name, request.query.stream ?? null, request.query.limit],
        );
        return { items: rows };
      },
    );
    app.post(
      '/connectors/:name/sync/:stream',
      {
        schema: {
          summary: 'Queue a sync of one stream now',
          tags: ['admin'],
          params: z.object({ name: z.string(), stream: z.string() }),
          response: { 202: z.object({ jobId: z.string(), deduplicated: z.boolean() }), 404: errorResponse, ...authErrors },
        },
      },
      async (request, reply) => {
        const { name, stream } = request.params;
        connectors.stream(name, stream);
        // One manual run per stream and second: a double click queues it once.
        const slot = new Date().toISOString().slice(0, 19);
        const queued = await jobs.enqueue('sync', { connector: name, stream, trigger: 'manual' }, { jobId: `sync:manual:${name}:${stream}:${slot}` });
        return reply.code(202).send({ jobId: queued.id, deduplicated: queued.deduplicated });
      },
    );
  },
};
