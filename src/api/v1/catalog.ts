import { z } from 'zod';
import { NotFoundError } from '../../core/errors.js';
import { dealerOf } from '../../core/http/auth.js';
import type { RouteModule } from '../../core/http/server.js';
import { loadCatalog, loadCategories, loadCredit } from '../../orders/catalog.js';
import { businessDate } from '../../orders/evaluate.js';
import { authErrors, errorResponse } from '../schemas.js';

const optionalText = (max: number) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(max).optional());

const catalogQuery = z.object({
  search: optionalText(100),
  category: optionalText(100),
  cursor: optionalText(64),
  shipTo: optionalText(64),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const catalogItem = z.object({
  sku: z.string(),
  name: z.string(),
  uom: z.string(),
  packSize: z.number(),
  roundToPack: z.boolean(),
  category: z.string().nullable(),
  brand: z.string().nullable(),
  shelfLifeDays: z.number().nullable(),
  unitPrice: z.string().nullable(),
  priceList: z.string().nullable(),
  prices: z.array(z.object({ minQty: z.number(), unitPrice: z.string() })),
  currency: z.string(),
  warehouse: z.string().nullable(),
  available: z.number(),
  availableTotal: z.number(),
  nextExpiry: z.string().nullable(),
  expiryTier: z.enum(['expired', 'red', 'yellow', 'blue']).nullable(),
  remainingDays: z.number().nullable(),
  remainingFraction: z.number().nullable(),
});

const creditView = z.object({
  currency: z.string(),
  creditLimit: z.string(),
  arOpen: z.string(),
  openOrders: z.string(),
  exposure: z.string(),
  available: z.string(),
  overdue: z.string(),
  oldestOverdueDays: z.number(),
  overdueToleranceDays: z.number(),
  blocked: z.boolean(),
  syncedAt: z.date(),
});

/** The dealer's catalog (own prices, ATP where it would be served from) and credit position. */
export const catalogRoutes: RouteModule = {
  prefix: '/v1',
  audience: 'dealer',
  register(app, { store, config }) {
    const { timeZone, overdueToleranceDays } = config.ordering;

    app.get(
      '/catalog',
      {
        schema: {
          summary: 'Active products with the dealer’s prices, quantity breaks and availability',
          tags: ['v1'],
          querystring: catalogQuery,
          response: {
            200: z.object({ shipTo: z.string(), items: z.array(catalogItem), nextCursor: z.string().nullable() }),
            400: errorResponse,
            404: errorResponse,
            ...authErrors,
          },
        },
      },
      async (request) => loadCatalog(store, dealerOf(request), request.query, businessDate(new Date(), timeZone), config.ordering.warehouseFallback, config.inventory),
    );

    app.get(
      '/catalog/categories',
      {
        schema: {
          summary: 'Product categories with the number of active products in each',
          tags: ['v1'],
          response: { 200: z.object({ items: z.array(z.object({ category: z.string(), count: z.number() })) }), ...authErrors },
        },
      },
      async () => ({ items: await loadCategories(store) }),
    );

    app.get(
      '/credit',
      { schema: { summary: 'The dealer’s credit limit, exposure and overdue position', tags: ['v1'], response: { 200: creditView, 404: errorResponse, ...authErrors } } },
      async (request) => {
        const dealer = dealerOf(request);
        const credit = await loadCredit(store, dealer.dealerId, overdueToleranceDays);
        if (!credit) throw new NotFoundError(`dealer ${dealer.dealerCode} has no credit account`);
        return credit;
      },
    );
  },
};
