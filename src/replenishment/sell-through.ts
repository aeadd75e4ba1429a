/**
 * Sell-through and store inventory reported by a dealer (chain stores): validation of the
 * rows, whatever they arrived as (JSON, CSV, X12 852, EDIFACT SLSRPT/INVRPT), and their
 * storage in one set-based upsert. A report for a dealer × store × SKU × day replaces the
 * figures it carries and keeps the ones it does not (sales and stock may come separately).
 */
import { parse } from 'csv-parse/sync';
import type { Queryable, Store } from '../core/db/index.js';
import { UserError } from '../core/errors.js';

export interface SellThroughRow {
  /** Where the row came from, for error messages: "row 3", "LIN 2 at segment 14". */
  ref: string;
  date: string;
  store: string;
  sku: string;
  quantitySold: number | null;
  onHand: number | null;
}

export type SellThroughSource = 'api' | 'csv' | 'x12-852' | 'edifact-slsrpt' | 'edifact-invrpt' | 'demo';

export interface StoreResult {
  rows: number;
  inserted: number;
  updated: number;
  stores: number;
  skus: number;
  from: string | null;
  to: string | null;
}

export const MAX_SELL_THROUGH_ROWS = 100_000;

function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Problems with one row, or none; `today` is the business date (reports from the future are refused). */
export function rowProblems(row: SellThroughRow, today: string): string[] {
  const problems: string[] = [];
  if (!isDate(row.date)) problems.push(`date "${row.date}" is not a calendar date (YYYY-MM-DD)`);
  else if (row.date > today) problems.push(`date ${row.date} is after today (${today})`);
  if (!row.sku) problems.push('sku is missing');
  if (row.store.length > 64) problems.push('store is longer than 64 characters');
  for (const [name, v] of [['quantity sold', row.quantitySold], ['on hand', row.onHand]] as const) {
    if (v !== null && !(Number.isSafeInteger(v) && v >= 0)) problems.push(`${name} ${v} is not a whole number ≥ 0`);
  }
  if (row.quantitySold === null && row.onHand === null) problems.push('neither quantity sold nor on hand is given');
  return problems;
}

const HEADERS: Record<string, keyof Omit<SellThroughRow, 'ref'>> = {
  date: 'date', report_date: 'date', day: 'date',
  store: 'store', store_code: 'store', location: 'store',
  sku: 'sku', item: 'sku', product: 'sku',
  quantity_sold: 'quantitySold', quantitysold: 'quantitySold', qty_sold: 'quantitySold', sold: 'quantitySold', quantity: 'quantitySold', qty: 'quantitySold', sales: 'quantitySold',
  on_hand: 'onHand', onhand: 'onHand', stock: 'onHand', inventory: 'onHand',
};

function toCount(text: string | undefined): number | null {
  const t = (text ?? '').trim();
  if (t === '') return null;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
}

/** CSV with a header row (date, store, sku, quantity_sold, on_hand; common aliases accepted). */
export function readSellThroughCsv(bytes: Buffer): SellThroughRow[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UserError('the CSV body is not valid UTF-8 text', { code: 'sell_through_unreadable' });
  }
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    throw new UserError(`the CSV body cannot be read: ${(error as Error).message}`, { code: 'sell_through_unreadable' });
  }
  const [header, ...data] = records;
  if (!header) throw new UserError('the CSV body is empty', { code: 'sell_through_empty' });
  const columns = header.map((h) => HEADERS[h.toLowerCase().replace(/[\s-]+/g, '_')]);
  for (const needed of ['date', 'sku'] as const) {
    if (!columns.includes(needed)) throw new UserError(`the CSV header has no ${needed} column (found: ${header.join(', ')})`, { code: 'sell_through_header' });
  }
  if (!columns.includes('quantitySold') && !columns.includes('onHand')) {
    throw new UserError(`the CSV header has neither a quantity_sold nor an on_hand column (found: ${header.join(', ')})`, { code: 'sell_through_header' });
  }
  return data.map((record, i) => {
    const get = (key: keyof SellThroughRow) => {
      const at = columns.indexOf(key as never);
      return at >= 0 ? record[at] : undefined;
    };
    return { ref: `line ${i + 2}`, date: get('date') ?? '', store: get('store') ?? '', sku: get('sku') ?? '', quantitySold: toCount(get('quantitySold')), onHand: toCount(get('onHand')) };
  });
}

/**
 * Validates every row, maps SKUs to products and upserts them in one statement. All or
 * nothing: any bad row or unknown SKU refuses the whole report (422, each problem listed).
 */
export async function storeSellThrough(store: Store | Queryable, dealerId: number | string, rows: readonly SellThroughRow[], source: SellThroughSource, today: string): Promise<StoreResult> {
  if (rows.length === 0) throw new UserError('the report holds no rows', { code: 'sell_through_empty' });
  if (rows.length > MAX_SELL_THROUGH_ROWS) throw new UserError(`the report holds ${rows.length} rows; at most ${MAX_SELL_THROUGH_ROWS} per request`, { code: 'sell_through_too_large' });
  const problems: string[] = [];
  for (const row of rows) for (const p of rowProblems(row, today)) problems.push(`${row.ref}: ${p}`);
  const skus = [...new Set(rows.map((r) => r.sku).filter(Boolean))];
  const { rows: products } = await store.query<{ id: number; sku: string }>('SELECT id, sku FROM products WHERE sku = ANY($1::text[])', [skus]);
  const productOf = new Map(products.map((p) => [p.sku, p.id]));
  for (const row of rows) if (row.sku && !productOf.has(row.sku)) problems.push(`${row.ref}: unknown sku ${row.sku}`);
  if (problems.length > 0) {
    throw new UserError(`the report was not stored: ${problems.length} problem(s): ${problems.slice(0, 20).join('; ')}${problems.length > 20 ? '; …' : ''}`, {
      code: 'sell_through_invalid',
      problems: problems.slice(0, 200),
    });
  }
  // One row per key (ON CONFLICT cannot touch a row twice in one statement): later rows win, field by field.
  const merged = new Map<string, SellThroughRow>();
  for (const row of rows) {
    const key = `${row.store}|${row.sku}|${row.date}`;
    const earlier = merged.get(key);
    merged.set(key, earlier ? { ...row, quantitySold: row.quantitySold ?? earlier.quantitySold, onHand: row.onHand ?? earlier.onHand } : row);
  }
  const list = [...merged.values()];
  const { rows: written } = await store.query<{ inserted: boolean }>(
    `INSERT INTO sell_through (dealer_id, store_code, product_id, report_date, qty_sold, on_hand, source)
     SELECT $1, s, p, d, q, h, $7 FROM unnest($2::text[], $3::bigint[], $4::date[], $5::int[], $6::int[]) AS t(s, p, d, q, h)
     ON CONFLICT (dealer_id, store_code, product_id, report_date) DO UPDATE
       SET qty_sold = COALESCE(EXCLUDED.qty_sold, sell_through.qty_sold),
           on_hand = COALESCE(EXCLUDED.on_hand, sell_through.on_hand),
           source = EXCLUDED.source, received_at = now()
     RETURNING (xmax = 0) AS inserted`,
    [dealerId, list.map((r) => r.store), list.map((r) => productOf.get(r.sku)), list.map((r) => r.date), list.map((r) => r.quantitySold), list.map((r) => r.onHand), source],
  );
  const inserted = written.filter((r) => r.inserted).length;
  const dates = list.map((r) => r.date).sort();
  return {
    rows: list.length,
    inserted,
    updated: written.length - inserted,
    stores: new Set(list.map((r) => r.store)).size,
    skus: new Set(list.map((r) => r.sku)).size,
    from: dates[0] ?? null,
    to: dates[dates.length - 1] ?? null,
  };
}
