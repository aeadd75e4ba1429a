import { createHash } from 'node:crypto';
import pg from 'pg';
import {
  beginStatement,
  withSerializationRetry,
  withTimeout,
  type Queryable,
  type QueryOptions,
  type QueryResult,
  type Store,
  type TxOptions,
} from './store.js';
import { TEXT_PARSERS } from './type-parsers.js';

export interface PgStoreOptions {
  url: string;
  /** Schema to work in (search_path); tests use one per file. */
  schema?: string | undefined;
  poolSize?: number;
  applicationName?: string;
}

const typeOverrides = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    const parser = TEXT_PARSERS[oid];
    if (parser && format !== 'binary') return parser;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/** One name per statement text, so each connection prepares it once (pg keeps the names per client). */
const preparedNames = new Map<string, string>();
function preparedName(sql: string): string {
  let name = preparedNames.get(sql);
  if (!name) preparedNames.set(sql, (name = `dh_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`));
  return name;
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<Row>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<Row>> {
      const values = params as unknown[] | undefined;
      const result = options?.prepare ? await client.query({ name: preparedName(sql), text: sql, values }) : await client.query(sql, values);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
  };
}

export function createPgStore(options: PgStoreOptions): Store {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'dealer-hub',
    types: typeOverrides,
    connectionTimeoutMillis: 10_000,
    ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
  });
  // An idle client losing its connection (server restart) must not crash the daemon.
  pool.on('error', () => undefined);
  const root = wrap(pool);

  async function session<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    // The pool listens for errors only on idle clients. A checked-out client whose connection is
    // cut between two queries (server restart, pg_terminate_backend) emits 'error' with nobody
    // listening, which would crash the process; note it here and discard the client on release.
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost = error;
    };
    client.on('error', onError);
    let broken: Error | undefined;
    try {
      return await work(wrap(client));
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.off('error', onError);
      client.release(lost ?? (broken && isConnectionError(broken) ? broken : undefined));
    }
  }

  return {
    driver: 'pg',
    query: root.query,
    session,
    tx<T>(work: (q: Queryable) => Promise<T>, txOptions?: TxOptions): Promise<T> {
      return withSerializationRetry(
        () =>
          session(async (q) => {
            await q.query(beginStatement(txOptions));
            try {
              const result = await work(q);
              await q.query('COMMIT');
              return result;
            } catch (error) {
              await q.query('ROLLBACK').catch(() => undefined);
              throw error;
            }
          }),
        txOptions?.retries,
      );
    },
    async ping(timeoutMs = 2_000) {
      await withTimeout(pool.query('SELECT 1'), timeoutMs, 'PostgreSQL');
    },
    async close() {
      await pool.end();
    },
  };
}

function isConnectionError(error: Error): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code.startsWith('08') || code === '57P01' || /terminat|ECONN|socket/i.test(error.message);
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
