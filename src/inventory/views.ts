/**
 * The expiry tier dealers see on quote and order lines (issue 8): the worst tier among the lots
 * a line receives, and the remaining shelf life of its first-expiring lot. Tiers are judged on
 * the day asked (an order read next month shows next month's tiers).
 */
import { DEFAULT_INVENTORY, type InventoryConfig } from '../core/config/schema-inventory.js';
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

/**
 * Adds expiryTier / remainingDays / remainingFraction to each line of an order, from the lots
 * reserved for it as getOrder read them (no statement of its own: the order path reads the order
 * back once). Released reservations are no longer the line's stock, so they do not count.
 */
export function withLineExpiry(order: OrderView, config: InventoryConfig, today: string): OrderView {
  return {
    ...order,
    lines: order.lines.map((line) => {
      const thresholds = thresholdsFor(line.category ?? null, config.expiry);
      const lives = line.lots
        .filter((lot) => lot.status !== 'released')
        .map((lot) => shelfLife({ expiryDate: lot.expiryDate, productionDate: lot.productionDate ?? null }, line.shelfLifeDays, today, thresholds));
      const first = lives[0];
      return {
        ...line,
        expiryTier: worstTier(lives.map((life) => life.tier)),
        remainingDays: first?.remainingDays ?? null,
        remainingFraction: first?.remainingFraction ?? null,
      };
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
  const life = shelfLife(lot, product.shelfLifeDays, today, thresholdsFor(product.category, (config ?? DEFAULT_INVENTORY).expiry));
  return { expiryTier: life.tier, remainingDays: life.remainingDays, remainingFraction: life.remainingFraction };
}

