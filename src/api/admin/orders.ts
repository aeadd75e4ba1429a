import { z } from 'zod';
import { NotFoundError } from '../../core/errors.js';
import type { RouteModule } from '../../core/http/server.js';
import { runnerKicker } from '../../delivery/jobs.js';
import { approveHeldOrder, rejectHeldOrder } from '../../orders/decide-held.js';
import { getOrder, listOrders } from '../../orders/queries.js';
import { authErrors, errorResponse } from '../schemas.js';
import { orderSummary, orderView } from '../v1/order-schemas.js';
import { orderingSettings } from '../v1/orders.js';

const ORDER_STATUS = z.enum(['submitted', 'approved', 'held', 'rejected', 'released', 'confirmed', 'shipped', 'delivered', 'cancelled']);

/** Operations' review queue: held orders with their reasons, and approve / reject with a comment. */
export const adminOrderRoutes: RouteModule = {
  prefix: '/admin',
  audience: 'admin',
  register(app, { store, config, jobs, logger }) {
    const settings = orderingSettings(config);
    const kick = runnerKicker(jobs, logger);
    const actorOf = (label: string) => `admin:${label || 'admin'}`;

    app.get(
      '/orders',
      {
        schema: {
          summary: 'Orders of every dealer, newest first (status=held is the review queue)',
          tags: ['admin'],
          querystring: z.object({ status: ORDER_STATUS.optional(), cursor: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
          response: { 200: z.object({ items: z.array(orderSummary), nextCursor: z.string().nullable() }), ...authErrors },
        },
      },
      async (request) => listOrders(store, null, request.query),
    );
    app.get(
      '/orders/:id',
      { schema: { summary: 'One order with lines, lots, review findings and events', tags: ['admin'], params: z.object({ id: z.string().max(64) }), response: { 200: orderView, 404: errorResponse, ...authErrors } } },
      async (request) => {
        const order = await getOrder(store, null, request.params.id);
        if (!order) throw new NotFoundError(`no order ${request.params.id}`);
        return order;
      },
    );
    app.post(
      '/orders/:id/approve',
      {
        schema: {
          summary: 'Approve a held order (stock is checked again and reserved)',
          tags: ['admin'],
          params: z.object({ id: z.string().max(64) }),
          body: z.object({ comment: z.string().max(2000).optional() }).strict().optional(),
          response: { 200: orderView, 404: errorResponse, 409: errorResponse, ...authErrors },
        },
      },
      async (request) => {
        const approved = await approveHeldOrder(store, request.params.id, actorOf(request.principal?.label ?? ''), request.body?.comment, settings, new Date());
        kick();
        return approved;
      },
    );
    app.post(
      '/orders/:id/reject',
      {
        schema: {
          summary: 'Reject a held order, with the reason the dealer will see',
          tags: ['admin'],
          params: z.object({ id: z.string().max(64) }),
          body: z.object({ comment: z.string().trim().min(1, 'say why the order is rejected').max(2000) }).strict(),
          response: { 200: orderView, 404: errorResponse, 409: errorResponse, ...authErrors },
        },
      },
      async (request) => rejectHeldOrder(store, request.params.id, actorOf(request.principal?.label ?? ''), request.body.comment),
    );
  },
};
