/**
 * The `sql` connector's options: one database (a URL) and named streams, each a query whose
 * result the connector pages through by keyset on (cursor column, tie-breakers). Validated
 * once (`.strict()`, no transforms, so the config's JSON Schema can be generated from it).
 *
 * ```yaml
 * kingdee:
 *   kind: sql
 *   dialect: mssql
 *   url: ${KINGDEE_URL}        # mssql://user:pw@erp.example.com:1433/AIS?encrypt=true&trustServerCertificate=true
 *   pageSize: 5000
 *   streams:
 *     products:
 *       entity: products
 *       query: SELECT FNumber AS sku, FName AS name, FModifyDate AS changed_at FROM t_ICItem
 *       cursor: { column: changed_at, tieBreaker: sku }
 *       primaryKey: [sku]
 * ```
 *
 * With `orders:` (order-options.ts) the connector also takes approved orders into staging tables.
 */
import { z } from 'zod';
import { canonicalKeys } from '../../core/sync/canonical.js';
import type { CanonicalEntity } from '../contract.js';
import { sqlOrdersSchema } from './order-options.js';
import { sqlCreditLimitsSchema } from './credit-target.js';

export const SQL_DIALECTS = ['postgres', 'mssql', 'oracle'] as const;
export type SqlDialectName = (typeof SQL_DIALECTS)[number];

/** URL schemes accepted per dialect. */
export const URL_SCHEMES: Record<SqlDialectName, readonly string[]> = {
  postgres: ['postgres', 'postgresql'],
  mssql: ['mssql', 'sqlserver'],
  oracle: ['oracle'],
};

/** Query parameters the URL may carry per dialect (postgres: whatever `pg` understands). */
export const URL_PARAMS: Record<SqlDialectName, readonly string[] | null> = {
  postgres: null,
  mssql: ['encrypt', 'trustServerCertificate', 'instanceName'],
  oracle: [],
};

const ENTITIES = Object.keys(canonicalKeys) as [CanonicalEntity, ...CanonicalEntity[]];

/** Column names are embedded in SQL, so only plain identifiers are accepted. */
const column = z
  .string()
  .max(128)
  .regex(/^[A-Za-z_][A-Za-z0-9_$#]*$/, 'expected a column name of the query (letters, digits, _, $, #)');

const streamSchema = z
  .object({
    entity: z.enum(ENTITIES).describe('Canonical table the records feed.'),
    query: z
      .string()
      .min(1)
      .describe('A SELECT whose columns become the record fields. It is wrapped as a subquery: no ORDER BY, no paging, no trailing ";".'),
    cursor: z
      .object({
        column: column.describe('Column the stream advances on (a change timestamp, a sequence, or a key for snapshots).'),
        tieBreaker: z
          .union([column, z.array(column).min(1)])
          .optional()
          .describe('Column(s) making (cursor column, tie-breakers) unique; default: primaryKey.'),
      })
      .strict(),
    primaryKey: z.array(column).min(1).describe('Column(s) identifying a record.'),
    mode: z
      .enum(['incremental', 'snapshot'])
      .default('incremental')
      .describe('incremental: resume after the last cursor; snapshot: read everything each run (rows missing from a run have gone).'),
  })
  .strict();

export const sqlRetrySchema = z
  .object({
    /** Retries after the first attempt of a page query, for transient failures only. */
    retries: z.number().int().min(0).max(10).default(2),
    /** First backoff in ms; doubles per retry, randomised ×1–2. */
    minDelayMs: z.number().int().min(0).default(500),
    maxDelayMs: z.number().int().min(0).default(10_000),
  })
  .strict();

export const sqlOptionsSchema = z
  .object({
    dialect: z.enum(SQL_DIALECTS).describe('postgres | mssql | oracle'),
    url: z
      .string()
      .min(1)
      .describe(
        'postgres://user:pw@host:5432/db, mssql://user:pw@host:1433/db?encrypt=false, oracle://user:pw@host:1521/SERVICE — ' +
          'percent-encode special characters in the password; use ${ENV_VAR}.',
      ),
    pageSize: z.number().int().min(1).max(100_000).default(5000).describe('Rows per page (one query and one transaction each).'),
    timeoutMs: z.number().int().positive().default(30_000).describe('Connect and statement timeout, in ms.'),
    retry: sqlRetrySchema.default({ retries: 2, minDelayMs: 500, maxDelayMs: 10_000 }),
    streams: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'stream names are lower-case letters, digits, _ and -'), streamSchema).default({}),
    orders: sqlOrdersSchema.optional().describe('Staging tables that take approved orders (an order target); see order-options.ts.'),
    creditLimits: sqlCreditLimitsSchema.optional().describe('Staging table that takes credit-limit changes (credit.writeBack); see credit-target.ts.'),
  })
  .strict()
  .superRefine((options, ctx) => {
    // Never echo the URL: it carries the password.
    const url = parseUrl(options.url);
    if (!url) ctx.addIssue({ code: 'custom', path: ['url'], message: `not a URL; expected ${URL_SCHEMES[options.dialect][0]}://user:password@host:port/database` });
    else {
      const scheme = url.protocol.replace(/:$/, '');
      if (!URL_SCHEMES[options.dialect].includes(scheme)) {
        ctx.addIssue({ code: 'custom', path: ['url'], message: `a ${options.dialect} URL starts with ${URL_SCHEMES[options.dialect].join(':// or ')}://, not ${scheme}://` });
      }
      if (!url.hostname) ctx.addIssue({ code: 'custom', path: ['url'], message: 'the URL names no host' });
      const allowed = URL_PARAMS[options.dialect];
      for (const name of allowed ? url.searchParams.keys() : []) {
        if (allowed?.includes(name) === false) {
          ctx.addIssue({ code: 'custom', path: ['url'], message: `unknown URL parameter "${name}" for ${options.dialect}; known: ${allowed.join(', ') || 'none'}` });
        }
      }
      if (options.dialect === 'oracle' && !url.pathname.replace(/^\//, '')) {
        ctx.addIssue({ code: 'custom', path: ['url'], message: 'an oracle URL names the service: oracle://user:password@host:1521/SERVICE_NAME' });
      }
    }
    if (Object.keys(options.streams).length === 0 && !options.orders && !options.creditLimits) {
      ctx.addIssue({ code: 'custom', path: ['streams'], message: 'at least one stream (or `orders:`) is needed, or `creditLimits:`' });
    }
    for (const [name, stream] of Object.entries(options.streams)) {
      if (/;\s*$/.test(stream.query)) ctx.addIssue({ code: 'custom', path: ['streams', name, 'query'], message: 'remove the trailing ";": the query is wrapped as a subquery' });
    }
  });

export type SqlOptions = z.infer<typeof sqlOptionsSchema>;
export type SqlStreamOptions = SqlOptions['streams'][string];

export function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** A stream with its keyset resolved: `keys[0]` is the cursor column, the rest tie-breakers. */
export interface SqlStream {
  name: string;
  entity: CanonicalEntity;
  mode: 'incremental' | 'snapshot';
  query: string;
  primaryKey: readonly string[];
  keys: readonly string[];
}

export function resolveSqlStreams(options: Pick<SqlOptions, 'streams'>): SqlStream[] {
  return Object.entries(options.streams).map(([name, s]) => {
    const tieBreakers = s.cursor.tieBreaker === undefined ? s.primaryKey : typeof s.cursor.tieBreaker === 'string' ? [s.cursor.tieBreaker] : s.cursor.tieBreaker;
    const keys = [s.cursor.column, ...tieBreakers.filter((c) => c !== s.cursor.column)];
    return { name, entity: s.entity, mode: s.mode, query: s.query.trim(), primaryKey: s.primaryKey, keys: [...new Set(keys)] };
  });
}
