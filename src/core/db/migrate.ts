import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger.js';
import type { Store } from './store.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

/** Any fixed 64-bit number: every dealer-hub process on a database contends for this one lock. */
const MIGRATION_LOCK_KEY = 7_201_941_001;

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(`${dir}/${file}`, 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

/**
 * Applies pending migrations, each in its own transaction, while holding a session-level
 * advisory lock so that replicas starting together apply each migration exactly once.
 */
export async function migrate(store: Store, logger?: Logger, migrations = loadMigrations()): Promise<MigrationReport> {
  return store.session(async (session) => {
    await session.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      await session.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await session.query<{ version: number; name: string; checksum: string }>(
        'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
      );
      const done = new Map(rows.map((row) => [row.version, row]));
      const applied: string[] = [];
      for (const migration of migrations) {
        const previous = done.get(migration.version);
        if (previous) {
          if (previous.checksum !== migration.checksum) {
            throw new Error(
              `migration ${migration.name} was changed after it was applied (checksum differs); ` +
                'add a new migration instead of editing an applied one',
            );
          }
          continue;
        }
        await store.tx(async (q) => {
          await q.query(migration.sql);
          await q.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            migration.checksum,
          ]);
        });
        applied.push(migration.name);
        logger?.info({ migration: migration.name }, 'migration applied');
      }
      return { applied, alreadyApplied: done.size };
    } finally {
      await session.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    }
  });
}
