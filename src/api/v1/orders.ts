import { z } from 'zod';
import type { Principal } from '../../core/auth/tokens.js';
import { NotFoundError, UserError } from '../../core/errors.js';
import { dealerOf } from '../../core/http/auth.js';
import type { HttpDeps, RouteModule } from '../../core/http/server.js';
import { cancelOrder } from '../../orders/cancel-order.js';
import { placeOrder, quoteOrder, type OrderingSettings } from '../../orders/place-order.js';
import { displayPrice, getOrder, listOrders } from '../../orders/queries.js';
import { runnerKicker } from '../../delivery/jobs.js';
import { visibleToDealer } from '../../promotions/views.js';
import { quoteLineInventory, withLineExpiry } from '../../inventory/views.js';
import { businessDate } from '../../orders/evaluate.js';
import { authErrors, errorResponse } from '../schemas.js';
import { idempotencyKey, orderRequest, orderSummary, orderView, quoteView } from './order-schemas.js';

export function orderingSettings(config: HttpDeps['config']): OrderingSettings {
  const { timeZone, stockPolicy, overdueToleranceDays, warehouseFallback } = config.ordering;
  return { timeZone, policy: { stockPolicy, overdueToleranceDays }, warehouseFallback, inventory: config.inventory, risk: config.risk };
}


/** Orders placed through a portal session are the portal channel's (promotions may target it). */
function channelOf(principal: Principal): 'portal' | 'api' {
  return principal.via === 'session' ? 'portal' : 'api';
}

/** Dealer channels: quote, place, list, read and cancel their own orders. */
export const orderRoutes: RouteModule = {
  prefix: '/v1',
  audience: 'dealer',
  register(app, { store, config, jobs, logger }) {
    const settings = orderingSettings(config);
    // An approved or cancelled order leaves an outbox row: the relay takes it now, not at its next tick.
    const kick = runnerKicker(jobs, logger);
    const fourXX = { 400: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse, ...authErrors };

    app.post(
      '/quotes',
      { schema: { summary: 'Price and review an order without placing it', tags: ['v1'], body: orderRequest, response: { 200: quoteView, ...fourXX } } },
      async (request) => {
        const dealer = dealerOf(request);
        const evaluation = await quoteOrder(store, dealer, request.body, settings, new Date(), channelOf(dealer));
        return {
          review: evaluation.review,
          totals: evaluation.totals,
          promotions: visibleToDealer(evaluation.promotions.promotions),
          coupons: evaluation.promotions.coupons,
          lines: evaluation.lines.map((line) => {
            const availability = evaluation.availability.find((a) => a.lineNo === line.lineNo);
            return {
              lineNo: line.lineNo,
              sku: line.sku,
              qty: line.qty,
              requestedQty: line.requestedQty,
              unitPrice: displayPrice(line.unitPrice),
              lineTotal: line.gross,
              discount: line.discount,
              net: line.net,
              available: availability?.available ?? 0,
              warehouse: availability?.warehouseCode ?? null,
              lots: (availability?.allocations ?? []).map((a) => ({ lot: a.lot, expiryDate: a.expiryDate, qty: a.qty })),
              isGift: line.isGift,
              giftOf: line.giftOf?.code ?? null,
              discounts: line.discounts,
              ...quoteLineInventory(availability),
            };
          }),
        };
      },
    );

    app.post(
      '/orders',
      {
        schema: {
          summary: 'Place an order (idempotent with the Idempotency-Key header)',
          tags: ['v1'],
          headers: z.object({ 'idempotency-key': idempotencyKey }).passthrough(),
          body: orderRequest,
          response: { 200: orderView, 201: orderView, ...fourXX },
        },
      },
      async (request, reply) => {
        const dealer = dealerOf(request);
        const placed = await placeOrder(
          store,
          {
            dealer,
            channel: channelOf(dealer),
            request: request.body,
            idempotencyKey: request.headers['idempotency-key'],
            actor: `dealer:${dealer.dealerCode}`,
            now: new Date(),
          },
          settings,
        );
        if (!placed.replayed && placed.order.status === 'approved') kick();
        return reply.code(placed.replayed ? 200 : 201).send(withLineExpiry(placed.order, config.inventory, businessDate(new Date(), config.ordering.timeZone)));
      },
    );

    app.get(
      '/orders',
      {
        schema: {
          summary: 'The dealer’s orders, newest first',
          tags: ['v1'],
          querystring: z.object({
            status: z.enum(['submitted', 'approved', 'held', 'rejected', 'released', 'confirmed', 'shipped', 'delivered', 'cancelled']).optional(),
            since: z.coerce.date().optional(),
            externalRef: z.string().max(64).optional(),
            cursor: z.string().max(100).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: { 200: z.object({ items: z.array(orderSummary), nextCursor: z.string().nullable() }), ...authErrors },
        },
      },
      async (request) => {
        const { cursor } = request.query;
        if (cursor && !/^[^|]+\|[0-9a-f-]{36}$/i.test(cursor)) throw new UserError('cursor is not one this API returned', { code: 'invalid_cursor' }, 400);
        return listOrders(store, dealerOf(request).dealerId, request.query);
      },
    );

    app.get(
      '/orders/:id',
      { schema: { summary: 'One order with lines, lots and events', tags: ['v1'], params: z.object({ id: z.string().max(64) }), response: { 200: orderView, 404: errorResponse, ...authErrors } } },
      async (request) => {
        const order = await getOrder(store, dealerOf(request).dealerId, request.params.id);
        if (!order) throw new NotFoundError(`no order ${request.params.id}`);
        return withLineExpiry(order, config.inventory, businessDate(new Date(), config.ordering.timeZone));
      },
    );

    app.post(
      '/orders/:id/cancel',
      {
        schema: {
          summary: 'Cancel an open order; its reserved stock returns to availability',
          tags: ['v1'],
          params: z.object({ id: z.string().max(64) }),
          // nullish: `curl -X POST` with a JSON content type and no body arrives as null.
          body: z.object({ reason: z.string().max(500).optional() }).strict().nullish(),
          response: { 200: orderView, ...fourXX },
        },
      },
      async (request) => {
        const dealer = dealerOf(request);
        const cancelled = await cancelOrder(store, dealer.dealerId, request.params.id, `dealer:${dealer.dealerCode}`, request.body?.reason);
        kick();
        return cancelled;
      },
    );
  },
};
