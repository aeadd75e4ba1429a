import type { AppConfig } from '../core/config/schema.js';
import { migrate } from '../core/db/migrate.js';
import type { Store } from '../core/db/index.js';
import { createJobRegistry, createJobRunner } from '../core/jobs/index.js';
import { createLogger } from '../core/logger.js';
import { validateSchedules } from '../core/scheduler/index.js';
import { createConnectorHub } from '../connectors/hub.js';
import { CONNECTORS } from '../connectors/registry.js';
import { checkDeliveryTarget, deliverySettings } from '../delivery/settings.js';
import { JOBS } from '../jobs.js';
import { withStore } from './store-commands.js';

interface CheckRow {
  what: string;
  ok: boolean;
  detail: string;
}

async function attempt(what: string, work: () => Promise<string>): Promise<CheckRow> {
  try {
    return { what, ok: true, detail: await work() };
  } catch (error) {
    return { what, ok: false, detail: (error as Error).message };
  }
}

/** Validates the configuration (already done by loading it) and reaches every system it names. */
export async function runCheck(config: AppConfig, file: string): Promise<number> {
  const logger = createLogger({ level: 'silent', pretty: false });
  const rows: CheckRow[] = [{ what: 'config', ok: true, detail: file }];

  let storeForJobs: Store | undefined;
  rows.push(
    await attempt(config.database.url ? 'database (PostgreSQL)' : 'database (embedded PGlite)', () =>
      withStore(config, async (store) => {
        storeForJobs = store;
        await store.ping();
        const report = await migrate(store);
        return config.database.url
          ? `reachable; ${report.applied.length} migration(s) applied now`
          : `${config.database.dataDir}; ${report.applied.length} migration(s) applied now`;
      }),
    ),
  );

  const connectors = createConnectorHub(config.connectors, CONNECTORS, { logger, now: () => new Date() });
  // Job definitions only close over their deps; validation never runs a handler.
  const registry = createJobRegistry(JOBS({ store: storeForJobs as unknown as Store, logger, connectors }));
  const problems = validateSchedules(config.schedules, registry);
  rows.push({ what: 'schedules', ok: problems.length === 0, detail: problems.length === 0 ? `${Object.keys(config.schedules).length} valid` : problems.join('; ') });

  const redisUrl = config.redis.url;
  if (redisUrl) {
    rows.push(
      await attempt('redis', async () => {
        const runner = createJobRunner({ registry, logger, defaults: config.jobs, redisUrl, prefix: config.redis.prefix });
        try {
          await runner.ping();
          return `reachable (${redisUrl.replace(/\/\/[^@]*@/, '//***@')})`;
        } finally {
          await runner.close();
        }
      }),
    );
  } else {
    rows.push({ what: 'jobs', ok: true, detail: 'in-process runner (no REDIS_URL)' });
  }
  for (const info of connectors.list()) {
    const what = `connector ${info.name} (${info.kind})`;
    if (!info.enabled) rows.push({ what, ok: true, detail: 'disabled' });
    else rows.push({ what, ...(await connectors.check(info.name)) });
  }
  for (const [target, connector] of Object.entries(deliverySettings(config).targets)) {
    rows.push(await attempt(`delivery ${target}`, async () => checkDeliveryTarget(connectors, target, connector)));
  }
  await connectors.close();

  const width = Math.max(...rows.map((row) => row.what.length));
  for (const row of rows) process.stdout.write(`${row.ok ? 'OK  ' : 'FAIL'}  ${row.what.padEnd(width)}  ${row.detail}\n`);
  return rows.every((row) => row.ok) ? 0 : 1;
}
