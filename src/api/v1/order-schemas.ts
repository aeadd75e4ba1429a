import { z } from 'zod';

/** Limits that keep one request bounded; a chain store's big PO goes through the batch route. */
export const MAX_LINES = 500;

/** Same rules on the single-order and the batch route: a client's retry key, echoed nowhere. */
export const idempotencyKey = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'Idempotency-Key must be printable ASCII without spaces')
  .optional();

export const orderLine = z.object({
  sku: z.string().trim().min(1).max(64),
  qty: z.number().int('qty must be a whole number').positive('qty must be at least 1').max(1_000_000),
});

export const orderRequest = z
  .object({
    externalRef: z.string().trim().min(1).max(64).optional(),
    shipTo: z.string().trim().min(1).max(64),
    lines: z.array(orderLine).min(1, 'an order needs at least one line').max(MAX_LINES, `at most ${MAX_LINES} lines per order`),
    couponCodes: z.array(z.string().max(64)).max(10).optional(),
    note: z.string().max(2000).optional(),
    paymentMethod: z.string().trim().min(1).max(32).optional().describe('How the dealer will pay (e.g. transfer, acceptance); a method unlike its usual one adds to the risk score.'),
  })
  .strict();

const finding = z.object({
  rule: z.string(),
  code: z.string(),
  severity: z.enum(['hold', 'info']),
  data: z.record(z.string(), z.unknown()),
  message: z.object({ 'zh-CN': z.string(), en: z.string() }),
});
export const reviewView = z.object({ decision: z.enum(['approve', 'hold']), findings: z.array(finding) });

const explanation = z.object({
  code: z.string(),
  data: z.record(z.string(), z.union([z.string(), z.number()])),
  message: z.object({ 'zh-CN': z.string(), en: z.string() }),
});
/** One promotion considered for the order, applied or not, and why. */
export const promotionReportView = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  type: z.string(),
  level: z.enum(['line', 'order']),
  status: z.enum(['applied', 'not_applied']),
  discount: z.string(),
  gifts: z.array(z.object({ sku: z.string(), qty: z.number() })),
  reason: explanation,
  hint: explanation.nullable(),
  coupon: z.string().nullable(),
});
export const couponReportView = z.object({ code: z.string(), status: z.enum(['applied', 'not_applied', 'invalid']), reason: explanation });
/** Gift lines come after the ordered lines; each promotion's share of a line's discount is listed. */
const promotionLineFields = {
  isGift: z.boolean(),
  giftOf: z.string().nullable(),
  discounts: z.array(z.object({ promotion: z.string(), amount: z.string() })),
};
/** Issue 8: the expiry tier of what the line receives (worst allocated lot) and the first lot's remaining shelf life. */
export const expiryTierView = z.enum(['expired', 'red', 'yellow', 'blue']).nullable();
const expiryFields = { expiryTier: expiryTierView, remainingDays: z.number().nullable(), remainingFraction: z.number().nullable() };
const channelAtpView = z.object({
  channel: z.string(),
  pool: z.number(),
  poolTotal: z.number(),
  quota: z.number().nullable(),
  reservedByChannel: z.number(),
  reservedByOthers: z.number(),
  fencedForOthers: z.number(),
  available: z.number(),
});
const totals = z.object({ gross: z.string(), discount: z.string(), net: z.string(), currency: z.string() });

export const orderView = z.object({
  id: z.string(),
  number: z.string(),
  dealer: z.string(),
  status: z.string(),
  channel: z.string(),
  externalRef: z.string().nullable(),
  shipTo: z.object({ code: z.string(), regionCode: z.string() }),
  review: reviewView.nullable(),
  lines: z.array(
    z.object({
      lineNo: z.number(),
      sku: z.string(),
      name: z.string(),
      qty: z.number(),
      unitPrice: z.string(),
      lineTotal: z.string(),
      discount: z.string(),
      net: z.string(),
      warehouse: z.string().nullable(),
      lots: z.array(z.object({ lot: z.string(), expiryDate: z.string().nullable(), qty: z.number(), status: z.string() })),
      ...promotionLineFields,
      expiryTier: expiryFields.expiryTier.optional(),
      remainingDays: expiryFields.remainingDays.optional(),
      remainingFraction: expiryFields.remainingFraction.optional(),
    }),
  ),
  totals,
  promotions: z.array(promotionReportView),
  coupons: z.array(couponReportView),
  erpOrderNo: z.string().nullable(),
  carrier: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  shippedAt: z.date().nullable(),
  deliveredAt: z.date().nullable(),
  note: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  events: z
    .array(z.object({ type: z.string(), fromStatus: z.string().nullable(), toStatus: z.string().nullable(), actor: z.string(), reasons: z.unknown(), message: z.string().nullable(), at: z.date() }))
    .optional(),
});

export const orderSummary = orderView.omit({ lines: true, events: true, promotions: true, coupons: true });

export const quoteView = z.object({
  review: reviewView,
  lines: z.array(
    z.object({
      lineNo: z.number(),
      sku: z.string(),
      qty: z.number(),
      requestedQty: z.number(),
      unitPrice: z.string(),
      lineTotal: z.string(),
      discount: z.string(),
      net: z.string(),
      available: z.number(),
      warehouse: z.string().nullable(),
      lots: z.array(z.object({ lot: z.string(), expiryDate: z.string().nullable(), qty: z.number() })),
      ...promotionLineFields,
      ...expiryFields,
      /** The dealer's sales channel and, when a quota or another channel's safety stock bound the line, its ATP. */
      channel: z.string(),
      channelAtp: channelAtpView.nullable(),
    }),
  ),
  totals,
  promotions: z.array(promotionReportView),
  coupons: z.array(couponReportView),
});
