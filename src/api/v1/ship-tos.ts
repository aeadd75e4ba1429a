import { z } from 'zod';
import { NotFoundError } from '../../core/errors.js';
import { dealerOf } from '../../core/http/auth.js';
import type { RouteModule } from '../../core/http/server.js';
import { authErrors, errorResponse } from '../schemas.js';

const shipTo = z.object({
  code: z.string(),
  name: z.string(),
  address: z.string(),
  regionCode: z.string(),
  contact: z.string().nullable(),
  phone: z.string().nullable(),
  status: z.string(),
});

const SELECT_SHIP_TOS = `SELECT code, name, address, region_code AS "regionCode", contact, phone, status
                           FROM ship_tos WHERE dealer_id = $1`;

/** A dealer's own delivery addresses; another dealer's code is simply not found. */
export const shipToRoutes: RouteModule = {
  prefix: '/v1',
  audience: 'dealer',
  register(app, { store }) {
    app.get(
      '/ship-tos',
      { schema: { summary: 'The dealer’s ship-to addresses', tags: ['v1'], response: { 200: z.object({ items: z.array(shipTo) }), ...authErrors } } },
      async (request) => {
        const { rows } = await store.query<z.infer<typeof shipTo>>(`${SELECT_SHIP_TOS} ORDER BY code`, [dealerOf(request).dealerId]);
        return { items: rows };
      },
    );
    app.get(
      '/ship-tos/:code',
      {
        schema: {
          summary: 'One ship-to address of the dealer',
          tags: ['v1'],
          params: z.object({ code: z.string().min(1).max(64) }),
          response: { 200: shipTo, 404: errorResponse, ...authErrors },
        },
      },
      async (request) => {
        const { rows } = await store.query<z.infer<typeof shipTo>>(`${SELECT_SHIP_TOS} AND code = $2`, [
          dealerOf(request).dealerId,
          request.params.code,
        ]);
        const row = rows[0];
        if (!row) throw new NotFoundError(`no ship-to ${request.params.code}`, { shipTo: request.params.code });
        return row;
      },
    );
  },
};
