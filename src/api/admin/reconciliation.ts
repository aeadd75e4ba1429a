import { z } from 'zod';
import { NotFoundError, UserError } from '../../core/errors.js';
import type { RouteModule } from '../../core/http/server.js';
import { describeIssues } from '../../core/jobs/index.js';
import { runnerKicker } from '../../delivery/jobs.js';
import { FINDING_KINDS, settleReplays } from '../../reconciliation/findings.js';
import { RECONCILE_JOB } from '../../reconciliation/job.js';
import { getFinding, getRun, listFindings, listRuns } from '../../reconciliation/queries.js';
import { replayFinding, resolveFinding } from '../../reconciliation/replay.js';
import { reconcilePayload } from '../../reconciliation/settings.js';
import { authErrors, errorResponse } from '../schemas.js';
import { orderingSettings } from '../v1/orders.js';

const runSummary = z.object({
  id: z.number(),
  trigger: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  windowFrom: z.date(),
  windowTo: z.date(),
  erpConnector: z.string().nullable(),
  settings: z.unknown(),
  checks: z.unknown().describe('Per check (orders, erpOrders, drift[]): status done/skipped/failed, reason, counts, issues.'),
  counts: z.record(z.string(), z.unknown()).describe('findings per kind, durationMs.'),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  error: z.string().nullable(),
});
const finding = z.object({
  id: z.number(),
  runId: z.number(),
  kind: z.enum(FINDING_KINDS),
  orderId: z.string().nullable(),
  orderNumber: z.string().nullable(),
  outboxId: z.number().nullable().describe('The order’s create row (order.approved).'),
  erpReference: z.string().nullable(),
  sku: z.string().nullable(),
  warehouseCode: z.string().nullable(),
  lot: z.string().nullable(),
  dealerCode: z.string().nullable(),
  field: z.string().nullable(),
  ours: z.string().nullable(),
  theirs: z.string().nullable(),
  detail: z.string(),
  resolved: z.boolean(),
  resolvedAt: z.date().nullable(),
  resolvedBy: z.string().nullable(),
  resolution: z.string().nullable(),
  replayOutboxId: z.number().nullable(),
  replayedAt: z.date().nullable(),
  replayedBy: z.string().nullable(),
  replayStatus: z.string().nullable(),
  createdAt: z.date(),
});
/** The replayed outbox row (GET /admin/outbox/:id has all of it). */
const replayedRow = z.object({
  id: z.number(),
  event: z.string(),
  orderNumber: z.string().nullable(),
  target: z.string(),
  status: z.string(),
  attempts: z.number(),
  nextAttemptAt: z.date(),
  replays: z.array(z.object({ actor: z.string(), at: z.date(), statusBefore: z.string(), lastErrorBefore: z.string().nullable(), comment: z.string().nullable() })),
});
const idParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const cursor = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional();
const commentBody = z.object({ comment: z.string().max(2000).optional() }).strict().nullish();

/** Reconciliation with the ERP: runs, their findings, a run now, and replay of orders the ERP lacks. */
export const adminReconciliationRoutes: RouteModule = {
  prefix: '/admin',
  audience: 'admin',
  register(app, { store, config, jobs, logger }) {
    const ordering = orderingSettings(config);
    const kick = runnerKicker(jobs, logger);
    const actorOf = (label: string | undefined) => `admin:${label || 'admin'}`;
    const schedules = Object.entries(config.schedules).filter(([, schedule]) => schedule.job === RECONCILE_JOB);

    app.get(
      '/reconciliation',
      {
        schema: {
          summary: 'The latest reconciliation run (or one run) with its findings',
          tags: ['admin'],
          querystring: z.object({
            run: cursor.describe('A run id; default the latest run.'),
            kind: z.enum(FINDING_KINDS).optional(),
            resolved: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
            cursor: cursor.describe('The id of the last finding of the previous page.'),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: {
            200: z.object({ run: runSummary.nullable(), findings: z.object({ items: z.array(finding), nextCursor: z.string().nullable() }) }),
            404: errorResponse,
            ...authErrors,
          },
        },
      },
      async (request) => {
        const { run: runId, kind, resolved, cursor: after, limit } = request.query;
        await settleReplays(store);
        const run = await getRun(store, runId);
        if (!run) {
          if (runId !== undefined) throw new NotFoundError(`no reconciliation run ${runId}`);
          return { run: null, findings: { items: [], nextCursor: null } };
        }
        return { run, findings: await listFindings(store, { runId: run.id, kind, resolved, cursor: after, limit }) };
      },
    );
    app.get(
      '/reconciliation/runs',
      {
        schema: {
          summary: 'Reconciliation runs, newest first',
          tags: ['admin'],
          querystring: z.object({ cursor, limit: z.coerce.number().int().min(1).max(200).default(20) }),
          response: { 200: z.object({ items: z.array(runSummary), nextCursor: z.string().nullable() }), ...authErrors },
        },
      },
      async (request) => listRuns(store, request.query),
    );
    app.post(
      '/reconciliation/run',
      {
        schema: {
          summary: 'Queue a reconciliation run now',
          description:
            'Runs with the payload of the configured `reconcile` schedule (`schedule` names one when there are several; none: the defaults). ' +
            'Other fields of the body override that payload (windowDays, erp, numberPattern, tolerance, drift, concurrency, batchSize …).',
          tags: ['admin'],
          body: z.object({ schedule: z.string().min(1).optional() }).catchall(z.unknown()).nullish(),
          response: { 202: z.object({ jobId: z.string(), deduplicated: z.boolean(), payload: z.unknown() }), 404: errorResponse, 422: errorResponse, ...authErrors },
        },
      },
      async (request, reply) => {
        const { schedule: name, ...overrides } = (request.body ?? {}) as Record<string, unknown> & { schedule?: string };
        let base: Record<string, unknown> = {};
        if (name !== undefined) {
          const found = schedules.find(([scheduleName]) => scheduleName === name);
          if (!found) throw new NotFoundError(`no reconcile schedule named ${name}; configured: ${schedules.map(([n]) => n).join(', ') || 'none'}`);
          base = found[1].payload;
        } else {
          base = (schedules.find(([, schedule]) => schedule.enabled) ?? schedules[0])?.[1].payload ?? {};
        }
        const tolerance = { ...(base.tolerance as object | undefined), ...(overrides.tolerance as object | undefined) };
        const merged = { ...base, ...overrides, ...(Object.keys(tolerance).length > 0 ? { tolerance } : {}), trigger: 'admin' };
        const parsed = reconcilePayload.safeParse(merged);
        if (!parsed.success) throw new UserError(`invalid reconciliation settings: ${describeIssues(parsed.error).join('; ')}`, { code: 'invalid_settings' });
        // One manual run per second: a double click queues it once.
        const slot = new Date().toISOString().slice(0, 19);
        const queued = await jobs.enqueue(RECONCILE_JOB, parsed.data, { jobId: `reconcile:manual:${slot}` });
        return reply.code(202).send({ jobId: queued.id, deduplicated: queued.deduplicated, payload: parsed.data });
      },
    );
    app.get(
      '/reconciliation/findings/:id',
      { schema: { summary: 'One reconciliation finding', tags: ['admin'], params: idParam, response: { 200: finding, 404: errorResponse, ...authErrors } } },
      async (request) => {
        await settleReplays(store);
        const found = await getFinding(store, request.params.id);
        if (!found) throw new NotFoundError(`no reconciliation finding ${request.params.id}`);
        return found;
      },
    );
    app.post(
      '/reconciliation/findings/:id/replay',
      {
        schema: {
          summary: 'Send the order of a missing_in_erp / not_delivered finding to the ERP again (audited)',
          description:
            "Replays the order's create outbox row through the delivery module's replay (recorded in outbox_replays with this finding). " +
            'A row the ERP lost although it was delivered is marked dead first. The finding is resolved once the row is delivered again.',
          tags: ['admin'],
          params: idParam,
          body: commentBody,
          response: { 200: z.object({ finding, outbox: replayedRow }), 404: errorResponse, 409: errorResponse, 422: errorResponse, ...authErrors },
        },
      },
      async (request) => {
        const result = await replayFinding(store, { id: request.params.id, actor: actorOf(request.principal?.label), comment: request.body?.comment }, ordering, new Date());
        kick();
        return result;
      },
    );
    app.post(
      '/reconciliation/findings/:id/resolve',
      {
        schema: {
          summary: 'Mark a finding resolved by hand (checked or corrected in the ERP)',
          tags: ['admin'],
          params: idParam,
          body: commentBody,
          response: { 200: finding, 404: errorResponse, 409: errorResponse, ...authErrors },
        },
      },
      async (request) => resolveFinding(store, { id: request.params.id, actor: actorOf(request.principal?.label), comment: request.body?.comment }),
    );
  },
};
