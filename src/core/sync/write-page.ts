import type { Queryable } from '../db/index.js';
import { upsertStatement, type Sink } from './sinks.js';

export interface PageWrite {
  inserted: number;
  updated: number;
  /** Records whose code did not resolve: [index in the page, field, value]. */
  unresolved: Array<[number, string, unknown]>;
}

const statements = new WeakMap<Sink, string>();

function statementFor(sink: Sink): string {
  let sql = statements.get(sink);
  if (!sql) {
    sql = upsertStatement(sink);
    statements.set(sink, sql);
  }
  return sql;
}

/**
 * Writes one page of canonical records set-based. `scope` names the snapshot whose seen rows
 * are recorded (null for incremental streams). Runs inside the caller's transaction.
 */
export async function writePage(q: Queryable, sink: Sink, records: readonly Record<string, unknown>[], scope: string | null): Promise<PageWrite> {
  if (records.length === 0) return { inserted: 0, updated: 0, unresolved: [] };
  const json = JSON.stringify(records.map((record, idx) => ({ ...record, idx })));
  if (sink.before) await q.query(sink.before, [json]);
  const params = sink.onDisappeared ? [json, scope] : [json];
  const { rows } = await q.query<{ inserted: number; updated: number; unresolved: Array<[number, [string, unknown]]> }>(statementFor(sink), params);
  const row = rows[0]!;
  return {
    inserted: row.inserted,
    updated: row.updated,
    unresolved: row.unresolved.map(([idx, [field, value]]) => [idx, field, value]),
  };
}
