import { z } from 'zod';
import type { RouteModule } from '../../core/http/server.js';
import { expiryReport, loadLotExpiries } from '../../inventory/expiry-report.js';
import { businessDate } from '../../orders/evaluate.js';
import { authErrors } from '../schemas.js';

const tier = z.enum(['expired', 'red', 'yellow', 'blue']);
const totals = z.object({ lots: z.number(), onHand: z.number(), reserved: z.number(), available: z.number(), value: z.string() });
const lot = z.object({
  lotId: z.number(),
  sku: z.string(),
  name: z.string(),
  category: z.string().nullable(),
  warehouse: z.string(),
  lot: z.string(),
  productionDate: z.string().nullable(),
  receivedAt: z.string().nullable(),
  expiryDate: z.string().nullable(),
  expiryComputed: z.boolean(),
  totalDays: z.number().nullable(),
  remainingDays: z.number().nullable(),
  remainingFraction: z.number().nullable(),
  tier,
  onHand: z.number(),
  reserved: z.number(),
  available: z.number(),
  value: z.string().nullable(),
});

/** Stock by expiry tier (issue 8): lots in red / yellow / blue (and expired) with quantities and list-price value. */
export const adminAlertRoutes: RouteModule = {
  prefix: '/admin',
  audience: 'admin',
  register(app, { store, config }) {
    app.get(
      '/alerts/expiry',
      {
        schema: {
          summary: 'Lots by expiry tier with on hand, reserved, available and value at list price',
          tags: ['admin'],
          querystring: z.object({
            tier: tier.optional(),
            warehouse: z.string().max(64).optional(),
            sku: z.string().max(64).optional(),
            limit: z.coerce.number().int().min(1).max(5000).default(500),
          }),
          response: {
            200: z.object({
              businessDate: z.string(),
              valueBasis: z.string().nullable(),
              tiers: z.object({ expired: totals, red: totals, yellow: totals, blue: totals }),
              items: z.array(lot),
              truncated: z.boolean(),
            }),
            ...authErrors,
          },
        },
      },
      async (request) => {
        const today = businessDate(new Date(), config.ordering.timeZone);
        const { tier: only, warehouse, sku, limit } = request.query;
        const report = expiryReport(await loadLotExpiries(store, config.inventory, today, { warehouse, sku }));
        const items = only ? report.items.filter((l) => l.tier === only) : report.items;
        const basis = config.inventory.expiry.valuePriceList;
        return {
          businessDate: today,
          valueBasis: basis ? `list price of ${basis} (quantity 1)` : null,
          tiers: report.tiers,
          items: items.slice(0, limit).map((l) => ({ ...l, tier: l.tier! })),
          truncated: items.length > limit,
        };
      },
    );
  },
};
