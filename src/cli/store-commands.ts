import { issueToken } from '../core/auth/tokens.js';
import type { AppConfig } from '../core/config/schema.js';
import { openStore, type Store } from '../core/db/index.js';
import { migrate } from '../core/db/migrate.js';
import { UserError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';

export async function withStore<T>(config: AppConfig, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ url: config.database.url, dataDir: config.database.dataDir, schema: config.database.schema, poolSize: 2 });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

export async function runMigrate(config: AppConfig): Promise<number> {
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty });
  const report = await withStore(config, (store) => migrate(store, logger));
  process.stdout.write(
    report.applied.length > 0
      ? `applied ${report.applied.length} migration(s): ${report.applied.join(', ')}\n`
      : `database is up to date (${report.alreadyApplied} migration(s) applied before)\n`,
  );
  return 0;
}

export async function runTokenCreate(config: AppConfig, options: { dealer: string | undefined; admin: boolean; label: string | undefined }): Promise<number> {
  if (Boolean(options.dealer) === options.admin) throw new UserError('token create needs exactly one of --dealer CODE or --admin');
  const issued = await withStore(config, async (store) => {
    await migrate(store);
    return issueToken(
      store,
      options.dealer ? { kind: 'dealer', dealerCode: options.dealer, label: options.label ?? 'cli' } : { kind: 'admin', label: options.label ?? 'cli' },
    );
  });
  process.stderr.write(`Created ${options.dealer ? `a token for dealer ${options.dealer}` : 'an admin token'} (id ${issued.id}). It is shown only this once:\n`);
  process.stdout.write(`${issued.token}\n`);
  return 0;
}
