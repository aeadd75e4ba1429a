/**
 * The dealer's catalog and credit position, read-only and set-based: a catalog page costs a fixed
 * number of queries (dealer + ship-to, products, then prices, lots and warehouses for the whole
 * page at once), whatever its size. Prices and ATP come from the same pure rules orders use.
 */
import type { Queryable } from '../core/db/index.js';
import { NotFoundError } from '../core/errors.js';
import { chooseWarehouse, warehouseAtp } from '../ordering/availability.js';
import { formatMoney, money } from '../ordering/money.js';
import { choosePrice } from '../ordering/pricing.js';
import type { LotFacts, PriceFacts, WarehouseFacts } from '../ordering/types.js';
import type { InventoryConfig } from '../core/config/schema-inventory.js';
import { allocationPlan, type AllocationPlan } from '../inventory/allocation.js';
import { catalogShelfLife, type CatalogShelfLife } from '../inventory/views.js';
import type { ExpiryTier } from '../inventory/shelf-life.js';
import { loadChannelUsage } from '../inventory/usage.js';
import type { DealerRef } from './facts.js';
import { creditPosition } from '../credit/exposure.js';
import { displayPrice } from './queries.js';

export interface CatalogFilter {
  search?: string | undefined;
  category?: string | undefined;
  /** Keyset: the last SKU of the previous page. */
  cursor?: string | undefined;
  shipTo?: string | undefined;
  limit: number;
}

export interface CatalogItem {
  sku: string;
  name: string;
  uom: string;
  packSize: number;
  roundToPack: boolean;
  category: string | null;
  brand: string | null;
  shelfLifeDays: number | null;
  /** The price for quantity 1, or null when no list prices it today. */
  unitPrice: string | null;
  priceList: string | null;
  /** The price curve: every quantity where the applicable price changes, ascending. */
  prices: Array<{ minQty: number; unitPrice: string }>;
  currency: string;
  warehouse: string | null;
  /** ATP in the ship-to's preferred warehouse (whole base units). */
  available: number;
  availableTotal: number;
  nextExpiry: string | null;
  /** Issue 8: tier and remaining shelf life of the lot the dealer would receive first (src/inventory). */
  expiryTier: ExpiryTier | null;
  remainingDays: number | null;
  remainingFraction: number | null;
}

export interface CatalogPage {
  shipTo: string;
  items: CatalogItem[];
  nextCursor: string | null;
}

type ProductRow = Omit<CatalogItem, 'unitPrice' | 'priceList' | 'prices' | 'currency' | 'warehouse' | 'available' | 'availableTotal' | 'nextExpiry' | keyof CatalogShelfLife> & {
  minRemainingShelfLifeDays: number | null;
};

interface DealerRow {
  tier: string;
  group: string | null;
  currency: string;
  minRemainingShelfLifeDays: number | null;
  shipTo: string | null;
  regionCode: string | null;
}

/** `%`, `_` and the escape character itself match literally in the dealer's search text. */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The step function choosePrice defines: it can only change at a row's minQty, so evaluating it
 * at every distinct minQty and dropping repeats gives exactly the breaks an order would see.
 */
export function priceCurve(rows: PriceFacts[], sku: string, currency: string, today: string): CatalogItem['prices'] {
  const quantities = [...new Set(rows.filter((r) => r.sku === sku).map((r) => r.minQty))].sort((a, b) => a - b);
  const curve: CatalogItem['prices'] = [];
  for (const qty of quantities) {
    const row = choosePrice(rows, sku, qty, currency, today);
    if (row && curve.at(-1)?.unitPrice !== displayPrice(row.unitPrice)) curve.push({ minQty: qty, unitPrice: displayPrice(row.unitPrice) });
  }
  return curve;
}

function availability(product: ProductRow, plan: AllocationPlan, ranked: WarehouseFacts[], today: string, inventory: InventoryConfig | undefined): Omit<CatalogItem, keyof ProductRow | 'unitPrice' | 'priceList' | 'prices' | 'currency'> {
  // The same rules as the order path: day and fraction minimums, computed expiries, the channel's cap.
  const rules = plan.rules(product);
  const perWarehouse = ranked.map((w) => warehouseAtp(product.sku, w, plan.lots, rules));
  const preferred = perWarehouse[0] ?? [];
  return {
    ...catalogShelfLife(preferred[0]?.lot, product, today, inventory),
    warehouse: ranked[0]?.code ?? null,
    available: preferred.reduce((s, e) => s + e.atp, 0),
    availableTotal: perWarehouse.flat().reduce((s, e) => s + e.atp, 0),
    nextExpiry: preferred.find((e) => e.lot.expiryDate !== null)?.lot.expiryDate ?? null,
  };
}

/** One page of active products with the dealer's prices and availability on `today` ('YYYY-MM-DD'). */
export async function loadCatalog(
  q: Queryable,
  dealer: DealerRef,
  filter: CatalogFilter,
  today: string,
  warehouseFallback: readonly string[] = [],
  inventory?: InventoryConfig,
): Promise<CatalogPage> {
  const { rows: dealers } = await q.query<DealerRow>(
    `SELECT d.tier, d.dealer_group AS "group", d.currency, d.min_remaining_shelf_life_days AS "minRemainingShelfLifeDays", s.code AS "shipTo", s.region_code AS "regionCode"
       FROM dealers d
       LEFT JOIN LATERAL (SELECT code, region_code FROM ship_tos
                           WHERE dealer_id = d.id AND status = 'active' AND ($2::text IS NULL OR code = $2)
                           -- By default a ship-to inside the dealer's authorised regions: the one it normally orders to.
                           ORDER BY NOT EXISTS (SELECT 1 FROM dealer_regions r WHERE r.dealer_id = d.id AND ship_tos.region_code LIKE r.region_code || '%'
                                                  AND r.valid_from <= current_date AND (r.valid_to IS NULL OR r.valid_to >= current_date)), code
                           LIMIT 1) s ON true
      WHERE d.id = $1`,
    [dealer.dealerId, filter.shipTo ?? null],
  );
  const dealerRow = dealers[0];
  if (!dealerRow) throw new NotFoundError(`dealer ${dealer.dealerCode} not found`);
  if (dealerRow.shipTo === null || dealerRow.regionCode === null) {
    throw new NotFoundError(filter.shipTo ? `no active ship-to ${filter.shipTo}` : `dealer ${dealer.dealerCode} has no active ship-to`, { shipTo: filter.shipTo ?? null });
  }

  const { rows } = await q.query<ProductRow>(
    `SELECT sku, name, uom, pack_size AS "packSize", round_to_pack AS "roundToPack", category, brand, shelf_life_days AS "shelfLifeDays",
            min_remaining_shelf_life_days AS "minRemainingShelfLifeDays"
       FROM products
      WHERE status = 'active' AND ($1::text IS NULL OR sku ILIKE $1 ESCAPE '\\' OR name ILIKE $1 ESCAPE '\\')
        AND ($2::text IS NULL OR category = $2) AND ($3::text IS NULL OR sku > $3)
      ORDER BY sku LIMIT $4`,
    [filter.search ? likePattern(filter.search) : null, filter.category ?? null, filter.cursor ?? null, filter.limit + 1],
  );
  const products = rows.slice(0, filter.limit);
  const skus = products.map((p) => p.sku);
  const [prices, lots, warehouses, channelUsage] = await Promise.all([
    q.query<PriceFacts>(
      `SELECT p.sku, CASE WHEN l.dealer_id IS NULL THEN 'tier' ELSE 'dealer' END AS source, l.code AS "priceListCode", l.currency,
              pr.min_qty AS "minQty", pr.unit_price::text AS "unitPrice", l.valid_from::text AS "validFrom", l.valid_to::text AS "validTo"
         FROM prices pr JOIN price_lists l ON l.id = pr.price_list_id JOIN products p ON p.id = pr.product_id
        WHERE p.sku = ANY($1::text[]) AND (l.dealer_id = $2 OR (l.dealer_id IS NULL AND l.tier = $3))
          AND l.currency = $4 AND l.valid_from <= $5::date AND (l.valid_to IS NULL OR l.valid_to >= $5::date)`,
      [skus, dealer.dealerId, dealerRow.tier, dealerRow.currency, today],
    ),
    q.query<LotFacts>(
      `SELECT l.id AS "lotId", p.sku, w.code AS "warehouseCode", l.lot, l.expiry_date::text AS "expiryDate",
              l.production_date::text AS "productionDate", l.on_hand AS "onHand", l.reserved
         FROM stock_lots l JOIN products p ON p.id = l.product_id JOIN warehouses w ON w.id = l.warehouse_id
        WHERE p.sku = ANY($1::text[]) AND w.status = 'active' AND (l.expiry_date IS NULL OR l.expiry_date >= $2::date)`,
      [skus, today],
    ),
    q.query<{ code: string; regionCode: string; priority: number; safety: Record<string, number> | null }>(
      `SELECT w.code, w.region_code AS "regionCode", w.priority,
              (SELECT jsonb_object_agg(p.sku, s.qty) FROM safety_stock s JOIN products p ON p.id = s.product_id
                WHERE s.warehouse_id = w.id AND s.channel = '*' AND p.sku = ANY($1::text[])) AS safety
         FROM warehouses w WHERE w.status = 'active'`,
      [skus],
    ),
    inventory ? loadChannelUsage(q, skus, inventory.channels) : undefined,
  ]);
  const plan = allocationPlan(
    { dealer: { code: dealer.dealerCode, tier: dealerRow.tier, group: dealerRow.group, minRemainingShelfLifeDays: dealerRow.minRemainingShelfLifeDays }, products: new Map(products.map((p) => [p.sku, p])), lots: lots.rows, channelUsage },
    today,
    inventory,
  );
  const ranked = chooseWarehouse(
    dealerRow.regionCode,
    warehouses.rows.map((w) => ({ code: w.code, regionCode: w.regionCode, priority: w.priority, safetyStock: w.safety ?? {} })),
    [...warehouseFallback],
  );

  const items = products.map(({ minRemainingShelfLifeDays, ...product }): CatalogItem => {
    const first = choosePrice(prices.rows, product.sku, 1, dealerRow.currency, today);
    return {
      ...product,
      unitPrice: first ? displayPrice(first.unitPrice) : null,
      priceList: first?.priceListCode ?? null,
      prices: priceCurve(prices.rows, product.sku, dealerRow.currency, today),
      currency: dealerRow.currency,
      ...availability({ ...product, minRemainingShelfLifeDays }, plan, ranked, today, inventory),
    };
  });
  const last = items.at(-1);
  return { shipTo: dealerRow.shipTo, items, nextCursor: rows.length > filter.limit && last ? last.sku : null };
}

/** Active products per category (products without a category are left out). */
export async function loadCategories(q: Queryable): Promise<Array<{ category: string; count: number }>> {
  const { rows } = await q.query<{ category: string; count: number }>(
    `SELECT category, count(*)::int AS count FROM products WHERE status = 'active' AND category IS NOT NULL GROUP BY category ORDER BY category`,
  );
  return rows;
}

export interface CreditView {
  currency: string;
  creditLimit: string;
  arOpen: string;
  openOrders: string;
  exposure: string;
  available: string;
  overdue: string;
  oldestOverdueDays: number;
  overdueToleranceDays: number;
  blocked: boolean;
  syncedAt: Date;
}

/**
 * The dealer's credit position as the credit review rule sees it: exposure = open AR + approved,
 * released or confirmed orders not yet invoiced. Null when the dealer has no credit account.
 */
export async function loadCredit(q: Queryable, dealerId: number, overdueToleranceDays: number): Promise<CreditView | null> {
  const { rows } = await q.query<{ currency: string; creditLimit: string; arOpen: string; overdue: string; oldestOverdueDays: number; syncedAt: Date; openOrders: string }>(
    `SELECT c.currency, c.credit_limit::text AS "creditLimit", c.ar_open::text AS "arOpen", c.overdue::text AS overdue,
            c.oldest_overdue_days AS "oldestOverdueDays", c.synced_at AS "syncedAt",
            c.open_orders::text AS "openOrders"
       FROM credit_accounts c WHERE c.dealer_id = $1`,
    [dealerId],
  );
  const row = rows[0];
  if (!row) return null;
  const { exposure, available } = creditPosition(row.creditLimit, row.arOpen, row.openOrders);
  const overdue = money(row.overdue);
  return {
    currency: row.currency,
    creditLimit: formatMoney(money(row.creditLimit)),
    arOpen: formatMoney(money(row.arOpen)),
    openOrders: formatMoney(money(row.openOrders)),
    exposure,
    available,
    overdue: formatMoney(overdue),
    oldestOverdueDays: row.oldestOverdueDays,
    overdueToleranceDays,
    blocked: overdue.greaterThan(0) && row.oldestOverdueDays > overdueToleranceDays,
    syncedAt: row.syncedAt,
  };
}
