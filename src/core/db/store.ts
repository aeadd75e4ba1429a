/**
 * The one database interface the rest of dealer-hub sees. Two drivers implement it — `pg`
 * (server mode) and PGlite (embedded mode) — and return values of the same JS types:
 * int8 → number (ids; we never store integers past 2^53), numeric → string (exact decimals),
 * date → 'YYYY-MM-DD' string, timestamptz → Date, json/jsonb → parsed value.
 */
export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * Prepare the statement once per connection and reuse its plan (PostgreSQL; PGlite ignores it).
   * For large statements on hot paths, where planning costs as much as running: the order facts.
   */
  prepare?: boolean;
}

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<Row>>;
}

export interface TxOptions {
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  /** Retries on serialization failure / deadlock before giving up (default 5). */
  retries?: number;
}

export interface Store extends Queryable {
  readonly driver: 'pg' | 'pglite';
  /** Runs `work` in one transaction; commits on return, rolls back on throw. */
  tx<T>(work: (q: Queryable) => Promise<T>, options?: TxOptions): Promise<T>;
  /** Runs `work` on one dedicated connection (session-level advisory locks need it). */
  session<T>(work: (q: Queryable) => Promise<T>): Promise<T>;
  /** Cheap liveness probe; rejects when the database cannot answer within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

export function isSerializationFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}

export function beginStatement(options?: TxOptions): string {
  return options?.isolation ? `BEGIN ISOLATION LEVEL ${options.isolation.toUpperCase()}` : 'BEGIN';
}

/** Runs one attempt of a transaction per call of `attempt`, retrying serialization failures with jitter. */
export async function withSerializationRetry<T>(attempt: () => Promise<T>, retries = 5): Promise<T> {
  for (let tryNo = 0; ; tryNo++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isSerializationFailure(error) || tryNo >= retries) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** tryNo));
    }
  }
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
