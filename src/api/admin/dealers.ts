import { z } from 'zod';
import type { RouteModule } from '../../core/http/server.js';
import { authErrors } from '../schemas.js';

const dealer = z.object({
  code: z.string(),
  name: z.string(),
  tier: z.string(),
  status: z.string(),
  regions: z.array(z.string()),
  shipTos: z.number(),
});

export const adminDealerRoutes: RouteModule = {
  prefix: '/admin',
  audience: 'admin',
  register(app, { store }) {
    app.get(
      '/dealers',
      { schema: { summary: 'Dealers with their authorised regions', tags: ['admin'], response: { 200: z.object({ items: z.array(dealer) }), ...authErrors } } },
      async () => {
        const { rows } = await store.query<z.infer<typeof dealer>>(
          `SELECT d.code, d.name, d.tier, d.status,
                  coalesce((SELECT array_agg(r.region_code ORDER BY r.region_code) FROM dealer_regions r WHERE r.dealer_id = d.id), '{}') AS regions,
                  (SELECT count(*)::int FROM ship_tos s WHERE s.dealer_id = d.id) AS "shipTos"
             FROM dealers d ORDER BY d.code`,
        );
        return { items: rows };
      },
    );
  },
};
