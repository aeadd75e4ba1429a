/**
 * Where PostgreSQL, SQL Server and Oracle differ — and only there: identifier quoting, bind
 * syntax, the page limit, how a key value is rendered as exact text, column-name case and the
 * error translation. `pageQuery` builds the one statement every page runs:
 *
 *   SELECT q.*, <key as text> AS dh_k0, … FROM (<the stream's query>) q
 *    WHERE (k0, k1) > (:k0, :k1)          -- keyset: strictly after the last row read
 *    ORDER BY k0, k1 <limit>
 *
 * Key values travel as text rendered by the database itself and are compared back against
 * the typed column (the database converts the parameter), so a timestamp keeps its full
 * precision (µs in PostgreSQL, 100 ns in SQL Server) instead of JavaScript's milliseconds.
 */
import { translateMssqlError, translateOracleError, translatePostgresError, type SqlErrorTranslator } from './errors.js';
import type { SqlDialectName, SqlStream } from './options.js';

export interface Dialect {
  name: SqlDialectName;
  /** A column of the wrapped query `q`, as the stream's configuration names it. */
  column(name: string): string;
  /** A column alias the database returns with exactly this name. */
  alias(name: string): string;
  /** The n-th (1-based) bind parameter. */
  placeholder(n: number): string;
  /** `expr` as text that the database reads back as the same value. */
  asText(expr: string): string;
  /** `(a, b) > (x, y)` works (and uses an index on (a, b)); otherwise the OR-expansion is used. */
  rowComparison: boolean;
  limit(rows: number): string;
  /** The record field for a column name the driver returned. */
  fieldName(column: string): string;
  /** A returned value as records carry it. */
  fieldValue(value: unknown): unknown;
  /** The cheapest statement that proves the connection and the login work. */
  checkQuery: string;
  translateError: SqlErrorTranslator;
}

const quote = (name: string, open: string, close = open) => `${open}${name.replaceAll(close, close + close)}${close}`;
const FOLDABLE = /^[A-Za-z][A-Za-z0-9_$#]*$/;

export const DIALECTS: Record<SqlDialectName, Dialect> = {
  postgres: {
    name: 'postgres',
    column: (name) => `q.${quote(name, '"')}`,
    alias: (name) => quote(name, '"'),
    placeholder: (n) => `$${n}`,
    asText: (expr) => `CAST(${expr} AS text)`,
    rowComparison: true,
    limit: (rows) => `LIMIT ${rows}`,
    fieldName: (column) => column,
    // `date` and `timestamp` arrive as text already (drivers.ts); `timestamptz` is an instant.
    fieldValue: (value) => value,
    checkQuery: 'SELECT 1 AS ok',
    translateError: translatePostgresError,
  },
  mssql: {
    name: 'mssql',
    column: (name) => `q.${quote(name, '[', ']')}`,
    alias: (name) => quote(name, '[', ']'),
    placeholder: (n) => `@p${n}`,
    // Style 126: ISO 8601 for date/time types (yyyy-mm-ddThh:mi:ss.fffffff); other types ignore it.
    asText: (expr) => `CONVERT(nvarchar(4000), ${expr}, 126)`,
    rowComparison: false,
    limit: (rows) => `OFFSET 0 ROWS FETCH NEXT ${rows} ROWS ONLY`,
    fieldName: (column) => column,
    // With useUTC (drivers.ts) a datetime's UTC fields are the stored ones, which the mapping reads.
    fieldValue: (value) => value,
    checkQuery: 'SELECT 1 AS ok',
    translateError: translateMssqlError,
  },
  oracle: {
    name: 'oracle',
    // Unquoted aliases are stored upper-case; a name written all-lower or all-upper means that one.
    column: (name) => `q.${quote(FOLDABLE.test(name) && (name === name.toLowerCase() || name === name.toUpperCase()) ? name.toUpperCase() : name, '"')}`,
    alias: (name) => quote(name, '"'),
    placeholder: (n) => `:${n}`,
    // TO_CHAR without a format uses the session's NLS formats, which the driver sets (drivers.ts).
    asText: (expr) => `TO_CHAR(${expr})`,
    rowComparison: false,
    // Oracle 12c and later.
    limit: (rows) => `FETCH FIRST ${rows} ROWS ONLY`,
    fieldName: (column) => (/^[A-Z][A-Z0-9_$#]*$/.test(column) ? column.toLowerCase() : column),
    // oracledb builds a DATE from local-time fields; give back the stored wall-clock time, so
    // the calendar day does not move with the daemon's time zone (Asia/Shanghai is UTC+8).
    fieldValue: (value) => (value instanceof Date ? wallClock(value) : value),
    checkQuery: 'SELECT 1 AS ok FROM DUAL',
    translateError: translateOracleError,
  },
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DDTHH:MM:SS[.mmm]` from the local-time fields of `date`. */
export function wallClock(date: Date): string {
  const ms = date.getMilliseconds();
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${ms ? `.${pad(ms, 3)}` : ''}`
  );
}

/** The key-text columns the page query adds (dh_k0, dh_k1, …; not part of records). */
export const KEY_PREFIX = 'dh_k';
export const KEY_COLUMN = /^dh_k(\d+)$/;

/**
 * The statement for one page of `stream`: rows strictly after `after` (the key texts of the
 * last row read; null = from the start), in key order, at most `pageSize`.
 */
export function pageQuery(dialect: Dialect, stream: Pick<SqlStream, 'query' | 'keys'>, after: readonly string[] | null, pageSize: number): { sql: string; params: string[] } {
  const columns = stream.keys.map((key) => dialect.column(key));
  const select = ['q.*', ...columns.map((column, i) => `${dialect.asText(column)} AS ${dialect.alias(`${KEY_PREFIX}${i}`)}`)];
  const params: string[] = [];
  const bind = (value: string) => {
    params.push(value);
    return dialect.placeholder(params.length);
  };
  let where = '';
  if (after) {
    if (dialect.rowComparison) {
      where = `WHERE (${columns.join(', ')}) > (${after.map(bind).join(', ')})\n`;
    } else {
      // (k0 > :a) OR (k0 = :a AND k1 > :b) OR …
      const disjuncts = columns.map((column, i) => {
        const equal = columns.slice(0, i).map((previous, j) => `${previous} = ${bind(after[j]!)}`);
        return `(${[...equal, `${column} > ${bind(after[i]!)}`].join(' AND ')})`;
      });
      where = `WHERE (${disjuncts.join(' OR ')})\n`;
    }
  }
  const sql = `SELECT ${select.join(', ')}\nFROM (\n${stream.query}\n) q\n${where}ORDER BY ${columns.join(', ')}\n${dialect.limit(pageSize)}`;
  return { sql, params };
}
