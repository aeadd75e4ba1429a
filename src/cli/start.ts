import type { AppConfig } from '../core/config/schema.js';
import { UserError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { ROLES, startDaemon, type Role } from '../daemon.js';
import { portalBannerLines } from './portal.js';

export function parseRoles(value: string | undefined): Role[] {
  if (!value) return [...ROLES];
  const roles = value.split(',').map((role) => role.trim()).filter(Boolean);
  const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
  if (unknown.length > 0 || roles.length === 0) {
    throw new UserError(`--roles takes a comma-separated list of ${ROLES.join(', ')}; got "${value}"`);
  }
  return roles as Role[];
}

/**
 * Runs the daemon until SIGTERM/SIGINT. The first signal drains gracefully (bounded by
 * server.shutdownTimeoutMs); a second signal, or the timeout, exits at once.
 */
export async function runStart(config: AppConfig, configFile: string, rolesFlag: string | undefined): Promise<number> {
  const roles = parseRoles(rolesFlag);
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty });
  logger.info({ config: configFile, roles }, 'dealer-hub starting');
  const daemon = await startDaemon({ config, roles, logger });
  if (config.demo.enabled) {
    // pino-pretty writes from a worker thread; let it catch up so the banner comes last.
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    printDemoBanner(daemon.url, config, daemon.mode, await portalBannerLines(config, daemon.url, daemon.store));
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'shutting down: draining requests and jobs (send the signal again to exit at once)');
  const forceExit = () => {
    logger.warn('second signal: exiting without draining');
    process.exit(130);
  };
  process.once('SIGTERM', forceExit);
  process.once('SIGINT', forceExit);
  const timer = setTimeout(() => {
    logger.error({ timeoutMs: config.server.shutdownTimeoutMs }, 'graceful shutdown timed out; exiting');
    process.exit(1);
  }, config.server.shutdownTimeoutMs);
  timer.unref();
  await daemon.stop();
  clearTimeout(timer);
  logger.info('dealer-hub stopped');
  logger.flush?.();
  return 0;
}

function printDemoBanner(url: string | undefined, config: AppConfig, mode: string, portal: string[] = []): void {
  const lines = [
    '',
    `  dealer-hub demo is running (${mode} mode${mode === 'embedded' ? `, data in ${config.database.dataDir}` : ''})`,
    url ? `  Open ${url}   API docs: ${url}/openapi.json` : '  (no api role in this process)',
    '',
    '  Demo tokens (they work only while demo.enabled is true):',
  ];
  const { admin, dealers } = config.demo.tokens;
  if (admin) lines.push(`    admin   ${admin}`);
  for (const [code, token] of Object.entries(dealers)) lines.push(`    ${code.padEnd(7)} ${token}`);
  if (url && Object.keys(dealers)[0]) {
    const [code, token] = Object.entries(dealers)[0]!;
    lines.push('', `  Try: curl -H "Authorization: Bearer ${token}" ${url}/v1/me     (dealer ${code})`);
  }
  lines.push(...portal);
  process.stdout.write(`${lines.join('\n')}\n\n`);
}
