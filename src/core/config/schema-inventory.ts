import { z } from 'zod';

/**
 * Inventory intelligence (issue 8): expiry tiers and their alerts, minimum remaining shelf life
 * as a fraction of total life, and sales channels sharing one stock pool per warehouse.
 */
const fraction = z.number().min(0).max(1);

export const tierThresholdsSchema = z
  .object({
    red: fraction.default(1 / 3).describe('A lot with less than this fraction of its total life left is red.'),
    yellow: fraction.default(1 / 2).describe('…less than this fraction (and not red) is yellow.'),
    blue: fraction.default(2 / 3).describe('…less than this fraction (and not yellow) is blue; more is no tier.'),
  })
  .strict()
  .refine((t) => t.red <= t.yellow && t.yellow <= t.blue, { message: 'thresholds must satisfy red ≤ yellow ≤ blue' });

const webhookSchema = z
  .object({
    url: z.string().url().describe('Where expiry alerts are POSTed as JSON ({ alerts: [...] }).'),
    headers: z.record(z.string(), z.string()).default({}).describe('Extra request headers (e.g. an auth token from ${ENV}).'),
    timeoutMs: z.number().int().positive().default(5_000),
  })
  .strict();

export const expirySchema = z
  .object({
    tiers: tierThresholdsSchema.default({ red: 1 / 3, yellow: 1 / 2, blue: 2 / 3 }).describe('Tier thresholds as fractions of total shelf life remaining.'),
    categories: z.record(z.string(), tierThresholdsSchema).default({}).describe('Per product category thresholds, replacing the defaults for that category.'),
    valuePriceList: z
      .string()
      .min(1)
      .optional()
      .describe('Price list whose quantity-1 price values the stock in GET /admin/alerts/expiry (list-price value); unset: no value.'),
    webhook: webhookSchema.optional().describe('POST target for tier-crossing alerts raised by the inventory.expiry-alerts job.'),
  })
  .strict();

const channelSchema = z
  .object({
    tiers: z.array(z.string().min(1)).default([]).describe('Dealer tiers in this channel.'),
    groups: z.array(z.string().min(1)).default([]).describe('Dealer groups (e.g. a chain-store group) in this channel; a group match beats a tier match.'),
    dealers: z.array(z.string().min(1)).default([]).describe('Dealer codes in this channel; beats group and tier.'),
    minRemainingShelfLife: fraction.optional().describe('Lots with less than this fraction of total life left are not allocated to this channel.'),
    quota: z
      .object({
        maxShare: fraction.optional().describe('Most of a warehouse pool (on hand of allocatable lots, after safety stock) this channel may hold reserved.'),
        maxQty: z.number().int().min(0).optional().describe('Most units per SKU and warehouse this channel may hold reserved.'),
      })
      .strict()
      .optional(),
    safetyStock: z.number().int().min(0).optional().describe('Units per SKU and warehouse ring-fenced for this channel: other channels may not take them.'),
  })
  .strict();

export const inventorySchema = z
  .object({
    expiry: expirySchema.default(expirySchema.parse({})).describe('Expiry tiers, stock value basis and the alert webhook.'),
    minRemainingShelfLife: z
      .object({
        default: fraction.default(0).describe('Fraction of total life a lot must have left to be allocated, for everyone.'),
        dealers: z.record(z.string(), fraction).default({}).describe('Per dealer code.'),
        products: z.record(z.string(), fraction).default({}).describe('Per SKU.'),
      })
      .strict()
      .default({ default: 0, dealers: {}, products: {} })
      .describe('Minimum remaining shelf life as a fraction; the strictest of default, dealer, channel and product applies (besides the day minimums on dealers and products).'),
    channels: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/), channelSchema)
      .default({})
      .describe('Sales channels sharing each warehouse pool; a dealer in none is in channel "default".'),
  })
  .strict();

export type InventoryConfig = z.output<typeof inventorySchema>;
/** No channels, no minimums, tiers at 1/3, 1/2, 2/3: what an unconfigured site gets. */
export const DEFAULT_INVENTORY: InventoryConfig = inventorySchema.parse({});
export type TierThresholds = z.output<typeof tierThresholdsSchema>;
export type ChannelConfig = z.output<typeof channelSchema>;
