import type { Queryable, Store } from '../core/db/store.js';
import { buildDemoData, type DemoDataSet } from './demo-data.js';

export { DEMO_DEALER_CODES } from './demo-data.js';

export interface SeedResult {
  /** false when the store already had dealers and nothing was written. */
  seeded: boolean;
  /** Rows inserted per table (empty when not seeded). */
  counts: Record<string, number>;
}

/**
 * Held for the seeding transaction, so replicas or processes starting together on one empty
 * database seed it once: the second waits, then sees the dealers and does nothing.
 */
const SEED_LOCK_KEY = 7_201_941_002;

interface Step {
  table: string;
  rows: readonly object[];
  /** One set-based statement: `$1` is the rows as a JSON array with snake_case keys. */
  sql: string;
  /** Rows already present are kept (regions may come from elsewhere); others must all insert. */
  mayExist?: boolean;
}

function steps(data: DemoDataSet): Step[] {
  return [
    {
      table: 'regions',
      rows: data.regions,
      mayExist: true,
      sql: `INSERT INTO regions (code, name)
            SELECT r.code, r.name FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text)
            ON CONFLICT (code) DO NOTHING`,
    },
    {
      table: 'dealers',
      rows: data.dealers,
      sql: `INSERT INTO dealers (code, name, tier, cooperation_since, payment_terms_days)
            SELECT r.code, r.name, r.tier, r.cooperation_since, r.payment_terms_days
            FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text, tier text, cooperation_since date, payment_terms_days int)`,
    },
    {
      table: 'dealer_regions',
      rows: data.dealerRegions,
      sql: `INSERT INTO dealer_regions (dealer_id, region_code, valid_from)
            SELECT d.id, r.region_code, r.valid_from
            FROM jsonb_to_recordset($1::jsonb) AS r(dealer_code text, region_code text, valid_from date)
            JOIN dealers d ON d.code = r.dealer_code`,
    },
    {
      table: 'ship_tos',
      rows: data.shipTos,
      sql: `INSERT INTO ship_tos (dealer_id, code, name, address, region_code, contact, phone)
            SELECT d.id, r.code, r.name, r.address, r.region_code, r.contact, r.phone
            FROM jsonb_to_recordset($1::jsonb)
              AS r(dealer_code text, code text, name text, address text, region_code text, contact text, phone text)
            JOIN dealers d ON d.code = r.dealer_code`,
    },
    {
      table: 'products',
      rows: data.products,
      sql: `INSERT INTO products (sku, name, uom, pack_size, round_to_pack, shelf_life_days,
                                  min_remaining_shelf_life_days, category, brand)
            SELECT r.sku, r.name, r.uom, r.pack_size, r.round_to_pack, r.shelf_life_days,
                   r.min_remaining_shelf_life_days, r.category, r.brand
            FROM jsonb_to_recordset($1::jsonb) AS r(sku text, name text, uom text, pack_size int, round_to_pack boolean,
              shelf_life_days int, min_remaining_shelf_life_days int, category text, brand text)`,
    },
    {
      table: 'price_lists',
      rows: data.priceLists,
      // A dealer code that does not resolve leaves both tier and dealer_id null: the CHECK fails.
      sql: `INSERT INTO price_lists (code, name, currency, tier, dealer_id, valid_from, valid_to)
            SELECT r.code, r.name, r.currency, r.tier, d.id, r.valid_from, r.valid_to
            FROM jsonb_to_recordset($1::jsonb)
              AS r(code text, name text, currency text, tier text, dealer_code text, valid_from date, valid_to date)
            LEFT JOIN dealers d ON d.code = r.dealer_code`,
    },
    {
      table: 'prices',
      rows: data.prices,
      sql: `INSERT INTO prices (price_list_id, product_id, min_qty, unit_price)
            SELECT l.id, p.id, r.min_qty, r.unit_price
            FROM jsonb_to_recordset($1::jsonb) AS r(price_list_code text, sku text, min_qty int, unit_price numeric)
            JOIN price_lists l ON l.code = r.price_list_code
            JOIN products p ON p.sku = r.sku`,
    },
    {
      table: 'warehouses',
      rows: data.warehouses,
      sql: `INSERT INTO warehouses (code, name, region_code, priority)
            SELECT r.code, r.name, r.region_code, r.priority
            FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text, region_code text, priority int)`,
    },
    {
      table: 'stock_lots',
      rows: data.stockLots,
      sql: `INSERT INTO stock_lots (product_id, warehouse_id, lot, production_date, expiry_date, received_at, on_hand, synced_at)
            SELECT p.id, w.id, r.lot, r.production_date, r.expiry_date, r.received_at, r.on_hand, r.synced_at
            FROM jsonb_to_recordset($1::jsonb) AS r(sku text, warehouse_code text, lot text, production_date date,
              expiry_date date, received_at date, on_hand int, synced_at timestamptz)
            JOIN products p ON p.sku = r.sku
            JOIN warehouses w ON w.code = r.warehouse_code`,
    },
    {
      table: 'safety_stock',
      rows: data.safetyStock,
      sql: `INSERT INTO safety_stock (product_id, warehouse_id, qty)
            SELECT p.id, w.id, r.qty
            FROM jsonb_to_recordset($1::jsonb) AS r(sku text, warehouse_code text, qty int)
            JOIN products p ON p.sku = r.sku
            JOIN warehouses w ON w.code = r.warehouse_code`,
    },
    {
      table: 'credit_accounts',
      rows: data.creditAccounts,
      sql: `INSERT INTO credit_accounts (dealer_id, currency, credit_limit, ar_open, overdue, oldest_overdue_days, synced_at)
            SELECT d.id, r.currency, r.credit_limit, r.ar_open, r.overdue, r.oldest_overdue_days, r.synced_at
            FROM jsonb_to_recordset($1::jsonb) AS r(dealer_code text, currency text, credit_limit numeric,
              ar_open numeric, overdue numeric, oldest_overdue_days int, synced_at timestamptz)
            JOIN dealers d ON d.code = r.dealer_code`,
    },
    {
      table: 'ar_open_items',
      rows: data.arOpenItems,
      sql: `INSERT INTO ar_open_items (dealer_id, document_no, document_date, due_date, currency, amount, open_amount, synced_at)
            SELECT d.id, r.document_no, r.document_date, r.due_date, r.currency, r.amount, r.open_amount, r.synced_at
            FROM jsonb_to_recordset($1::jsonb) AS r(dealer_code text, document_no text, document_date date,
              due_date date, currency text, amount numeric, open_amount numeric, synced_at timestamptz)
            JOIN dealers d ON d.code = r.dealer_code`,
    },
  ];
}

const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** Rows as the JSON `jsonb_to_recordset` reads; money stays a string, so no float on the way. */
function toJson(rows: readonly object[]): string {
  return JSON.stringify(rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [snakeCase(k), v]))));
}

async function insertAll(q: Queryable, data: DemoDataSet): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const step of steps(data)) {
    const { rowCount } = await q.query(step.sql, [toJson(step.rows)]);
    // An inner join drops a row whose code does not resolve; a typo in the data must not pass silently.
    if (!step.mayExist && rowCount !== step.rows.length) {
      throw new Error(`demo seed: ${step.table} inserted ${rowCount} of ${step.rows.length} rows; a code in the demo data does not resolve`);
    }
    counts[step.table] = rowCount;
  }
  return counts;
}

/**
 * Loads the demo data set (dates relative to `now`) into an empty store, in one transaction.
 * Does nothing when any dealer exists: the demo never mixes with real or earlier data.
 */
export async function seedDemo(store: Store, now: Date): Promise<SeedResult> {
  const data = buildDemoData(now);
  return store.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1::bigint)', [SEED_LOCK_KEY]);
    const { rows } = await q.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM dealers) AS any');
    if (rows[0]?.any) return { seeded: false, counts: {} };
    return { seeded: true, counts: await insertAll(q, data) };
  });
}
