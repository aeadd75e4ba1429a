import { createConnectorHub } from '../connectors/hub.js';
import { CONNECTORS } from '../connectors/registry.js';
import type { AppConfig } from '../core/config/schema.js';
import { migrate } from '../core/db/migrate.js';
import { createLogger } from '../core/logger.js';
import { runSync } from '../core/sync/index.js';
import { withStore } from './store-commands.js';

/** `dealer-hub sync <connector> <stream>`: one run now, in this process, with its report. */
export async function runSyncCommand(config: AppConfig, connector: string, stream: string): Promise<number> {
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty });
  const hub = createConnectorHub(config.connectors, CONNECTORS, { logger, now: () => new Date() });
  try {
    const report = await withStore(config, async (store) => {
      await migrate(store, logger);
      return runSync({ store, target: hub.stream(connector, stream), trigger: 'cli', logger });
    });
    const { counts } = report;
    process.stdout.write(
      `${report.status} in ${(report.durationMs / 1000).toFixed(1)} s (run ${report.runId}): read ${counts.read}, inserted ${counts.inserted}, ` +
        `updated ${counts.updated}, unchanged ${counts.unchanged}, rejected ${counts.rejected}, disappeared ${counts.disappeared}\n`,
    );
    for (const issue of report.issues.slice(0, 20)) {
      const where = [issue.file, issue.row && `row ${issue.row}`, issue.key, issue.field].filter(Boolean).join(' ');
      process.stdout.write(`  - ${where}: ${issue.message}\n`);
    }
    if (report.issues.length > 20) process.stdout.write(`  … ${report.issues.length - 20} more issues: GET /admin/connectors/${connector}/runs\n`);
    if (report.error) process.stderr.write(`error: ${report.error}\n`);
    return report.status === 'succeeded' ? 0 : 1;
  } finally {
    await hub.close();
  }
}
