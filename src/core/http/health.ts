import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from './server.js';

interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
}

async function timed(check: () => Promise<void>): Promise<CheckResult> {
  const started = performance.now();
  try {
    await check();
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, ms: Math.round(performance.now() - started), error: (error as Error).message };
  }
}

/** Liveness, readiness and Prometheus metrics: unauthenticated, outside /v1 and /admin. */
export function registerHealthRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const [database, jobs] = await Promise.all([timed(() => deps.store.ping()), timed(() => deps.jobs.ping())]);
    const checks = { database, [deps.jobs.kind === 'bullmq' ? 'redis' : 'jobs']: jobs };
    const shuttingDown = deps.isShuttingDown();
    const ready = database.ok && jobs.ok && !shuttingDown;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : shuttingDown ? 'stopping' : 'unavailable', checks });
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
