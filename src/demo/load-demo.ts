import type { ConnectorHub } from '../connectors/hub.js';
import type { Store } from '../core/db/index.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { runSync, type SyncReport } from '../core/sync/index.js';

const DEMO_LOCK_KEY = 7_201_941_002;
/** Embedded mode shares one session, where advisory locks are re-entrant; serialise in-process too. */
const loading = new WeakMap<Store, Promise<unknown>>();

/**
 * The demo data arrives the way real data does: through a connector (the `file` connector on
 * config/demo-data), stream by stream in the order the config lists them, so referenced codes
 * exist before they are used. Only into an empty store: the demo never mixes with real data.
 * Returns null when the store already had dealers.
 */
export async function loadDemoData(store: Store, connectors: ConnectorHub, connector: string, logger: Logger): Promise<SyncReport[] | null> {
  const previous = loading.get(store) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(() => loadOnce(store, connectors, connector, logger));
  loading.set(store, current);
  return current;
}

// Replicas starting together on one empty database: the first loads, the others then find dealers.
async function loadOnce(store: Store, connectors: ConnectorHub, connector: string, logger: Logger): Promise<SyncReport[] | null> {
  return store.session(async (session) => {
    await session.query('SELECT pg_advisory_lock($1)', [DEMO_LOCK_KEY]);
    try {
      const { rows } = await session.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM dealers) AS any');
      return rows[0]?.any ? null : await loadAll(store, connectors, connector, logger);
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [DEMO_LOCK_KEY]);
    }
  });
}

async function loadAll(store: Store, connectors: ConnectorHub, connector: string, logger: Logger): Promise<SyncReport[]> {
  const info = connectors.list().find((c) => c.name === connector);
  if (!info) throw new ConfigError(`demo.connector names "${connector}", which is not among the configured connectors`);
  const reports: SyncReport[] = [];
  for (const stream of info.streams) {
    const report = await runSync({ store, target: connectors.stream(connector, stream.name), trigger: 'demo', logger });
    if (report.status === 'failed') throw new Error(`loading demo stream ${stream.name} failed: ${report.error}`);
    reports.push(report);
  }
  return reports;
}
