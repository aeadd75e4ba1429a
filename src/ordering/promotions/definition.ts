/**
 * Promotions as data. A promotion is a rule (one of the types below) plus the fields every
 * promotion has: validity window, eligibility, priority, stacking, budget and per-dealer limit.
 * The zod schemas are the one definition for the admin API, YAML/CSV loading and the engine.
 * Semantics: README.md in this folder.
 */
import { z } from 'zod';

const money = z.string().trim().regex(/^\d{1,13}(\.\d{1,2})?$/, 'an amount ≥ 0 with at most 2 decimals, e.g. "100.00"');
const positiveMoney = money.refine((v) => Number(v) > 0, 'must be greater than 0');
const unitPrice = z.string().trim().regex(/^\d{1,12}(\.\d{1,4})?$/, 'a unit price ≥ 0 with at most 4 decimals');
/** Percent with up to 2 decimals, 0 < p ≤ 100 ("12.5" = 12.5 %). */
const percent = z
  .string()
  .trim()
  .regex(/^\d{1,3}(\.\d{1,2})?$/, 'a percentage such as "5" or "12.5"')
  .refine((v) => Number(v) > 0 && Number(v) <= 100, 'must be greater than 0 and at most 100');
const qty = z.number().int().positive().max(1_000_000);
const sku = z.string().trim().min(1).max(64);

export const thresholdRule = z.object({ type: z.literal('threshold'), threshold: positiveMoney, amountOff: positiveMoney }).strict();

export const tieredRule = z
  .object({
    type: z.literal('tiered'),
    tiers: z
      .array(z.object({ threshold: positiveMoney, amountOff: positiveMoney }).strict())
      .min(1)
      .max(20)
      .refine((tiers) => tiers.every((t, i) => i === 0 || Number(t.threshold) > Number(tiers[i - 1]!.threshold)), 'tiers must be in ascending threshold order'),
  })
  .strict();

export const repeatingRule = z
  .object({ type: z.literal('repeating'), every: positiveMoney, amountOff: positiveMoney, maxAmountOff: positiveMoney.optional() })
  .strict();

export const orderPercentRule = z.object({ type: z.literal('order_percent'), percentOff: percent, minSubtotal: money.optional() }).strict();

export const lineDiscountRule = z
  .object({
    type: z.literal('line_discount'),
    percentOff: percent.optional(),
    amountOff: positiveMoney.optional(),
    per: z.enum(['unit', 'line']).default('unit'),
    /** Units per line the discount applies to (the rest of the line pays full price). */
    maxQty: qty.optional(),
  })
  .strict()
  .refine((r) => (r.percentOff === undefined) !== (r.amountOff === undefined), 'give exactly one of percentOff and amountOff');

export const buyXGetYRule = z
  .object({
    type: z.literal('buy_x_get_y'),
    buy: qty,
    get: qty,
    /** Free units per order across all lines. */
    maxFreeQty: qty.optional(),
  })
  .strict();

export const giftRule = z
  .object({
    type: z.literal('gift'),
    minSubtotal: positiveMoney.optional(),
    minQty: qty.optional(),
    gifts: z.array(z.object({ sku, qty }).strict()).min(1).max(10),
    /** true: one set of gifts per multiple of the condition (每满赠); false: one set. */
    perMultiple: z.boolean().default(false),
    maxSets: qty.optional(),
  })
  .strict()
  .refine((r) => r.minSubtotal !== undefined || r.minQty !== undefined, 'give minSubtotal, minQty or both');

export const bundleRule = z
  .object({
    type: z.literal('bundle'),
    components: z
      .array(z.object({ sku, qty }).strict())
      .min(1)
      .max(20)
      .refine((c) => new Set(c.map((x) => x.sku)).size === c.length, 'a SKU may appear only once in a bundle'),
    /** The price of one set. */
    price: money,
    maxSets: qty.optional(),
  })
  .strict();

export const quantityBreakRule = z
  .object({
    type: z.literal('quantity_break'),
    breaks: z
      .array(z.object({ minQty: qty, unitPrice }).strict())
      .min(1)
      .max(20)
      .refine((b) => b.every((x, i) => i === 0 || x.minQty > b[i - 1]!.minQty), 'breaks must be in ascending minQty order'),
  })
  .strict();

export const mixMatchRule = z
  .object({
    type: z.literal('mix_match'),
    /** Units per set, from any eligible products. */
    quantity: z.number().int().min(2).max(1000),
    /** Either a price per set … */
    price: money.optional(),
    /** … or a percentage off the units in complete sets. */
    percentOff: percent.optional(),
    maxSets: qty.optional(),
  })
  .strict()
  .refine((r) => (r.price === undefined) !== (r.percentOff === undefined), 'give exactly one of price and percentOff');

export const promotionRule = z.union([
  thresholdRule,
  tieredRule,
  repeatingRule,
  orderPercentRule,
  lineDiscountRule,
  buyXGetYRule,
  giftRule,
  bundleRule,
  quantityBreakRule,
  mixMatchRule,
]);
export type PromotionRule = z.infer<typeof promotionRule>;
export type PromotionType = PromotionRule['type'];

export const PROMOTION_TYPES = [
  'threshold',
  'tiered',
  'repeating',
  'order_percent',
  'line_discount',
  'buy_x_get_y',
  'gift',
  'bundle',
  'quantity_break',
  'mix_match',
] as const satisfies readonly PromotionType[];

/** Line-level promotions change particular lines and run before order-level ones. */
export const LINE_LEVEL: ReadonlySet<PromotionType> = new Set(['line_discount', 'buy_x_get_y', 'bundle', 'quantity_break', 'mix_match']);
export function levelOf(type: PromotionType): 'line' | 'order' {
  return LINE_LEVEL.has(type) ? 'line' : 'order';
}

const codes = z.array(z.string().trim().min(1).max(64)).max(10_000);

export const eligibility = z
  .object({
    dealers: codes.optional(),
    tiers: codes.optional(),
    groups: codes.optional(),
    /** Region code prefixes ("44" = Guangdong and everything in it), matched against the ship-to. */
    regions: z.array(z.string().regex(/^[0-9]{2}([0-9]{2}([0-9]{2})?)?$/, 'a 2, 4 or 6 digit region code')).max(1000).optional(),
    channels: z.array(z.enum(['portal', 'api', 'batch', 'edi'])).optional(),
    products: codes.optional(),
    categories: codes.optional(),
    excludeProducts: codes.optional(),
    /** Only the dealer's first order (no earlier order that was not cancelled or rejected). */
    firstOrder: z.boolean().optional(),
    /** Only dealers whose cooperation started at most this many days ago. */
    newDealerDays: z.number().int().positive().max(3650).optional(),
  })
  .strict();
export type Eligibility = z.infer<typeof eligibility>;

/**
 * A promotion as an admin writes it. `validFrom`/`validTo` are local date-times in `timeZone`
 * ("2026-11-11T00:00" or "2026-11-11") or instants with an offset; `validTo` is exclusive.
 */
export const promotionInput = z
  .object({
    code: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "." and "-", at most 64'),
    name: z.string().trim().min(1).max(200),
    rule: promotionRule,
    eligibility: eligibility.default({}),
    priority: z.number().int().min(0).max(1_000_000).default(100),
    stackable: z.boolean().default(true),
    exclusiveGroup: z.string().trim().min(1).max(64).nullable().default(null),
    validFrom: z.string().trim().max(40).nullable().default(null),
    validTo: z.string().trim().max(40).nullable().default(null),
    timeZone: z.string().trim().min(1).max(64).default('Asia/Shanghai'),
    requiresCoupon: z.boolean().default(false),
    budgetAmount: positiveMoney.nullable().default(null),
    budgetUses: z.number().int().positive().nullable().default(null),
    perDealerLimit: z.number().int().positive().nullable().default(null),
    status: z.enum(['draft', 'active', 'paused', 'ended']).default('active'),
  })
  .strict();
export type PromotionInput = z.infer<typeof promotionInput>;

/** What the engine evaluates: a stored promotion with its window resolved and its usage so far. */
export interface Promotion {
  id: number;
  code: string;
  name: string;
  rule: PromotionRule;
  eligibility: Eligibility;
  priority: number;
  stackable: boolean;
  exclusiveGroup: string | null;
  /** Inclusive start and exclusive end as instants; null = open. */
  validFrom: Date | null;
  validTo: Date | null;
  requiresCoupon: boolean;
  status: 'draft' | 'active' | 'paused' | 'ended';
  budgetAmount: string | null;
  budgetUses: number | null;
  usedAmount: string;
  usedUses: number;
  perDealerLimit: number | null;
}

/** A coupon code the dealer entered, as the store knows it (absent from the list = unknown). */
export interface CouponFacts {
  code: string;
  promotionId: number;
  /** null = unlimited; 1 = single use. */
  maxUses: number | null;
  used: number;
  perDealerLimit: number | null;
  /** Uses of this code by the ordering dealer so far. */
  dealerUses: number;
  /** Restricted to one dealer, or null for any eligible dealer. */
  dealerCode: string | null;
  validFrom: Date | null;
  validTo: Date | null;
  status: 'active' | 'disabled';
}

export const couponInput = z
  .object({
    code: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, '3–64 letters, digits, "_" or "-"'),
    maxUses: z.number().int().positive().nullable().default(1),
    perDealerLimit: z.number().int().positive().nullable().default(null),
    dealer: z.string().trim().min(1).max(64).nullable().default(null),
    validFrom: z.string().trim().max(40).nullable().default(null),
    validTo: z.string().trim().max(40).nullable().default(null),
  })
  .strict();
export type CouponInput = z.infer<typeof couponInput>;
