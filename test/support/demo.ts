import { connectorRefinement, createConnectorHub } from '../../src/connectors/hub.js';
import { CONNECTORS } from '../../src/connectors/registry.js';
import { loadConfig } from '../../src/core/config/index.js';
import type { Store } from '../../src/core/db/index.js';
import { createLogger } from '../../src/core/logger.js';
import { runSync } from '../../src/core/sync/index.js';

/** Syncs every stream of the demo connector (config/demo.yaml) into `store`, as `npm start` does. */
export async function loadDemoInto(store: Store, now = new Date()): Promise<void> {
  const { config } = loadConfig('config/demo.yaml', {}, connectorRefinement(CONNECTORS));
  const logger = createLogger({ level: 'silent', pretty: false });
  const hub = createConnectorHub(config.connectors, CONNECTORS, { logger, now: () => now });
  try {
    for (const stream of hub.info(config.demo.connector).streams) {
      const report = await runSync({ store, target: hub.stream(config.demo.connector, stream.name), trigger: 'test', logger });
      if (report.status !== 'succeeded' || report.counts.rejected > 0) throw new Error(`demo stream ${stream.name}: ${report.error ?? JSON.stringify(report.issues)}`);
    }
  } finally {
    await hub.close();
  }
}
