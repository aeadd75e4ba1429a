import { z } from 'zod';
import type { RouteModule } from '../../core/http/server.js';
import { aggregatePlans } from '../../replenishment/aggregate.js';
import { computePlans, replenishmentSettings } from '../../replenishment/plan.js';
import { NotFoundError } from '../../core/errors.js';
import { authErrors, errorResponse } from '../schemas.js';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** The brand's view of replenishment: stored plans summed by SKU or by dealer; recompute on request. */
export const adminReplenishmentRoutes: RouteModule = {
  prefix: '/admin',
  audience: 'admin',
  register(app, { store, config }) {
    const settings = replenishmentSettings(config);
    app.get(
      '/replenishment',
      {
        schema: {
          summary: 'Forecast demand and suggested quantities summed by SKU (default) or by dealer, from every dealer’s latest plan',
          tags: ['admin'],
          querystring: z.object({
            by: z.enum(['sku', 'dealer']).default('sku'),
            dealer: z.preprocess(blankToUndefined, z.string().max(64).optional()),
            sku: z.preprocess(blankToUndefined, z.string().max(64).optional()),
          }),
          response: {
            200: z.object({
              by: z.enum(['sku', 'dealer']),
              generatedFrom: z.date().nullable(),
              generatedTo: z.date().nullable(),
              rows: z.array(
                z.object({
                  key: z.string().describe('SKU, or dealer code with by=dealer.'),
                  name: z.string(),
                  dealers: z.number(),
                  skus: z.number(),
                  dealersToOrder: z.number().describe('Lines with a suggested quantity above 0.'),
                  forecastPerWeek: z.number(),
                  suggestedQty: z.number(),
                  onHand: z.number(),
                  onOrder: z.number(),
                  methods: z.record(z.string(), z.number()),
                }),
              ),
            }),
            400: errorResponse,
            ...authErrors,
          },
        },
      },
      async (request) => ({ by: request.query.by, ...(await aggregatePlans(store, request.query)) }),
    );

    app.post(
      '/replenishment/compute',
      {
        schema: {
          summary: 'Recompute plans now: one dealer ({ dealer }) or every active dealer',
          tags: ['admin'],
          body: z.object({ dealer: z.string().min(1).max(64).optional() }).strict().default({}),
          response: {
            200: z.object({ dealers: z.number(), series: z.number(), suggested: z.number(), asOf: z.string(), methods: z.record(z.string(), z.number()) }),
            400: errorResponse,
            404: errorResponse,
            ...authErrors,
          },
        },
      },
      async (request) => {
        let dealerId: number | null = null;
        if (request.body?.dealer) {
          const { rows } = await store.query<{ id: number }>('SELECT id FROM dealers WHERE code = $1', [request.body.dealer]);
          if (!rows[0]) throw new NotFoundError(`dealer ${request.body.dealer} does not exist`);
          dealerId = Number(rows[0].id);
        }
        return computePlans(store, settings, { dealerId, now: new Date(), trigger: 'admin' });
      },
    );
  },
};
