/**
 * A stand-in for SQL Server or Oracle in tests (and demos): a `QueryFn` that serves rows from
 * memory the way the database would answer the page query of dialects.ts — rows after the
 * bound key, in key order, at most the page limit, with the key texts added — and records
 * every statement it receives, so tests can assert the SQL and binds of each dialect.
 */
import { KEY_PREFIX, wallClock } from './dialects.js';
import type { QueryFn } from './drivers.js';
import type { SqlDialectName } from './options.js';

export interface KeysetDoubleOptions {
  dialect: SqlDialectName;
  /** The first table whose `match` the statement matches answers it. */
  tables: Array<{ match: RegExp; rows: Array<Record<string, unknown>> }>;
}

export interface KeysetDouble {
  query: QueryFn;
  calls: Array<{ sql: string; params: unknown[] }>;
  /** The next `times` statements fail with `error` (a driver error to translate). */
  failNext(error: unknown, times?: number): void;
}

/** How each database renders a key value as text (the dialect's `asText`). */
const RENDER: Record<SqlDialectName, (value: Date) => string> = {
  postgres: (d) => d.toISOString(),
  mssql: (d) => d.toISOString().slice(0, 23),
  oracle: (d) => wallClock(d),
};

export function createKeysetDouble(options: KeysetDoubleOptions): KeysetDouble {
  const calls: KeysetDouble['calls'] = [];
  let failures: { error: unknown; times: number } | undefined;
  const render = (value: unknown) => (value instanceof Date ? RENDER[options.dialect](value) : value == null ? null : String(value));

  const query: QueryFn = async (sql, params) => {
    calls.push({ sql, params });
    if (failures && failures.times-- > 0) throw failures.error;
    if (/^SELECT 1 AS ok\b/.test(sql)) return [{ [options.dialect === 'oracle' ? 'OK' : 'ok']: 1 }];
    const table = options.tables.find((t) => t.match.test(sql));
    if (!table) throw Object.assign(new Error(`double: no table for ${sql.slice(0, 200)}`), { code: 'ORA-00942', number: 208 });
    // ORDER BY q."SKU", q.[changed_at] → the row fields (case-insensitive, as the databases fold them).
    const orderBy = /ORDER BY (.+)\n/.exec(sql)?.[1] ?? '';
    const keys = orderBy.split(', ').map((c) => c.replace(/^q\./, '').replace(/^["[]|["\]]$/g, '').toLowerCase());
    const limit = Number(/(?:LIMIT|FETCH (?:NEXT|FIRST)) (\d+)/.exec(sql)?.[1] ?? Infinity);
    const after = params.length > 0 ? params.slice(-keys.length).map(String) : null;

    const rows = table.rows.map((row) => {
      const values = keys.map((key) => Object.entries(row).find(([field]) => field.toLowerCase() === key)?.[1]);
      return { row, values, texts: values.map(render) };
    });
    const compare = (a: (typeof rows)[number], b: { values: unknown[]; texts: Array<string | null> }) => {
      for (let i = 0; i < keys.length; i++) {
        const [x, y] = [a.texts[i] ?? '', b.texts[i] ?? ''];
        const order = typeof a.values[i] === 'number' ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
        if (order !== 0) return order;
      }
      return 0;
    };
    return rows
      .filter((r) => !after || compare(r, { values: r.values, texts: after }) > 0)
      .sort((a, b) => compare(a, b))
      .slice(0, limit)
      .map((r) => ({ ...r.row, ...Object.fromEntries(r.texts.map((text, i) => [`${KEY_PREFIX}${i}`, text])) }));
  };

  return {
    query,
    calls,
    failNext(error, times = 1) {
      failures = { error, times };
    },
  };
}
