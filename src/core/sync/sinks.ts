/**
 * How each canonical entity lands in its table: one declarative row per entity, turned into one
 * set-based statement per page (json_to_recordset → resolve codes to ids → INSERT … ON CONFLICT
 * DO UPDATE … WHERE changed). Unchanged rows are not rewritten, so a re-sync of the same data
 * writes nothing; codes that do not resolve come back as per-record issues.
 */
import type { CanonicalEntity } from '../../connectors/contract.js';

type SqlType = 'text' | 'int' | 'numeric' | 'date' | 'boolean' | 'jsonb' | 'timestamptz';

export interface Reference {
  /** Canonical field holding the code, e.g. `sku`. */
  field: string;
  table: string;
  column: string;
  /** Target column receiving the id, e.g. `product_id`. */
  as: string;
  /** A blank code means no reference (a null id); only a code that does not resolve is an issue. */
  optional?: boolean;
}

export interface SinkField {
  name: string;
  /** How the canonical record carries it (the input column's type). */
  type: SqlType;
  /** SQL for NOT NULL columns when the record has no value. */
  default?: string;
  /**
   * SQL computing the column instead of copying the field: over `input` (the record),
   * `r0`, `r1` … (the rows the refs resolved to, in `refs` order) and `t` (the existing row,
   * all nulls when there is none).
   */
  value?: string;
}

export interface Sink {
  entity: CanonicalEntity;
  table: string;
  /** Canonical fields copied into same-named columns, with a default for NOT NULL columns. */
  fields: SinkField[];
  refs: Reference[];
  /**
   * The unique key ON CONFLICT uses, as its index is written: target columns, or a function
   * of one column for an expression index (`lower(code)`).
   */
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
const promotionRef: Reference = { field: 'promotion_code', table: 'promotions', column: 'code', as: 'promotion_id' };

/**
 * A coupon window bound (canonical.ts): an instant ending in Z as it is, a local wall time in
 * its promotion's time zone (r0: the promotion the coupon's ref resolved to).
 */
const couponBound = (field: string) =>
  `CASE WHEN input.${field} LIKE '%Z' THEN input.${field}::timestamptz ELSE input.${field}::timestamp AT TIME ZONE r0.time_zone END`;

/**
 * A limit (null = none) never below what orders have already used: lowering a budget or a
 * coupon's uses under its usage means "used up", and keeps the table's used ≤ limit checks.
 */
const atLeastUsed = (field: string, used: string) => `CASE WHEN input.${field} IS NULL THEN NULL ELSE greatest(input.${field}, t.${used}) END`;

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
  // A promotion row as promotionRecord() builds it. The usage counters (used_amount, used_uses)
  // are not fields, so a sync never resets what orders have consumed.
  promotions: {
    entity: 'promotions',
    table: 'promotions',
    fields: [
      { name: 'code', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'type', type: 'text' },
      { name: 'rules', type: 'jsonb' },
      { name: 'eligibility', type: 'jsonb', default: `'{}'::jsonb` },
      { name: 'priority', type: 'int', default: '100' },
      { name: 'stackable', type: 'boolean', default: 'true' },
      { name: 'exclusive_group', type: 'text' },
      { name: 'valid_from', type: 'timestamptz' },
      { name: 'valid_to', type: 'timestamptz' },
      { name: 'time_zone', type: 'text', default: `'Asia/Shanghai'` },
      { name: 'requires_coupon', type: 'boolean', default: 'false' },
      { name: 'budget_amount', type: 'numeric', value: atLeastUsed('budget_amount', 'used_amount') },
      { name: 'budget_uses', type: 'int', value: atLeastUsed('budget_uses', 'used_uses') },
      { name: 'per_dealer_limit', type: 'int' },
      { name: 'status', type: 'text', default: `'active'` },
      { name: 'source', type: 'text', default: `'sync'` },
    ],
    refs: [],
    conflict: ['code'],
    touch: 'updated_at = now()',
  },
  // Codes are unique case-insensitively (index on lower(code)); `used` is never written.
  coupons: {
    entity: 'coupons',
    table: 'coupons',
    fields: [
      { name: 'code', type: 'text' },
      { name: 'max_uses', type: 'int', value: atLeastUsed('max_uses', 'used') },
      { name: 'per_dealer_limit', type: 'int' },
      { name: 'valid_from', type: 'text', value: couponBound('valid_from') },
      { name: 'valid_to', type: 'text', value: couponBound('valid_to') },
      { name: 'status', type: 'text', default: `'active'` },
    ],
    refs: [promotionRef, { ...dealerRef, optional: true }],
    conflict: ['lower(code)'],
  },
};

/** A conflict key part: a column, or a function of one (`lower(code)`) for an expression index. */
function conflictPart(part: string): { column: string; target: string; wrap: (sql: string) => string } {
  const call = /^([a-z_]+)\(([a-z_]+)\)$/.exec(part);
  if (!call) return { column: part, target: part, wrap: (sql) => sql };
  const [, fn, column] = call as unknown as [string, string, string];
  return { column, target: `(${part})`, wrap: (sql) => `${fn}(${sql})` };
}

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
    ...sink.fields.map((f) => [f.name, f.value ?? (f.default ? `coalesce(input.${f.name}, ${f.default})` : `input.${f.name}`)] as [string, string]),
  ]);
  const conflict = sink.conflict.map(conflictPart);
  // A column inside an expression key (code in lower(code)) may still change (its case).
  const updatable = targetColumns.filter((column) => !sink.conflict.includes(column));
  const joins = sink.refs.map((ref, i) => `LEFT JOIN ${ref.table} r${i} ON r${i}.${ref.column} = input.${ref.field}`);
  const existing = `LEFT JOIN ${sink.table} t ON ${conflict.map((c) => `${c.wrap(`t.${c.column}`)} = ${c.wrap(valueOf.get(c.column)!)}`).join(' AND ')}`;
  const same = updatable.length > 0
    ? `(${updatable.map((c) => `t.${c}`).join(', ')}) IS NOT DISTINCT FROM (${updatable.map((c) => valueOf.get(c)).join(', ')})`
    : 'true';
  const exists = `t.${conflict[0]!.column} IS NOT NULL`;
  const resolved = (ref: Reference) => (ref.optional ? `(${ref.field} IS NULL OR ${ref.as} IS NOT NULL)` : `${ref.as} IS NOT NULL`);
  const unresolved = (ref: Reference) => (ref.optional ? `(${ref.field} IS NOT NULL AND ${ref.as} IS NULL)` : `${ref.as} IS NULL`);
  const resolvedWhere = sink.refs.length > 0 ? sink.refs.map(resolved).join(' AND ') : 'true';
  const unresolvedWhere = sink.refs.length > 0 ? sink.refs.map(unresolved).join(' OR ') : 'false';
  const set = [...updatable.map((column) => `${column} = EXCLUDED.${column}`), ...(sink.touch ? [sink.touch] : [])];
  const changed = updatable.length > 0 ? `WHERE (${updatable.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${updatable.map((c) => `EXCLUDED.${c}`).join(', ')})` : '';
  const onConflict = set.length > 0 ? `DO UPDATE SET ${set.join(', ')} ${changed}` : 'DO NOTHING';
  const firstUnresolved = sink.refs.length > 0
    ? `CASE ${sink.refs.map((ref) => `WHEN ${unresolved(ref)} THEN json_build_array('${ref.field}', ${ref.field})`).join(' ')} END`
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
  ON CONFLICT (${conflict.map((c) => c.target).join(', ')}) ${onConflict}
  RETURNING ${sink.onDisappeared ? 't.id, ' : ''}(t.xmax = 0) AS inserted
)${seen}
SELECT (SELECT count(*) FROM written WHERE inserted)::int AS inserted,
       (SELECT count(*) FROM written WHERE NOT inserted)::int AS updated,
       (SELECT coalesce(json_agg(json_build_array(idx, ${firstUnresolved})), '[]'::json) FROM resolved WHERE ${unresolvedWhere}) AS unresolved`;
}
