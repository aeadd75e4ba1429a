#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, DealerHubError } from './core/errors.js';
import { createLogger } from './core/logger.js';
import { loadConfig, resolveConfigPath } from './core/config/index.js';
import { connectorRefinement } from './connectors/hub.js';
import { CONNECTORS } from './connectors/registry.js';
import { VERSION } from './core/version.js';
import { runCheck } from './cli/check.js';
import { runMigrate, runTokenCreate } from './cli/store-commands.js';
import { runStart } from './cli/start.js';
import { runReplayCommand } from './cli/replay.js';
import { runSyncCommand } from './cli/sync.js';
import { runLoginLink, runPortalUserCreate } from './cli/portal.js';

const USAGE = `dealer-hub ${VERSION} — integration hub and ERP sync daemon for dealer ordering

Usage:
  dealer-hub start   [--config FILE] [--roles api,worker,scheduler]   run the daemon (all roles by default)
  dealer-hub migrate [--config FILE]                                  apply database migrations and exit
  dealer-hub check   [--config FILE]                                  validate the config and reach every system
  dealer-hub sync CONNECTOR STREAM [--config FILE]                    run one stream's sync now and report it
  dealer-hub replay OUTBOX-ID [--payload FILE] [--comment TEXT] [--config FILE]
                                                                      deliver a dead or rejected outbox row again
  dealer-hub token create (--dealer CODE | --admin) [--label TEXT] [--config FILE]
                                                                      print a new API token (shown once)
  dealer-hub portal login-link (DEALER | --user NAME | --admin) [--config FILE]
                                                                      print a one-time portal sign-in link
  dealer-hub portal user create NAME (--dealer CODE | --admin) [--config FILE]
                                                                      create a portal user; print its password once
Configuration: --config, else $DEALER_HUB_CONFIG, else config/demo.yaml.
Environment: PORT, HOST, DATABASE_URL, REDIS_URL, DEALER_HUB_DATA_DIR, LOG_LEVEL override the file.`;

const OPTIONS = {
  config: { type: 'string' },
  roles: { type: 'string' },
  dealer: { type: 'string' },
  admin: { type: 'boolean' },
  label: { type: 'string' },
  user: { type: 'string' },
  payload: { type: 'string' },
  comment: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const [command, subcommand, third] = positionals;
  if (values.help || !command || command === 'help') {
    (command || values.help ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }

  try {
    const { config, file } = loadConfig(resolveConfigPath(values.config, process.env), process.env, connectorRefinement(CONNECTORS));
    switch (command) {
      case 'start':
        return await runStart(config, file, values.roles);
      case 'migrate':
        return await runMigrate(config);
      case 'check':
        return await runCheck(config, file);
      case 'sync':
        if (!subcommand || !third) break;
        return await runSyncCommand(config, subcommand, third);
      case 'replay':
        if (!subcommand || third) break;
        return await runReplayCommand(config, subcommand, { payloadFile: values.payload, comment: values.comment });
      case 'token':
        if (subcommand !== 'create') break;
        return await runTokenCreate(config, { dealer: values.dealer, admin: values.admin ?? false, label: values.label });
      case 'portal':
        if (subcommand === 'login-link' && !positionals[3]) return await runLoginLink(config, { dealer: third, user: values.user, admin: values.admin ?? false });
        if (subcommand === 'user' && third === 'create' && !positionals[4]) return await runPortalUserCreate(config, positionals[3], { dealer: values.dealer, admin: values.admin ?? false });
        break;
    }
    process.stderr.write(`unknown command: ${positionals.join(' ')}\n\n${USAGE}\n`);
    return 2;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (error instanceof DealerHubError) {
      process.stderr.write(`dealer-hub: ${error.message}\n`);
      return 1;
    }
    createLogger({ level: 'error', pretty: false }).error({ err: error }, 'dealer-hub failed');
    return 1;
  }
}

process.exit(await main(process.argv.slice(2)));
