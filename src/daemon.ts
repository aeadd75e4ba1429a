import type { FastifyInstance } from 'fastify';
import { ROUTES } from './api/routes.js';
import { syncDemoTokens } from './core/auth/tokens.js';
import type { AppConfig, ScheduleConfig } from './core/config/schema.js';
import { openStore, type Store } from './core/db/index.js';
import { migrate } from './core/db/migrate.js';
import { buildServer } from './core/http/server.js';
import { createMetrics } from './core/http/metrics.js';
import { createJobRegistry, createJobRunner, type JobRunner } from './core/jobs/index.js';
import type { Logger } from './core/logger.js';
import { createScheduler, validateSchedules } from './core/scheduler/index.js';
import { ConfigError } from './core/errors.js';
import { VERSION } from './core/version.js';
import { createConnectorHub, type ConnectorHub } from './connectors/hub.js';
import { CONNECTORS } from './connectors/registry.js';
import { CONFIRM_JOB, CONFIRM_SCHEDULE } from './delivery/confirm.js';
import { RELAY_JOB, RELAY_SCHEDULE } from './delivery/jobs.js';
import { outboxSnapshot } from './delivery/queries.js';
import { checkDeliveryTarget, deliverySettings } from './delivery/settings.js';
import { loadDemoData } from './demo/load-demo.js';
import { expiryMetrics } from './inventory/metrics.js';
import { JOBS } from './jobs.js';
import { seedDemoSellThrough } from './replenishment/demo.js';
import { businessDate } from './orders/evaluate.js';
import { replenishmentSchedule } from './replenishment/job.js';
import { replenishmentSettings } from './replenishment/plan.js';
import { orderingSettings } from './api/v1/orders.js';
import { INBOX_JOB } from './edi/transport/inbox.js';

export const ROLES = ['api', 'worker', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];

export interface DaemonOptions {
  config: AppConfig;
  roles: readonly Role[];
  logger: Logger;
  now?: () => Date;
}

export interface Daemon {
  /** http://host:port when the api role runs. */
  url: string | undefined;
  mode: 'embedded' | 'server';
  store: Store;
  jobs: JobRunner;
  connectors: ConnectorHub;
  app: FastifyInstance | undefined;
  demoSeeded: boolean;
  /** Graceful: stop accepting, finish in-flight requests and jobs, close pools. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the roles asked for. Each resource opened pushes its own closer, so a failure half-way
 * (port taken, database down) closes what was opened before it, and stop() closes the rest.
 */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { config, roles, logger } = options;
  const closers: Array<() => Promise<void>> = [];
  let shuttingDown = false;
  const stop = async () => {
    if (shuttingDown) return;
    shuttingDown = true;
    for (const close of closers.reverse()) {
      await close().catch((error: unknown) => logger.error({ err: error }, 'error while stopping'));
    }
  };

  try {
    const mode = config.database.url ? 'server' : 'embedded';
    const store = await openStore({ url: config.database.url, dataDir: config.database.dataDir, schema: config.database.schema, poolSize: config.database.poolSize });
    closers.push(() => store.close());
    logger.info({ mode, store: store.driver, dataDir: store.driver === 'pglite' ? config.database.dataDir : undefined }, 'store opened');
    await migrate(store, logger);

    const connectors = createConnectorHub(config.connectors, CONNECTORS, { logger, now: options.now ?? (() => new Date()) });
    closers.push(() => connectors.close());

    let demoSeeded = false;
    if (config.demo.enabled) {
      const loaded = await loadDemoData(store, connectors, config.demo.connector, logger);
      demoSeeded = loaded !== null;
      if (loaded) logger.info({ streams: loaded.map((r) => `${r.stream}: ${r.counts.inserted}`) }, 'demo data loaded into the empty store');
      if (loaded) await seedDemoSellThrough(store, businessDate(new Date(), config.ordering.timeZone));
    }
    await syncDemoTokens(store, config.demo.enabled, config.demo.tokens);

    const delivery = deliverySettings(config);
    // Refuse to start when orders would go to a connector that cannot take them.
    for (const [target, connector] of Object.entries(delivery.targets)) checkDeliveryTarget(connectors, target, connector);
    const metrics = createMetrics();
    metrics.watchOutbox(() => outboxSnapshot(store, Object.keys(delivery.targets)));
    let runner: JobRunner | undefined;
    const registry = createJobRegistry(
      JOBS({
        store,
        logger,
        connectors,
        delivery: {
          settings: delivery,
          enqueue: (job, payload, enqueueOptions) => (runner ? runner.enqueue(job, payload, enqueueOptions) : Promise.reject(new Error('job runner not started'))),
          observe: (observation) => metrics.observeDelivery(observation),
        },
        inventory: { config: config.inventory, timeZone: config.ordering.timeZone, observe: expiryMetrics(metrics.registry, store).observe },
        edi: { partners: config.edi.partners, ordering: orderingSettings(config) },
        credit: { credit: config.credit, timeZone: config.ordering.timeZone },
        replenishment: replenishmentSettings(config),
      }),
    );
    const problems = validateSchedules(config.schedules, registry);
    if (problems.length > 0) throw new ConfigError(`invalid schedules:\n  - ${problems.join('\n  - ')}`);

    const jobs = createJobRunner({
      registry,
      logger,
      defaults: config.jobs,
      redisUrl: config.redis.url,
      prefix: config.redis.prefix,
      onEvent: (event) => metrics.observeJob(event),
    });
    runner = jobs;
    closers.push(() => jobs.close());
    if (roles.includes('worker')) await jobs.startWorkers();

    if (roles.includes('scheduler')) {
      // The relay runs on its own schedule once orders have somewhere to go (a schedule of that name in the config wins).
      const relay: Record<string, ScheduleConfig> =
        Object.keys(delivery.targets).length > 0 ? { [RELAY_SCHEDULE]: { cron: delivery.relayCron, job: RELAY_JOB, payload: {}, timezone: 'UTC', enabled: true } } : {};
      // …and so does delivery.confirm, for orders the ERP accepted without a number yet.
      if (delivery.targets.erp) relay[CONFIRM_SCHEDULE] = { cron: delivery.confirmCron, job: CONFIRM_JOB, payload: {}, timezone: 'UTC', enabled: true };
      // Each partner's inbox folder is looked at on its own cron (edi.inbox:<partner>).
      for (const p of config.edi.partners) {
        if (p.inbox) relay[`${INBOX_JOB}:${p.id}`] = { cron: p.inbox.cron, job: INBOX_JOB, payload: { partner: p.id }, timezone: 'UTC', enabled: true };
      }
      // The nightly replenishment plans (replenishment.schedule).
      Object.assign(relay, replenishmentSchedule(config.replenishment));
      const scheduler = createScheduler({ schedules: { ...relay, ...config.schedules }, registry, runner: jobs, logger });
      scheduler.start();
      closers.push(() => scheduler.stop());
    }

    let app: FastifyInstance | undefined;
    let url: string | undefined;
    if (roles.includes('api')) {
      app = await buildServer({ config, store, jobs, connectors, logger, metrics, version: VERSION, isShuttingDown: () => shuttingDown }, ROUTES);
      const server = app;
      closers.push(() => server.close());
      await app.listen({ host: config.server.host, port: config.server.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.server.port;
      url = `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${port}`;
      logger.info({ url, roles }, `dealer-hub listening on ${url}`);
    } else {
      logger.info({ roles }, 'dealer-hub started without the api role');
    }
    return { url, mode, store, jobs, connectors, app, demoSeeded, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
