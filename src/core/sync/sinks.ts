/**
 * How each canonical entity lands in its table: one declarative row per entity, turned into one
 * set-based statement per page (json_to_recordset → resolve codes to ids → INSERT … ON CONFLICT
 * DO UPDATE … WHERE changed). Unchanged rows are not rewritten, so a re-sync of the same data
 * writes nothing; codes that do not resolve come back as per-record issues.
 */
import type { CanonicalEntity } from '../../connectors/contract.js';

type SqlType = 'text' | 'int' | 'numeric' | 'date' | 'boolean';

export interface Reference {
  /** Canonical field holding the code, e.g. `sku`. */
  field: string;
  table: string;
  column: string;
  /** Target column receiving the id, e.g. `product_id`. */
  as: string;
}

export interface Sink {
  entity: CanonicalEntity;
  table: string;
  /** Canonical fields copied into same-named columns, with a default for NOT NULL columns. */
  fields: Array<{ name: string; type: SqlType; default?: string }>;
  refs: Reference[];
  /** Target columns of the unique key ON CONFLICT uses. */
  conflict: string[];
  /** Statement run when a completed snapshot did not report rows (null: leave them). */
  onDisappeared?: string;
  /** Extra SET on update, e.g. a sync timestamp. */
  touch?: string;
  /** Runs first in the same transaction, with the page as $1 (prices create their price lists). */
  before?: string;
}

const dealerRef: Reference = { field: 'dealer_code', table: 'dealers', column: 'code', as: 'dealer_id' };
const productRef: Reference = { field: 'sku', table: 'products', column: 'sku', as: 'product_id' };
const warehouseRef: Reference = { field: 'warehouse_code', table: 'warehouses', column: 'code', as: 'warehouse_id' };
const priceListRef: Reference = { field: 'price_list_code', table: 'price_lists', column: 'code', as: 'price_list_id' };

export const SINKS: Record<CanonicalEntity, Sink> = {
  regions: { entity: 'regions', table: 'regions', fields: [{ name: 'code', type: 'text' }, { name: 'name', type: 'text' }], refs: [], conflict: ['code'] },
  dealers: {
    entity: 'dealers',
    table: 'dealers',
    fields: [
      { name: 'code', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'tier', type: 'text' },
      { name: 'dealer_group', type: 'text' },
      { name: 'status', type: 'text', default: `'active'` },
      { name: 'cooperation_since', type: 'date' },
      { name: 'payment_terms_days', type: 'int', default: '30' },
      { name: 'currency', type: 'text', default: `'CNY'` },
      { name: 'min_remaining_shelf_life_days', type: 'int' },
    ],
    refs: [],
    conflict: ['code'],
    touch: 'updated_at = now()',
  },
  dealer_regions: {
    entity: 'dealer_regions',
    table: 'dealer_regions',
    fields: [
      { name: 'region_code', type: 'text' },
      { name: 'valid_from', type: 'date', default: `DATE '2000-01-01'` },
      { name: 'valid_to', type: 'date' },
    ],
    refs: [dealerRef],
    conflict: ['dealer_id', 'region_code', 'valid_from'],
  },
  ship_tos: {
    entity: 'ship_tos',
    table: 'ship_tos',
    fields: [
      { name: 'code', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'address', type: 'text' },
      { name: 'region_code', type: 'text' },
      { name: 'contact', type: 'text' },
      { name: 'phone', type: 'text' },
      { name: 'status', type: 'text', default: `'active'` },
    ],
    refs: [dealerRef],
    conflict: ['dealer_id', 'code'],
    touch: 'updated_at = now()',
  },
  products: {
    entity: 'products',
    table: 'products',
    fields: [
      { name: 'sku', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'uom', type: 'text', default: `'EA'` },
      { name: 'pack_size', type: 'int', default: '1' },
      { name: 'round_to_pack', type: 'boolean', default: 'false' },
      { name: 'shelf_life_days', type: 'int' },
      { name: 'min_remaining_shelf_life_days', type: 'int' },
      { name: 'category', type: 'text' },
      { name: 'brand', type: 'text' },
      { name: 'status', type: 'text', default: `'active'` },
    ],
    refs: [],
    conflict: ['sku'],
    touch: 'updated_at = now()',
  },
  prices: {
    entity: 'prices',
    table: 'prices',
    fields: [
      { name: 'min_qty', type: 'int', default: '1' },
      { name: 'unit_price', type: 'numeric' },
    ],
    refs: [priceListRef, productRef],
    conflict: ['price_list_id', 'product_id', 'min_qty'],
    // A price row names its list and whom the list is for (a tier, or one dealer's override).
    before: `INSERT INTO price_lists AS t (code, name, currency, tier, dealer_id, valid_from, valid_to)
             SELECT DISTINCT ON (x.price_list_code) x.price_list_code, x.price_list_code, coalesce(x.currency, 'CNY'),
                    CASE WHEN d.id IS NULL THEN x.tier END, d.id, coalesce(x.valid_from, DATE '2000-01-01'), x.valid_to
               FROM json_to_recordset($1::json) AS x(price_list_code text, currency text, tier text, dealer_code text, valid_from date, valid_to date)
               LEFT JOIN dealers d ON d.code = x.dealer_code
              WHERE x.tier IS NOT NULL OR d.id IS NOT NULL
              ORDER BY x.price_list_code
             ON CONFLICT (code) DO UPDATE SET currency = EXCLUDED.currency, tier = EXCLUDED.tier, dealer_id = EXCLUDED.dealer_id,
                    valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to
              WHERE (t.currency, t.tier, t.dealer_id, t.valid_from, t.valid_to)
                    IS DISTINCT FROM (EXCLUDED.currency, EXCLUDED.tier, EXCLUDED.dealer_id, EXCLUDED.valid_from, EXCLUDED.valid_to)`,
  },
  warehouses: {
    entity: 'warehouses',
    table: 'warehouses',
    fields: [
      { name: 'code', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'region_code', type: 'text' },
      { name: 'priority', type: 'int', default: '100' },
      { name: 'status', type: 'text', default: `'active'` },
    ],
    refs: [],
    conflict: ['code'],
  },
  stock_lots: {
    entity: 'stock_lots',
    table: 'stock_lots',
    fields: [
      { name: 'lot', type: 'text' },
      { name: 'on_hand', type: 'int' },
      { name: 'production_date', type: 'date' },
      { name: 'expiry_date', type: 'date' },
      { name: 'received_at', type: 'date' },
    ],
    refs: [productRef, warehouseRef],
    conflict: ['product_id', 'warehouse_id', 'lot'],
    touch: 'synced_at = now()',
    // Lots stay (reservations point at them); a lot the snapshot no longer reports has none left,
    // in the warehouses that snapshot covers.
    onDisappeared: `WITH seen AS (SELECT DISTINCT unnest(ids) AS id FROM sync_seen WHERE scope = $1)
                    UPDATE stock_lots t SET on_hand = 0, synced_at = now()
                     WHERE t.on_hand > 0
                       AND t.warehouse_id IN (SELECT DISTINCT l.warehouse_id FROM stock_lots l JOIN seen ON seen.id = l.id)
                       AND NOT EXISTS (SELECT 1 FROM seen WHERE seen.id = t.id)`,
  },
  credit_accounts: {
    entity: 'credit_accounts',
    table: 'credit_accounts',
    fields: [
      { name: 'credit_limit', type: 'numeric' },
      { name: 'ar_open', type: 'numeric', default: '0' },
      { name: 'overdue', type: 'numeric', default: '0' },
      { name: 'oldest_overdue_days', type: 'int', default: '0' },
      { name: 'currency', type: 'text', default: `'CNY'` },
    ],
    refs: [dealerRef],
    conflict: ['dealer_id'],
    touch: 'synced_at = now()',
  },
  ar_open_items: {
    entity: 'ar_open_items',
    table: 'ar_open_items',
    fields: [
      { name: 'document_no', type: 'text' },
      { name: 'document_date', type: 'date' },
      { name: 'due_date', type: 'date' },
      { name: 'amount', type: 'numeric' },
      { name: 'open_amount', type: 'numeric' },
      { name: 'currency', type: 'text', default: `'CNY'` },
      { name: 'paid_at', type: 'date' },
    ],
    refs: [dealerRef],
    conflict: ['dealer_id', 'document_no'],
    touch: 'synced_at = now()',
    // An open item the snapshot no longer lists was settled.
    onDisappeared: `WITH seen AS (SELECT DISTINCT unnest(ids) AS id FROM sync_seen WHERE scope = $1)
                    UPDATE ar_open_items t SET open_amount = 0, paid_at = coalesce(t.paid_at, current_date), synced_at = now()
                     WHERE t.open_amount <> 0
                       AND NOT EXISTS (SELECT 1 FROM seen WHERE seen.id = t.id)`,
  },
};

/**
 * One statement per page. $1: the records as JSON (each with `idx`, its position in the page);
 * $2 (only for sinks with a disappearance rule): the snapshot scope, or null when incremental.
 *
 * Existing rows are looked up by key first, so a record identical to its row never reaches
 * INSERT … ON CONFLICT: a re-sync of unchanged data costs one index lookup per record. The
 * ON CONFLICT clause still guards against a row inserted concurrently since the lookup.
 */
export function upsertStatement(sink: Sink): string {
  const inputColumns = ['idx int', ...sink.refs.map((ref) => `${ref.field} text`), ...sink.fields.map((f) => `${f.name} ${f.type}`)];
  const targetColumns = [...sink.refs.map((ref) => ref.as), ...sink.fields.map((field) => field.name)];
  // The value each target column gets, in terms of the `resolved` row.
  const valueOf = new Map<string, string>([
    ...sink.refs.map((ref, i) => [ref.as, `r${i}.id`] as [string, string]),
    ...sink.fields.map((f) => [f.name, f.default ? `coalesce(input.${f.name}, ${f.default})` : `input.${f.name}`] as [string, string]),
  ]);
  const updatable = targetColumns.filter((column) => !sink.conflict.includes(column));
  const joins = sink.refs.map((ref, i) => `LEFT JOIN ${ref.table} r${i} ON r${i}.${ref.column} = input.${ref.field}`);
  const existing = `LEFT JOIN ${sink.table} t ON ${sink.conflict.map((c) => `t.${c} = ${valueOf.get(c)}`).join(' AND ')}`;
  const same = updatable.length > 0
    ? `(${updatable.map((c) => `t.${c}`).join(', ')}) IS NOT DISTINCT FROM (${updatable.map((c) => valueOf.get(c)).join(', ')})`
    : 'true';
  const exists = `t.${sink.conflict[0]} IS NOT NULL`;
  const resolvedWhere = sink.refs.length > 0 ? sink.refs.map((ref) => `${ref.as} IS NOT NULL`).join(' AND ') : 'true';
  const unresolvedWhere = sink.refs.length > 0 ? sink.refs.map((ref) => `${ref.as} IS NULL`).join(' OR ') : 'false';
  const set = [...updatable.map((column) => `${column} = EXCLUDED.${column}`), ...(sink.touch ? [sink.touch] : [])];
  const changed = updatable.length > 0 ? `WHERE (${updatable.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${updatable.map((c) => `EXCLUDED.${c}`).join(', ')})` : '';
  const onConflict = set.length > 0 ? `DO UPDATE SET ${set.join(', ')} ${changed}` : 'DO NOTHING';
  const firstUnresolved = sink.refs.length > 0
    ? `CASE ${sink.refs.map((ref) => `WHEN ${ref.as} IS NULL THEN json_build_array('${ref.field}', ${ref.field})`).join(' ')} END`
    : 'NULL';
  // Rows are recorded as seen only where a disappearance rule needs them (tables with an id).
  const seen = sink.onDisappeared
    ? `, seen AS (
  INSERT INTO sync_seen (scope, ids)
  SELECT $2::text, array(SELECT existing_id FROM resolved WHERE existing_id IS NOT NULL UNION SELECT id FROM written)
   WHERE $2::text IS NOT NULL
)`
    : '';
  return `
WITH input AS (
  SELECT * FROM json_to_recordset($1::json) AS x(${inputColumns.join(', ')})
), resolved AS (
  SELECT input.idx, ${sink.refs.map((ref) => `input.${ref.field}, `).join('')}${targetColumns.map((c) => `${valueOf.get(c)} AS ${c}`).join(', ')},
         ${sink.onDisappeared ? 't.id AS existing_id, ' : ''}${exists}${updatable.length > 0 ? ` AND ${same}` : ''} AS unchanged
    FROM input
    ${joins.join('\n    ')}
    ${existing}
), written AS (
  INSERT INTO ${sink.table} AS t (${targetColumns.join(', ')})
  SELECT ${targetColumns.join(', ')} FROM resolved WHERE ${resolvedWhere} AND NOT unchanged
  ON CONFLICT (${sink.conflict.join(', ')}) ${onConflict}
  RETURNING ${sink.onDisappeared ? 't.id, ' : ''}(t.xmax = 0) AS inserted
)${seen}
SELECT (SELECT count(*) FROM written WHERE inserted)::int AS inserted,
       (SELECT count(*) FROM written WHERE NOT inserted)::int AS updated,
       (SELECT coalesce(json_agg(json_build_array(idx, ${firstUnresolved})), '[]'::json) FROM resolved WHERE ${unresolvedWhere}) AS unresolved`;
}
