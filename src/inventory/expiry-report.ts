/**
 * Lots with stock, each with its shelf life and tier on a business day, and the per-tier
 * totals GET /admin/alerts/expiry shows. Value is at list price: on hand × the quantity-1 price
 * of the configured price list (inventory.expiry.valuePriceList) valid that day; the store holds
 * no cost prices. One statement reads the lots; tiers are computed by the pure rules.
 */
import type { InventoryConfig } from '../core/config/schema-inventory.js';
import type { Queryable } from '../core/db/index.js';
import { formatMoney, money } from '../ordering/money.js';
import { shelfLife, thresholdsFor, TIER_ORDER, type ExpiryTier } from './shelf-life.js';

export interface LotExpiry {
  lotId: number;
  sku: string;
  name: string;
  category: string | null;
  warehouse: string;
  lot: string;
  productionDate: string | null;
  receivedAt: string | null;
  expiryDate: string | null;
  /** true when the expiry is production + the product's shelf life, not given by the source. */
  expiryComputed: boolean;
  totalDays: number | null;
  remainingDays: number | null;
  remainingFraction: number | null;
  tier: ExpiryTier | null;
  onHand: number;
  reserved: number;
  available: number;
  /** On hand at list price; null without a value price list or a price for the SKU. */
  value: string | null;
}

/** The lot as read: what the report shows about it before tier and value are worked out. */
type LotRow = Pick<LotExpiry, 'lotId' | 'sku' | 'name' | 'category' | 'warehouse' | 'lot' | 'productionDate' | 'receivedAt' | 'expiryDate' | 'onHand' | 'reserved'> & {
  shelfLifeDays: number | null;
  unitPrice: string | null;
};

/** Every lot with stock on hand (any warehouse status), with tier and value on `today`. */
export async function loadLotExpiries(q: Queryable, config: InventoryConfig, today: string, filter: { warehouse?: string | undefined; sku?: string | undefined } = {}): Promise<LotExpiry[]> {
  const { rows } = await q.query<LotRow>(
    `SELECT l.id::int AS "lotId", p.sku, p.name, p.category, w.code AS warehouse, l.lot,
            l.production_date::text AS "productionDate", l.received_at::text AS "receivedAt", l.expiry_date::text AS "expiryDate",
            p.shelf_life_days AS "shelfLifeDays", l.on_hand AS "onHand", l.reserved,
            (SELECT pr.unit_price::text FROM prices pr JOIN price_lists pl ON pl.id = pr.price_list_id
              WHERE pl.code = $2 AND pr.product_id = p.id AND pl.valid_from <= $1::date AND (pl.valid_to IS NULL OR pl.valid_to >= $1::date)
              ORDER BY pr.min_qty LIMIT 1) AS "unitPrice"
       FROM stock_lots l JOIN products p ON p.id = l.product_id JOIN warehouses w ON w.id = l.warehouse_id
      WHERE l.on_hand > 0 AND ($3::text IS NULL OR w.code = $3) AND ($4::text IS NULL OR p.sku = $4)
      ORDER BY l.id`,
    [today, config.expiry.valuePriceList ?? null, filter.warehouse ?? null, filter.sku ?? null],
  );
  return rows.map((row) => {
    const life = shelfLife(row, row.shelfLifeDays, today, thresholdsFor(row.category, config.expiry));
    return {
      lotId: Number(row.lotId),
      sku: row.sku,
      name: row.name,
      category: row.category,
      warehouse: row.warehouse,
      lot: row.lot,
      productionDate: row.productionDate,
      receivedAt: row.receivedAt,
      expiryDate: life.expiryDate,
      expiryComputed: row.expiryDate === null && life.expiryDate !== null,
      totalDays: life.totalDays,
      remainingDays: life.remainingDays,
      remainingFraction: life.remainingFraction,
      tier: life.tier,
      onHand: row.onHand,
      reserved: row.reserved,
      available: Math.max(0, row.onHand - row.reserved),
      value: row.unitPrice === null ? null : formatMoney(money(row.unitPrice).times(row.onHand)),
    };
  });
}

export interface TierTotals {
  lots: number;
  onHand: number;
  reserved: number;
  available: number;
  value: string;
}

/** Lots in a tier, worst tier first then earliest expiry; and totals per tier (value sums lots that have one). */
export function expiryReport(lots: LotExpiry[]): { tiers: Record<ExpiryTier, TierTotals>; items: LotExpiry[] } {
  const tiers = {} as Record<ExpiryTier, TierTotals>;
  for (const tier of ['expired', 'red', 'yellow', 'blue'] as const) tiers[tier] = { lots: 0, onHand: 0, reserved: 0, available: 0, value: '0.00' };
  const items = lots.filter((l) => l.tier !== null);
  for (const lot of items) {
    const t = tiers[lot.tier!];
    t.lots += 1;
    t.onHand += lot.onHand;
    t.reserved += lot.reserved;
    t.available += lot.available;
    if (lot.value !== null) t.value = formatMoney(money(t.value).plus(money(lot.value)));
  }
  items.sort(
    (a, b) =>
      TIER_ORDER.indexOf(a.tier!) - TIER_ORDER.indexOf(b.tier!) ||
      (a.expiryDate ?? '').localeCompare(b.expiryDate ?? '') ||
      a.sku.localeCompare(b.sku) ||
      a.lotId - b.lotId,
  );
  return { tiers, items };
}
