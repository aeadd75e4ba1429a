import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../src/api/routes.js';
import { createConnectorHub, type ConnectorHub, type ConnectorRegistry } from '../../src/connectors/hub.js';
import { CONNECTORS } from '../../src/connectors/registry.js';
import { issueToken } from '../../src/core/auth/tokens.js';
import { configSchema } from '../../src/core/config/schema.js';
import type { Store } from '../../src/core/db/index.js';
import { createMetrics } from '../../src/core/http/metrics.js';
import { buildServer } from '../../src/core/http/server.js';
import { createBullmqRunner, createJobRegistry, createInProcessRunner, type JobRunner } from '../../src/core/jobs/index.js';
import { outboxSnapshot } from '../../src/delivery/queries.js';
import { deliverySettings } from '../../src/delivery/settings.js';
import { createLogger } from '../../src/core/logger.js';
import { JOBS } from '../../src/jobs.js';
import { deleteKeysWithPrefix, REDIS_URL } from './redis.js';
import { createTestStore, type Driver, type TestStore } from './store.js';

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  testStore: TestStore;
  jobs: JobRunner;
  connectors: ConnectorHub;
  tokens: { admin: string; d1: string; d2: string };
  /** Every log line the app wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Two dealers in different provinces, each with one ship-to: enough to test scoping. */
export async function seedTwoDealers(store: Store): Promise<void> {
  await store.query(`
    INSERT INTO dealers (code, name, tier) VALUES ('T001', '测试经销商一', 'A'), ('T002', '测试经销商二', 'B');
    INSERT INTO dealer_regions (dealer_id, region_code) SELECT id, CASE code WHEN 'T001' THEN '44' ELSE '33' END FROM dealers;
    INSERT INTO ship_tos (dealer_id, code, name, address, region_code)
      SELECT id, code || '-01', name || '仓', '地址 ' || code, CASE code WHEN 'T001' THEN '440305' ELSE '330106' END FROM dealers;`);
}

export interface TestAppOptions {
  /** Connector kinds to build the config's connectors from (default: the daemon's registry). */
  registry?: ConnectorRegistry;
  /** Run jobs on BullMQ (REDIS_URL) under this key prefix, deleted on close; default: in-process. */
  redisPrefix?: string;
}

export async function createTestApp(
  driver: Driver,
  overrides: Record<string, unknown> = {},
  givenStore?: TestStore,
  options: TestAppOptions = {},
): Promise<TestApp> {
  const testStore = givenStore ?? (await createTestStore(driver));
  const { store } = testStore;
  await seedTwoDealers(store);
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ level: 'info', pretty: false }, sink);
  const config = configSchema.parse(overrides);
  const connectors = createConnectorHub(config.connectors, options.registry ?? CONNECTORS, { logger, now: () => new Date() });
  const metrics = createMetrics();
  const delivery = deliverySettings(config);
  metrics.watchOutbox(() => outboxSnapshot(store, Object.keys(delivery.targets)));
  let runner: JobRunner | undefined;
  const registry = createJobRegistry(
    JOBS({
      store,
      logger,
      connectors,
      delivery: { settings: delivery, enqueue: (job, payload, o) => runner!.enqueue(job, payload, o), observe: (event) => metrics.observeDelivery(event) },
    }),
  );
  const { redisPrefix } = options;
  const jobs: JobRunner = redisPrefix
    ? createBullmqRunner({ registry, logger, defaults: config.jobs, redisUrl: REDIS_URL, prefix: redisPrefix })
    : createInProcessRunner({ registry, logger, defaults: config.jobs });
  runner = jobs;
  await jobs.startWorkers();
  let shuttingDown = false;
  const app = await buildServer(
    { config, store, jobs, connectors, logger, metrics, version: 'test', isShuttingDown: () => shuttingDown },
    ROUTES,
  );
  const tokens = {
    admin: (await issueToken(store, { kind: 'admin', label: 'test' })).token,
    d1: (await issueToken(store, { kind: 'dealer', dealerCode: 'T001', label: 'test' })).token,
    d2: (await issueToken(store, { kind: 'dealer', dealerCode: 'T002', label: 'test' })).token,
  };
  return {
    app,
    store,
    testStore,
    jobs,
    connectors,
    tokens,
    logs,
    async close() {
      shuttingDown = true;
      await app.close();
      await jobs.close();
      await connectors.close();
      await testStore.drop();
      if (redisPrefix) await deleteKeysWithPrefix(redisPrefix);
    },
  };
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
