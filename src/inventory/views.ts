/**
 * The expiry tier dealers see on quote and order lines (issue 8): the worst tier among the lots
 * a line receives, and the remaining shelf life of its first-expiring lot. Tiers are judged on
 * the day asked (an order read next month shows next month's tiers).
 */
import type { InventoryConfig } from '../core/config/schema-inventory.js';
import type { Queryable } from '../core/db/index.js';
import type { LineAvailability } from '../ordering/types.js';
import type { OrderView } from '../orders/queries.js';
import { shelfLife, thresholdsFor, worstTier, type ExpiryTier, type LotDates } from './shelf-life.js';
import { DEFAULT_CHANNEL } from './channels.js';

export interface LineExpiry {
  expiryTier: ExpiryTier | null;
  remainingDays: number | null;
  remainingFraction: number | null;
}

/** The quote line's additions, from the line's availability. */
export function quoteLineInventory(availability: LineAvailability | undefined) {
  const info = availability?.inventory;
  return {
    expiryTier: info?.expiryTier ?? null,
    remainingDays: info?.remainingDays ?? null,
    remainingFraction: info?.remainingFraction ?? null,
    channel: info?.channel ?? DEFAULT_CHANNEL,
    channelAtp: info?.explanation?.channelAtp ?? null,
  };
}

/** Adds expiryTier / remainingDays / remainingFraction to each line of an order, from the lots reserved for it (one statement). */
export async function withLineExpiry(q: Queryable, order: OrderView, config: InventoryConfig, today: string): Promise<OrderView> {
  const { rows } = await q.query<{ lineNo: number; expiryDate: string | null; productionDate: string | null; shelfLifeDays: number | null; category: string | null }>(
    `SELECT ol.line_no AS "lineNo", l.expiry_date::text AS "expiryDate", l.production_date::text AS "productionDate",
            p.shelf_life_days AS "shelfLifeDays", p.category
       FROM order_lines ol
       JOIN reservations r ON r.order_line_id = ol.id AND r.status <> 'released'
       JOIN stock_lots l ON l.id = r.stock_lot_id
       JOIN products p ON p.id = ol.product_id
      WHERE ol.order_id = $1
      ORDER BY ol.line_no, l.expiry_date NULLS LAST, l.lot`,
    [order.id],
  );
  const perLine = new Map<number, LineExpiry>();
  const tiers = new Map<number, Array<ExpiryTier | null>>();
  for (const row of rows) {
    const life = shelfLife(row, row.shelfLifeDays, today, thresholdsFor(row.category, config.expiry));
    if (!perLine.has(row.lineNo)) perLine.set(row.lineNo, { expiryTier: null, remainingDays: life.remainingDays, remainingFraction: life.remainingFraction });
    tiers.set(row.lineNo, [...(tiers.get(row.lineNo) ?? []), life.tier]);
  }
  return {
    ...order,
    lines: order.lines.map((line) => {
      const first = perLine.get(line.lineNo);
      return { ...line, expiryTier: worstTier(tiers.get(line.lineNo) ?? []), remainingDays: first?.remainingDays ?? null, remainingFraction: first?.remainingFraction ?? null };
    }),
  };
}

export type CatalogShelfLife = LineExpiry;

/** A catalog item's tier: that of the first lot FEFO would give the dealer in its preferred warehouse. */
export function catalogShelfLife(
  lot: LotDates | undefined,
  product: { shelfLifeDays: number | null; category: string | null },
  today: string,
  config: InventoryConfig | undefined,
): CatalogShelfLife {
  if (!lot) return { expiryTier: null, remainingDays: null, remainingFraction: null };
  const life = shelfLife(lot, product.shelfLifeDays, today, thresholdsFor(product.category, config?.expiry ?? { tiers: DEFAULT_TIERS, categories: {} }));
  return { expiryTier: life.tier, remainingDays: life.remainingDays, remainingFraction: life.remainingFraction };
}

const DEFAULT_TIERS = { red: 1 / 3, yellow: 1 / 2, blue: 2 / 3 };
