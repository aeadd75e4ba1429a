import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { beginStatement, withSerializationRetry, withTimeout, type Queryable, type QueryResult, type Store, type TxOptions } from './store.js';
import { lockDataDir } from './data-dir-lock.js';
import { TEXT_PARSERS } from './type-parsers.js';

export interface PgliteStoreOptions {
  /** Folder for the embedded database; omitted = in memory (tests). */
  dataDir?: string | undefined;
}

function wrap(db: PGlite | Transaction): Queryable {
  return {
    async query<Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      // Parameterless statements may hold several commands (migrations); exec runs them all.
      if (!params || params.length === 0) {
        const results = await db.exec(sql);
        const last = results.at(-1);
        return { rows: (last?.rows ?? []) as Row[], rowCount: last?.affectedRows ?? last?.rows.length ?? 0 };
      }
      const result = await db.query<Row>(sql, params as unknown[]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
  };
}

/**
 * Embedded PostgreSQL (WASM). One backend: queries from concurrent callers are queued, and a
 * transaction holds the database for its duration. fsync is off — not crash-durable.
 */
export async function createPgliteStore(options: PgliteStoreOptions = {}): Promise<Store> {
  let unlock = () => undefined as void;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    unlock = lockDataDir(options.dataDir);
  }
  let db: PGlite;
  try {
    db = await PGlite.create({ dataDir: options.dataDir, parsers: TEXT_PARSERS });
  } catch (error) {
    unlock();
    throw error;
  }
  const root = wrap(db);
  let closed = false;

  return {
    driver: 'pglite',
    query(sql, params) {
      if (closed) return Promise.reject(new Error('the embedded database is closed'));
      return root.query(sql, params);
    },
    // One backend: every caller already shares "the" connection, so a session is just the store.
    session: (work) => work(root),
    tx<T>(work: (q: Queryable) => Promise<T>, txOptions?: TxOptions): Promise<T> {
      return withSerializationRetry(
        () =>
          db.transaction(async (tx) => {
            if (txOptions?.isolation) await tx.exec(beginStatement(txOptions).replace('BEGIN', 'SET TRANSACTION'));
            return work(wrap(tx));
          }),
        txOptions?.retries,
      );
    },
    async ping(timeoutMs = 2_000) {
      if (closed) throw new Error('the embedded database is closed');
      await withTimeout(db.query('SELECT 1'), timeoutMs, 'PGlite');
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await db.close();
      } finally {
        unlock();
      }
    },
  };
}
