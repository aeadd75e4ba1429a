/**
 * The drivers behind one tiny interface, `QueryFn`: run a statement with positional
 * parameters, get rows as objects. Pools open on first use and close with the connector.
 * mssql and oracledb are loaded only when a connector of that dialect runs (they are large);
 * the few members used are typed here, as neither package ships type declarations.
 */
import { createRequire } from 'node:module';
import pg from 'pg';
import type { Logger } from '../../core/logger.js';
import { scrubUrl } from '../shared/scrub.js';
import type { SqlDialectName } from './options.js';

/** Runs one statement; `params` bind to the dialect's placeholders ($1 / @p1 / :1) in order. */
export type QueryFn = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

export interface SqlDriver {
  query: QueryFn;
  /**
   * Runs `work` on one session inside a transaction: committed when it returns, rolled back when
   * it throws. Statements in `work` go through the `query` it is given.
   */
  transaction<T>(work: (query: QueryFn) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DriverSettings {
  dialect: SqlDialectName;
  url: string;
  timeoutMs: number;
  logger: Logger;
}

/** Sessions per connector: streams of one connector may run side by side. */
const POOL_SIZE = 4;
const require = createRequire(import.meta.url);
const decode = (text: string) => decodeURIComponent(text);

/** `mssql db.example.com:1433/AIS` — host, port and database; never the user or password. */
export function describeTarget(dialect: SqlDialectName, url: string): string {
  try {
    const u = new URL(url);
    return `${dialect} ${u.host}${u.pathname.length > 1 ? decode(u.pathname) : ''}`;
  } catch {
    return `${dialect} ${scrubUrl(url)}`;
  }
}

/** Password and user as written in the URL (raw and decoded), for scrubbing messages. */
export function urlSecrets(url: string): string[] {
  try {
    const u = new URL(url);
    return [u.password, decode(u.password)].filter(Boolean);
  } catch {
    return [];
  }
}

export function createDriver(settings: DriverSettings): SqlDriver {
  switch (settings.dialect) {
    case 'postgres':
      return postgresDriver(settings);
    case 'mssql':
      return mssqlDriver(settings);
    case 'oracle':
      return oracleDriver(settings);
  }
}

/** A pool opened on first use; a failed open is forgotten so the next call tries again. */
function lazyPool<P>(open: () => Promise<P>, end: (pool: P) => Promise<void>) {
  let pending: Promise<P> | undefined;
  return {
    get(): Promise<P> {
      pending ??= open().catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
      return pending;
    },
    async close(): Promise<void> {
      const current = pending;
      pending = undefined;
      const opened = await current?.catch(() => undefined);
      if (opened) await end(opened);
    },
  };
}

/** `date` and `timestamp` (without time zone): calendar values, kept as PostgreSQL's text. */
const TEXT_OIDS = new Set([1082, 1114]);

function postgresDriver({ url, timeoutMs, logger }: DriverSettings): SqlDriver {
  // pg would turn '2026-03-01' into local midnight: another calendar day in UTC east of Greenwich.
  const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
    TEXT_OIDS.has(oid) ? (value: string) => value : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;
  const pool = lazyPool(
    async () => {
      const created = new pg.Pool({
        connectionString: url,
        max: POOL_SIZE,
        idleTimeoutMillis: 10_000,
        connectionTimeoutMillis: timeoutMs,
        statement_timeout: timeoutMs,
        query_timeout: timeoutMs + 1_000,
        application_name: 'dealer-hub',
        // Key texts (CAST … AS text) must read back the same in every session; the URL's own `options` win.
        options: '-c DateStyle=ISO,YMD',
        types: { getTypeParser },
      });
      created.on('error', (error) => logger.warn({ err: error.message }, 'idle postgres connection failed'));
      return created;
    },
    (p) => p.end(),
  );
  return {
    query: async (sql, params) => (await (await pool.get()).query(sql, params)).rows,
    async transaction(work) {
      const client = await (await pool.get()).connect();
      let broken: unknown;
      try {
        await client.query('BEGIN');
        const result = await work(async (sql, params) => (await client.query(sql, params)).rows);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        // A connection that could not roll back is in an unknown state: drop it.
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    close: pool.close,
  };
}

interface MssqlRequest {
  input(name: string, value: unknown): MssqlRequest;
  query(sql: string): Promise<{ recordset?: Record<string, unknown>[] }>;
}
interface MssqlTransaction {
  begin(): Promise<MssqlTransaction>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  request(): MssqlRequest;
}
interface MssqlPool {
  connect(): Promise<MssqlPool>;
  request(): MssqlRequest;
  transaction(): MssqlTransaction;
  close(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): void;
}

function mssqlDriver({ url, timeoutMs, logger }: DriverSettings): SqlDriver {
  const mssql = require('mssql') as { ConnectionPool: new (config: object) => MssqlPool };
  const u = new URL(url);
  const flag = (name: string, fallback: boolean) => (u.searchParams.has(name) ? /^(1|true|yes)$/i.test(u.searchParams.get(name)!) : fallback);
  const instanceName = u.searchParams.get('instanceName') ?? undefined;
  const config = {
    server: u.hostname,
    // A named instance finds its port through SQL Server Browser unless one is given.
    ...(u.port || !instanceName ? { port: Number(u.port || 1433) } : {}),
    database: decode(u.pathname.replace(/^\//, '')) || undefined,
    user: decode(u.username),
    password: decode(u.password),
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    pool: { max: POOL_SIZE, min: 0, idleTimeoutMillis: 30_000 },
    options: { encrypt: flag('encrypt', true), trustServerCertificate: flag('trustServerCertificate', false), instanceName, appName: 'dealer-hub', useUTC: true },
  };
  const pool = lazyPool(
    async () => {
      const created = new mssql.ConnectionPool(config);
      created.on('error', (error) => logger.warn({ err: error.message }, 'mssql pool error'));
      return created.connect();
    },
    (p) => p.close(),
  );
  const run = async (request: MssqlRequest, sql: string, params: unknown[]) => {
    params.forEach((value, i) => request.input(`p${i + 1}`, value));
    return (await request.query(sql)).recordset ?? [];
  };
  return {
    query: async (sql, params) => run((await pool.get()).request(), sql, params),
    async transaction(work) {
      const transaction = await (await pool.get()).transaction().begin();
      try {
        const result = await work((sql, params) => run(transaction.request(), sql, params));
        await transaction.commit();
        return result;
      } catch (error) {
        // SQL Server may have rolled back already (XACT_ABORT, a severe error); that is fine.
        await transaction.rollback().catch(() => undefined);
        throw error;
      }
    },
    close: pool.close,
  };
}

interface OracleConnection {
  callTimeout: number;
  execute(sql: string, params: unknown[], options?: object): Promise<{ rows?: Record<string, unknown>[] }>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}
interface OraclePool {
  getConnection(): Promise<OracleConnection>;
  close(drainSeconds?: number): Promise<void>;
}

/**
 * Set on every new session: key values are rendered by TO_CHAR and read back through these
 * formats (dialects.ts), and ORDER BY must compare exactly like `>` does (binary).
 */
export const ORACLE_SESSION_SQL =
  `ALTER SESSION SET NLS_DATE_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS' NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.FF9' ` +
  `NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.FF9TZH:TZM' NLS_NUMERIC_CHARACTERS = '.,' NLS_SORT = BINARY NLS_COMP = BINARY`;

function oracleDriver({ url, timeoutMs }: DriverSettings): SqlDriver {
  const oracledb = require('oracledb') as { OUT_FORMAT_OBJECT: number; createPool(config: object): Promise<OraclePool> };
  const u = new URL(url);
  const pool = lazyPool(
    () =>
      oracledb.createPool({
        user: decode(u.username),
        password: decode(u.password),
        connectString: `${u.hostname}:${u.port || 1521}/${decode(u.pathname.replace(/^\//, ''))}`,
        poolMin: 0,
        poolMax: POOL_SIZE,
        poolIncrement: 1,
        poolTimeout: 60,
        connectTimeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
        sessionCallback: (connection: OracleConnection, _tag: string, done: (error?: unknown) => void) => {
          connection.execute(ORACLE_SESSION_SQL, []).then(() => done(), done);
        },
      }),
    (p) => p.close(0),
  );
  return {
    async query(sql, params) {
      const connection = await (await pool.get()).getConnection();
      try {
        connection.callTimeout = timeoutMs;
        return (await connection.execute(sql, params, { outFormat: oracledb.OUT_FORMAT_OBJECT })).rows ?? [];
      } finally {
        await connection.close();
      }
    },
    async transaction(work) {
      const connection = await (await pool.get()).getConnection();
      try {
        connection.callTimeout = timeoutMs;
        // oracledb does not auto-commit by default: the statements stay one transaction until commit().
        const result = await work(async (sql, params) => (await connection.execute(sql, params, { outFormat: oracledb.OUT_FORMAT_OBJECT })).rows ?? []);
        await connection.commit();
        return result;
      } catch (error) {
        await connection.rollback().catch(() => undefined);
        throw error;
      } finally {
        await connection.close();
      }
    },
    close: pool.close,
  };
}
