import { z } from 'zod';
import { dealerOf } from '../../core/http/auth.js';
import type { RouteModule } from '../../core/http/server.js';
import { computePlans, loadPlan, replenishmentSettings } from '../../replenishment/plan.js';
import { authErrors, errorResponse } from '../schemas.js';

const suggestion = z.object({
  sku: z.string(),
  name: z.string(),
  suggestedQty: z.number().describe('Units to order: a multiple of packSize, 0 when stock and open orders cover the period.'),
  packSize: z.number(),
  unit: z.string(),
  forecastPerWeek: z.number(),
  leadTimeDays: z.number(),
  reviewPeriodDays: z.number(),
  safetyStock: z.number(),
  onHand: z.number().describe('Latest stock the dealer reported (summed over its stores); 0 when it never reported any.'),
  onOrder: z.number().describe('Units on the dealer’s orders not yet delivered, cancelled or rejected.'),
  method: z.string().describe('Forecast method chosen by backtest: ses, holt, holt-winters, croston, sba or recent-mean.'),
  reasoning: z.string().describe('The method, the forecast and the arithmetic of the suggestion, in words.'),
  demandSource: z.enum(['orders', 'sell-through']),
});

/** GET /v1/replenishment — the calling dealer's suggested orders, with their reasoning. */
export const replenishmentRoutes: RouteModule = {
  prefix: '/v1',
  audience: 'dealer',
  register(app, { store, config }) {
    const settings = replenishmentSettings(config);
    app.get(
      '/replenishment',
      {
        schema: {
          summary: 'Suggested orders: forecast over lead time + review period + safety stock − (on hand + on order), rounded up to the pack size',
          description: 'Served from the nightly plan; computed on demand (and stored) when the dealer has none yet. all=true also lists SKUs with nothing to order.',
          tags: ['v1'],
          querystring: z.object({ all: z.enum(['true', 'false']).default('false') }),
          response: {
            200: z.object({ dealer: z.string(), generatedAt: z.date(), asOf: z.string(), suggestions: z.array(suggestion) }),
            400: errorResponse,
            ...authErrors,
          },
        },
      },
      async (request) => {
        const dealer = dealerOf(request);
        const includeZero = request.query.all === 'true';
        let plan = await loadPlan(store, dealer.dealerId, includeZero);
        if (!plan) {
          await computePlans(store, settings, { dealerId: dealer.dealerId, now: new Date(), trigger: 'on-demand' });
          plan = await loadPlan(store, dealer.dealerId, includeZero);
        }
        return { dealer: dealer.dealerCode, generatedAt: plan!.generatedAt, asOf: plan!.asOf, suggestions: plan!.suggestions };
      },
    );
  },
};
