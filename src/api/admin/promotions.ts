import { z } from 'zod';
import type { RouteModule } from '../../core/http/server.js';
import { couponInput, PROMOTION_TYPES, promotionInput } from '../../ordering/promotions/definition.js';
import {
  couponsOf,
  createCoupons,
  createPromotion,
  deletePromotion,
  getPromotion,
  listPromotions,
  replacePromotion,
  setCouponStatus,
  setPromotionStatus,
} from '../../promotions/admin-store.js';
import { dryRun } from '../../promotions/dry-run.js';
import { authErrors, errorResponse } from '../schemas.js';
import { couponReportView, MAX_LINES, orderLine, promotionReportView } from '../v1/order-schemas.js';
import { orderingSettings } from '../v1/orders.js';

const STATUS = z.enum(['draft', 'active', 'paused', 'ended']);
const CHANNEL = z.enum(['portal', 'api', 'batch', 'edi']);
const code = z.object({ code: z.string().trim().min(1).max(64) });
const fourXX = { 400: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse, ...authErrors };

const issue = z.object({ field: z.string(), code: z.string(), message: z.string() });
const money = z.string();

const couponView = z.object({
  code: z.string(),
  promotion: z.string(),
  maxUses: z.number().nullable(),
  used: z.number(),
  perDealerLimit: z.number().nullable(),
  dealer: z.string().nullable(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  status: z.enum(['active', 'disabled']),
  createdAt: z.string(),
});

const promotionView = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  type: z.string(),
  rule: z.looseObject({ type: z.string() }),
  eligibility: z.record(z.string(), z.unknown()),
  priority: z.number(),
  stackable: z.boolean(),
  exclusiveGroup: z.string().nullable(),
  validFrom: z.string().nullable().describe('instant (UTC); inclusive'),
  validTo: z.string().nullable().describe('instant (UTC); exclusive'),
  timeZone: z.string(),
  requiresCoupon: z.boolean(),
  budgetAmount: money.nullable(),
  budgetUses: z.number().nullable(),
  perDealerLimit: z.number().nullable(),
  status: STATUS,
  source: z.string(),
  activeNow: z.boolean(),
  usage: z.object({
    usedAmount: money,
    usedUses: z.number(),
    redemptions: z.number(),
    discountGiven: money,
    released: z.number(),
    coupons: z.number(),
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const promotionDetail = promotionView.extend({ coupons: z.array(couponView).describe('the first 200 by code; GET …/coupons pages through all') });
const saved = z.object({ promotion: promotionDetail, warnings: z.array(issue) });

const couponGenerate = couponInput
  .omit({ code: true })
  .extend({
    generate: z.number().int().min(1).max(10_000),
    prefix: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'letters, digits, "_" or "-", at most 40, starting with a letter or digit').optional(),
    length: z.number().int().min(6).max(16).default(10),
  })
  .strict();

const totals = z.object({ gross: money, discount: money, net: money, currency: z.string() });
const promotedLine = z.object({
  lineNo: z.number(),
  sku: z.string(),
  qty: z.number(),
  unitPrice: z.string(),
  gross: money,
  discount: money,
  net: money,
  isGift: z.boolean(),
  giftOf: z.string().nullable(),
  discounts: z.array(z.object({ promotion: z.string(), amount: money })),
});
const outcome = z.object({ totals, lines: z.array(promotedLine), promotions: z.array(promotionReportView), coupons: z.array(couponReportView) });
const gifts = z.array(z.object({ sku: z.string(), qty: z.number() }));
const snapshot = z.object({ status: z.enum(['applied', 'not_applied']), discount: money, gifts }).nullable();
const appliedList = z.array(z.object({ code: z.string(), discount: money, gifts }));
const usage = z.object({ timesApplied: z.number(), discount: money, gifts });

const dryRunBody = z
  .object({
    promotions: z.array(promotionInput).max(20).default([]).describe('unsaved drafts; a draft with a stored code stands in for that promotion'),
    include: z.enum(['active', 'none']).default('active').describe('"after" = stored active promotions plus the drafts, or the drafts alone'),
    at: z.string().trim().max(40).optional().describe('the instant the cart is judged at (default now)'),
    cart: z
      .object({
        dealer: z.string().trim().min(1).max(64),
        shipTo: z.string().trim().min(1).max(64).optional(),
        channel: CHANNEL.default('api'),
        lines: z.array(orderLine).min(1, 'a cart needs at least one line').max(MAX_LINES),
        couponCodes: z.array(z.string().max(64)).max(10).optional(),
      })
      .strict()
      .optional(),
    lastOrders: z.number().int().min(1).max(500).optional().describe('re-evaluate the N most recent orders (not cancelled or rejected)'),
  })
  .strict()
  .refine((b) => b.cart !== undefined || b.lastOrders !== undefined, { message: 'give a cart, lastOrders or both', path: ['cart'] });

const dryRunView = z.object({
  dryRun: z.literal(true),
  note: z.string(),
  include: z.enum(['active', 'none']),
  assumptions: z.array(z.string()),
  drafts: z.array(z.object({ id: z.number(), code: z.string(), replaces: z.string().nullable(), errors: z.array(issue), warnings: z.array(issue) })),
  cart: z
    .object({
      dealer: z.string(),
      shipTo: z.string(),
      channel: CHANNEL,
      at: z.string(),
      before: outcome,
      after: outcome,
      difference: z.object({
        discount: money,
        net: money,
        promotions: z.array(z.object({ code: z.string(), draft: z.boolean(), before: snapshot, after: snapshot })),
      }),
    })
    .nullable(),
  orders: z
    .object({
      orders: z.array(
        z.object({
          number: z.string(),
          dealer: z.string(),
          shipTo: z.string(),
          channel: z.string(),
          status: z.string(),
          placedAt: z.string(),
          currency: z.string(),
          placed: z.object({ discount: money, net: money }),
          before: z.object({ discount: money, net: money, applied: appliedList }),
          after: z.object({ discount: money, net: money, applied: appliedList }),
          difference: z.object({ discount: money, net: money }),
          changed: z.boolean(),
        }),
      ),
      totals: z.object({
        orders: z.number(),
        ordersAffected: z.number(),
        currency: z.string().nullable(),
        before: z.object({ discount: money, net: money }),
        after: z.object({ discount: money, net: money }),
        extraDiscount: money,
        promotions: z.array(z.object({ code: z.string(), draft: z.boolean(), before: usage, after: usage })),
      }),
    })
    .nullable(),
});

/** Promotions and their coupons: CRUD with save-time checks, and dry runs of drafts. */
export const adminPromotionRoutes: RouteModule = {
  prefix: '/admin',
  audience: 'admin',
  register(app, { store, config }) {
    const settings = orderingSettings(config);

    app.get(
      '/promotions',
      {
        schema: {
          summary: 'Promotions by code, with their usage',
          tags: ['admin'],
          querystring: z.object({
            status: STATUS.optional(),
            type: z.enum(PROMOTION_TYPES).optional(),
            active: z.enum(['true', 'false']).optional().describe('true: only promotions active and inside their window now'),
            cursor: z.string().max(64).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: { 200: z.object({ items: z.array(promotionView), nextCursor: z.string().nullable() }), 400: errorResponse, ...authErrors },
        },
      },
      async (request) => listPromotions(store, { ...request.query, activeNow: request.query.active === 'true' }, new Date()),
    );
    app.get(
      '/promotions/:code',
      { schema: { summary: 'One promotion with its usage and coupons', tags: ['admin'], params: code, response: { 200: promotionDetail, 404: errorResponse, ...authErrors } } },
      async (request) => getPromotion(store, request.params.code, new Date()),
    );
    app.post(
      '/promotions',
      {
        schema: {
          summary: 'Create a promotion (422 with errors; warnings in the body)',
          tags: ['admin'],
          body: promotionInput,
          response: { 201: saved, ...fourXX },
        },
      },
      async (request, reply) => reply.code(201).send(await createPromotion(store, request.body, new Date())),
    );
    app.put(
      '/promotions/:code',
      { schema: { summary: 'Replace a promotion (usage and coupons stay)', tags: ['admin'], params: code, body: promotionInput, response: { 200: saved, ...fourXX } } },
      async (request) => replacePromotion(store, request.params.code, request.body, new Date()),
    );
    app.patch(
      '/promotions/:code',
      {
        schema: {
          summary: 'Change a promotion’s status (activating re-runs the checks)',
          tags: ['admin'],
          params: code,
          body: z.object({ status: STATUS }).strict(),
          response: { 200: saved, ...fourXX },
        },
      },
      async (request) => setPromotionStatus(store, request.params.code, request.body.status, new Date()),
    );
    app.delete(
      '/promotions/:code',
      {
        schema: {
          summary: 'Delete an unused promotion; one that orders used is ended instead',
          tags: ['admin'],
          params: code,
          response: {
            200: z.object({ code: z.string(), deleted: z.boolean(), status: z.enum(['deleted', 'ended']), redemptions: z.number(), message: z.string() }),
            ...fourXX,
          },
        },
      },
      async (request) => deletePromotion(store, request.params.code),
    );

    app.post(
      '/promotions/:code/coupons',
      {
        schema: {
          summary: 'Add one coupon code, or generate N random ones with a prefix (codes are unique ignoring case)',
          tags: ['admin'],
          params: code,
          body: z.union([couponInput, couponGenerate]),
          response: {
            201: z.object({ promotion: z.string(), created: z.number(), coupons: z.array(couponView), warnings: z.array(issue) }),
            ...fourXX,
          },
        },
      },
      async (request, reply) => reply.code(201).send(await createCoupons(store, request.params.code, request.body)),
    );
    app.get(
      '/promotions/:code/coupons',
      {
        schema: {
          summary: 'A promotion’s coupons by code',
          tags: ['admin'],
          params: code,
          querystring: z.object({
            status: z.enum(['active', 'disabled']).optional(),
            cursor: z.string().max(64).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
          }),
          response: { 200: z.object({ items: z.array(couponView), nextCursor: z.string().nullable() }), 400: errorResponse, 404: errorResponse, ...authErrors },
        },
      },
      async (request) => couponsOf(store, request.params.code, request.query),
    );
    app.patch(
      '/coupons/:code',
      {
        schema: {
          summary: 'Disable or re-enable a coupon code (any case)',
          tags: ['admin'],
          params: code,
          body: z.object({ status: z.enum(['active', 'disabled']) }).strict(),
          response: { 200: couponView, ...fourXX },
        },
      },
      async (request) => setCouponStatus(store, request.params.code, request.body.status),
    );

    app.post(
      '/promotions/dry-run',
      {
        schema: {
          summary: 'Evaluate draft promotions against a cart and/or the last N orders; nothing is saved or consumed',
          tags: ['admin'],
          body: dryRunBody,
          response: { 200: dryRunView, ...fourXX },
        },
      },
      async (request) => dryRun(store, request.body, settings, new Date()),
    );
  },
};
