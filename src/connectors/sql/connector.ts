/**
 * The `sql` connector: query-configured streams over PostgreSQL, SQL Server and Oracle, read
 * in pages by keyset (see dialects.ts). Each page is one query, retried on transient failures;
 * its cursor is the last row's key, so a crash re-reads at most one page.
 */
import pRetry from 'p-retry';
import { ConfigError, TransientError } from '../../core/errors.js';
import { defineConnector, type CheckResult, type ConnectorDeps, type ConnectorInstance, type Cursor, type Page, type SourceRecord, type StreamSpec } from '../contract.js';
import { defaultMapping } from '../file/index.js';
import { SecretScrubber, scrubUrlsIn } from '../shared/scrub.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { DIALECTS, KEY_COLUMN, pageQuery } from './dialects.js';
import { createDriver, describeTarget, urlSecrets, type QueryFn, type SqlDriver } from './drivers.js';
import { resolveSqlStreams, sqlOptionsSchema, type SqlOptions, type SqlStream } from './options.js';
import { createSqlOrderTarget } from './order-target.js';
import { createSqlCreditTarget } from './credit-target.js';

/** Default mappings: name the query's columns after the canonical fields (`AS sku`) and none is needed. */
export function sqlStreamSpecs(options: SqlOptions): StreamSpec[] {
  return resolveSqlStreams(options).map((stream) => ({
    name: stream.name,
    entity: stream.entity,
    mode: stream.mode,
    primaryKey: stream.primaryKey,
    cursorField: stream.keys[0],
    defaultMapping: defaultMapping(stream.entity, 'csv'),
  }));
}

/**
 * A connector instance. `replacement` stands in for the dialect's driver (tests, or a caller that
 * owns its connections): a QueryFn (no transactions: each statement stands alone) or a whole
 * SqlDriver. It must honour the dialect's bind syntax and return rows as objects.
 */
export function createSqlConnector(options: SqlOptions, deps: ConnectorDeps, replacement?: QueryFn | SqlDriver): ConnectorInstance {
  const dialect = DIALECTS[options.dialect];
  const where = describeTarget(options.dialect, options.url);
  const scrubber = new SecretScrubber(urlSecrets(options.url));
  const scrub = (text: string) => scrubber.scrub(scrubUrlsIn(text));
  const driver: SqlDriver =
    typeof replacement === 'function'
      ? { query: replacement, transaction: (work) => work(replacement), close: async () => {} }
      : (replacement ?? createDriver({ dialect: options.dialect, url: options.url, timeoutMs: options.timeoutMs, logger: deps.logger }));
  const streams = new Map(resolveSqlStreams(options).map((stream) => [stream.name, stream]));

  /** One statement, translated, with p-retry around transient failures. */
  function run(sql: string, params: string[], stream: string, signal: AbortSignal): Promise<Record<string, unknown>[]> {
    const { retries, minDelayMs, maxDelayMs } = options.retry;
    return pRetry(
      async () => {
        try {
          return await driver.query(sql, params);
        } catch (error) {
          throw dialect.translateError(error, { where, stream, scrub });
        }
      },
      {
        retries,
        factor: 2,
        minTimeout: minDelayMs,
        maxTimeout: maxDelayMs,
        randomize: true,
        signal,
        shouldRetry: ({ error }) => error instanceof TransientError,
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          if (error instanceof TransientError && retriesLeft > 0) {
            deps.logger.warn({ target: where, stream, attempt: attemptNumber, retriesLeft, err: error.message }, 'transient database failure; retrying');
          }
        },
      },
    );
  }

  /** A row as a record (names and values normalised) and its key texts. */
  function split(row: Record<string, unknown>, stream: SqlStream): { record: SourceRecord; keys: string[] } {
    const record: SourceRecord = {};
    const keys: Array<string | null> = stream.keys.map(() => null);
    for (const [column, value] of Object.entries(row)) {
      const index = Number(KEY_COLUMN.exec(column)?.[1] ?? NaN);
      if (index < keys.length) keys[index] = value == null ? null : String(value);
      else record[dialect.fieldName(column)] = dialect.fieldValue(value);
    }
    const missing = keys.findIndex((key) => key === null);
    if (missing >= 0) {
      // NULLs sort apart and never compare greater: such rows would be skipped or re-read.
      throw new ConfigError(`${where} stream ${stream.name}: ${stream.keys[missing]} is NULL in a row; keyset paging needs a value in every row (COALESCE it in the query)`, {
        stream: stream.name,
      });
    }
    return { record, keys: keys as string[] };
  }

  async function* readPages(stream: SqlStream, cursor: Cursor | null, signal: AbortSignal): AsyncGenerator<Page> {
    let after = decodeCursor(cursor, stream);
    for (;;) {
      signal.throwIfAborted();
      const { sql, params } = pageQuery(dialect, stream, after, options.pageSize);
      const rows = await run(sql, params, stream.name, signal);
      if (rows.length === 0) return;
      const parsed = rows.map((row) => split(row, stream));
      after = parsed.at(-1)!.keys;
      yield { records: parsed.map((p) => p.record), cursor: encodeCursor(after) };
      if (rows.length < options.pageSize) return;
    }
  }

  const orders = options.orders ? createSqlOrderTarget({ dialect, driver, orders: options.orders, context: { where, scrub } }) : undefined;

  const creditLimits = options.creditLimits ? createSqlCreditTarget({ dialect, driver, creditLimits: options.creditLimits, context: { where, scrub } }) : undefined;

  return {
    ...(orders ? { orders } : {}),
    ...(creditLimits ? { creditLimits } : {}),
    async check(): Promise<CheckResult> {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TransientError(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
      });
      try {
        await Promise.race([driver.query(dialect.checkQuery, []), timeout]);
        const offers = [streams.size > 0 ? `streams ${[...streams.keys()].join(', ')}` : '', options.orders ? `orders into ${options.orders.headerTable}` : ''].filter(Boolean);
        return { ok: true, detail: `${where}: reached in ${Math.round(performance.now() - started)} ms; ${offers.join('; ')}` };
      } catch (error) {
        const translated = dialect.translateError(error, { where, scrub });
        return { ok: false, detail: translated.message.startsWith(where) ? translated.message : scrub(`${where}: ${translated.message}`) };
      } finally {
        clearTimeout(timer);
      }
    },
    read(name, cursor, signal) {
      const stream = streams.get(name);
      if (!stream) throw new ConfigError(`${where}: no stream ${name}; configured: ${[...streams.keys()].join(', ')}`);
      return readPages(stream, cursor, signal);
    },
    close: () => driver.close(),
  };
}

export const sqlConnector = defineConnector<SqlOptions>({
  kind: 'sql',
  optionsSchema: sqlOptionsSchema,
  streams: sqlStreamSpecs,
  create: (options, deps) => createSqlConnector(options, deps),
});
