/**
 * Check 3: stock and credit figures that drifted. A configured stream of stock_lots or
 * credit_accounts is read through its connector and mapped exactly as a sync would map it
 * (mapPage: the stream's mapping and the canonical schema), but nothing is written to the
 * canonical tables: each page goes set-based into a temporary table of this run, and one
 * statement per comparison then records what differs beyond the tolerance. Memory stays at one
 * page; the database holds the source's figures until the comparison is done.
 *
 *   stock_drift   per (sku, warehouse, lot): |on_hand here − on_hand there| > tolerance.stockQty;
 *                 for a snapshot stream also lots we hold in a warehouse it reports but it does not list.
 *   credit_drift  per dealer and figure (credit_limit, ar_open): difference > tolerance.creditAmount.
 */
import type { StreamHandle } from '../connectors/hub.js';
import type { Queryable } from '../core/db/index.js';
import { mapPage } from '../core/sync/page-mapping.js';
import type { CheckReport } from './findings.js';
import type { ReconcileSettings } from './settings.js';

export interface DriftCheckContext {
  /** One connection for the whole comparison: the temporary table lives in its session. */
  session: Queryable;
  runId: number;
  settings: ReconcileSettings;
  stream: StreamHandle;
  /** Distinguishes the temporary tables of several streams in one run. */
  index: number;
  signal: AbortSignal;
}

const MAX_ISSUES = 20;

interface Comparison {
  columns: string;
  conflict: string;
  /** Inserts a page ($1: JSON records) into the temporary table %T; the last record for a key wins. */
  load: string;
  /** Statements recording findings ($1 run, $2 tolerance, $3 source label); %T is the table. */
  compare: (snapshot: boolean) => string[];
}

const STOCK: Comparison = {
  columns: 'sku text NOT NULL, warehouse_code text NOT NULL, lot text NOT NULL, on_hand integer NOT NULL',
  conflict: 'sku, warehouse_code, lot',
  load: `INSERT INTO %T (sku, warehouse_code, lot, on_hand)
         SELECT sku, warehouse_code, lot, on_hand FROM json_to_recordset($1::json) AS x(sku text, warehouse_code text, lot text, on_hand integer)
         ON CONFLICT (sku, warehouse_code, lot) DO UPDATE SET on_hand = EXCLUDED.on_hand`,
  compare: (snapshot) => [
    `INSERT INTO reconciliation_findings (run_id, kind, key, sku, warehouse_code, lot, field, ours, theirs, detail)
     SELECT $1, 'stock_drift', s.sku || '|' || s.warehouse_code || '|' || s.lot, s.sku, s.warehouse_code, s.lot, 'on_hand', l.on_hand::text, s.on_hand::text,
            CASE WHEN l.id IS NULL
                 THEN format('%s reports %s on hand of %s in %s lot %s; the store has no such lot', $3::text, s.on_hand, s.sku, s.warehouse_code, s.lot)
                 ELSE format('on hand of %s in %s lot %s: %s here, %s in %s (difference %s, tolerance %s)', s.sku, s.warehouse_code, s.lot, l.on_hand, s.on_hand,
                             $3::text, s.on_hand - l.on_hand, $2::int) END
       FROM %T s
       LEFT JOIN products p ON p.sku = s.sku
       LEFT JOIN warehouses w ON w.code = s.warehouse_code
       LEFT JOIN stock_lots l ON l.product_id = p.id AND l.warehouse_id = w.id AND l.lot = s.lot
      WHERE abs(coalesce(l.on_hand, 0) - s.on_hand) > $2::int
     ON CONFLICT (run_id, kind, key) DO NOTHING`,
    // A snapshot reports everything in the warehouses it covers: a lot it leaves out has none left there.
    ...(snapshot
      ? [
          `INSERT INTO reconciliation_findings (run_id, kind, key, sku, warehouse_code, lot, field, ours, theirs, detail)
           SELECT $1, 'stock_drift', p.sku || '|' || w.code || '|' || l.lot, p.sku, w.code, l.lot, 'on_hand', l.on_hand::text, '0',
                  format('on hand of %s in %s lot %s: %s here; %s does not report the lot (tolerance %s)', p.sku, w.code, l.lot, l.on_hand, $3::text, $2::int)
             FROM stock_lots l
             JOIN products p ON p.id = l.product_id
             JOIN warehouses w ON w.id = l.warehouse_id
            WHERE l.on_hand > $2::int
              AND w.code IN (SELECT DISTINCT warehouse_code FROM %T)
              AND NOT EXISTS (SELECT 1 FROM %T s WHERE s.sku = p.sku AND s.warehouse_code = w.code AND s.lot = l.lot)
           ON CONFLICT (run_id, kind, key) DO NOTHING`,
        ]
      : []),
  ],
};

const CREDIT: Comparison = {
  columns: 'dealer_code text NOT NULL, credit_limit numeric NOT NULL, ar_open numeric',
  conflict: 'dealer_code',
  load: `INSERT INTO %T (dealer_code, credit_limit, ar_open)
         SELECT dealer_code, credit_limit, ar_open FROM json_to_recordset($1::json) AS x(dealer_code text, credit_limit numeric, ar_open numeric)
         ON CONFLICT (dealer_code) DO UPDATE SET credit_limit = EXCLUDED.credit_limit, ar_open = EXCLUDED.ar_open`,
  // The source's amounts at the store's scale (numeric(18, 2)), as a sync would store them.
  compare: () => [
    `INSERT INTO reconciliation_findings (run_id, kind, key, dealer_code, field, ours, theirs, detail)
     SELECT $1, 'credit_drift', s.dealer_code || '|' || f.field, s.dealer_code, f.field, f.ours::text, f.theirs::text,
            CASE WHEN d.id IS NULL THEN format('%s reports %s %s for dealer %s; the store has no such dealer', $3::text, f.field, f.theirs, s.dealer_code)
                 WHEN c.dealer_id IS NULL THEN format('%s reports %s %s for dealer %s; the store has no credit account for it', $3::text, f.field, f.theirs, s.dealer_code)
                 ELSE format('%s of dealer %s: %s here, %s in %s (difference %s, tolerance %s)', f.field, s.dealer_code, f.ours, f.theirs, $3::text,
                             f.theirs - f.ours, $2::numeric) END
       FROM %T s
       LEFT JOIN dealers d ON d.code = s.dealer_code
       LEFT JOIN credit_accounts c ON c.dealer_id = d.id
      CROSS JOIN LATERAL (VALUES ('credit_limit', c.credit_limit, round(s.credit_limit, 2)), ('ar_open', c.ar_open, round(s.ar_open, 2))) AS f(field, ours, theirs)
      WHERE f.theirs IS NOT NULL AND (f.ours IS NULL OR abs(f.ours - f.theirs) > $2::numeric)
     ON CONFLICT (run_id, kind, key) DO NOTHING`,
  ],
};

export const DRIFT_ENTITIES = { stock_lots: STOCK, credit_accounts: CREDIT } as const;

export function isDriftEntity(entity: string): entity is keyof typeof DRIFT_ENTITIES {
  return entity in DRIFT_ENTITIES;
}

export async function checkDrift(ctx: DriftCheckContext): Promise<CheckReport> {
  const { session, stream, signal, settings } = ctx;
  const { spec } = stream;
  const label = `${stream.connector}/${spec.name}`;
  const base = { connector: stream.connector, stream: spec.name, entity: spec.entity };
  if (!isDriftEntity(spec.entity)) {
    return { ...base, status: 'skipped', reason: `${label} feeds ${spec.entity}; drift is compared for stock_lots and credit_accounts` };
  }
  const comparison = DRIFT_ENTITIES[spec.entity];
  const table = `reconcile_${ctx.runId}_${ctx.index}`;
  const sql = (text: string) => text.replaceAll('%T', table);
  const counts = { read: 0, compared: 0, rejected: 0, findings: 0 };
  const issues: string[] = [];

  await session.query(`DROP TABLE IF EXISTS ${table}`);
  await session.query(`CREATE TEMPORARY TABLE ${table} (${comparison.columns}, PRIMARY KEY (${comparison.conflict}))`);
  try {
    for await (const page of stream.instance.read(spec.name, null, signal)) {
      signal.throwIfAborted();
      const mapped = mapPage(spec.entity, page, stream.mapper);
      counts.read += page.records.length + (page.rejected?.length ?? 0);
      counts.rejected += mapped.rejected;
      for (const issue of mapped.issues) {
        if (issues.length >= MAX_ISSUES) break;
        const where = [issue.file, issue.row ? `row ${issue.row}` : null, issue.key, issue.field].filter(Boolean).join(' ');
        issues.push(`${where ? `${where}: ` : ''}${issue.message}`);
      }
      if (mapped.records.length > 0) {
        await session.query(sql(comparison.load), [JSON.stringify(mapped.records)]);
      }
    }
    signal.throwIfAborted();
    counts.compared = (await session.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
    const tolerance = spec.entity === 'stock_lots' ? settings.tolerance.stockQty : settings.tolerance.creditAmount;
    for (const statement of comparison.compare(spec.mode === 'snapshot')) {
      counts.findings += (await session.query(sql(statement), [ctx.runId, tolerance, label])).rowCount;
    }
  } finally {
    await session.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  }
  return { ...base, status: 'done', counts, ...(issues.length > 0 ? { issues } : {}) };
}
