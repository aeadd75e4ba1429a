import { z } from 'zod';
import { dealerOf } from '../../core/http/auth.js';
import type { RouteModule } from '../../core/http/server.js';
import { csvRows, linesFromRows, xlsxRows } from '../../portal/cart-file.js';
import { offersFor, type DealerTraits, type OfferRow } from '../../portal/offers.js';
import { authErrors, errorResponse } from '../schemas.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** A cart file is small (≤ 500 rows), so the body bound is kept tight. */
const CART_FILE_LIMIT = 2 * 1024 * 1024;

const offer = z.object({
  code: z.string(),
  name: z.string(),
  type: z.string(),
  level: z.enum(['line', 'order']),
  products: z.array(z.string()).nullable(),
  categories: z.array(z.string()).nullable(),
  excludeProducts: z.array(z.string()),
  requiresCoupon: z.boolean(),
  validTo: z.date().nullable(),
});

/** What the portal page needs beyond /v1: the offers to badge in the catalog, and a cart from a file. */
export const portalDealerRoutes: RouteModule = {
  prefix: '',
  audience: 'dealer',
  register(app, { store }) {
    app.removeContentTypeParser('text/plain');
    app.addContentTypeParser(['text/csv', XLSX], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    app.get(
      '/portal/offers',
      {
        schema: {
          summary: 'Promotions open to the dealer today, with the products and categories they reach',
          tags: ['portal'],
          response: { 200: z.object({ items: z.array(offer) }), ...authErrors },
        },
      },
      async (request) => {
        const dealer = dealerOf(request);
        const { rows: traits } = await store.query<DealerTraits>('SELECT code, tier, dealer_group AS "group" FROM dealers WHERE id = $1', [dealer.dealerId]);
        const { rows } = await store.query<OfferRow>(
          `SELECT code, name, rules AS rule, eligibility, requires_coupon AS "requiresCoupon", valid_to AS "validTo"
             FROM promotions
            WHERE status = 'active' AND (valid_from IS NULL OR valid_from <= now()) AND (valid_to IS NULL OR valid_to > now())
              AND (budget_uses IS NULL OR used_uses < budget_uses) AND (budget_amount IS NULL OR used_amount < budget_amount)
            ORDER BY priority, code`,
        );
        return { items: traits[0] ? offersFor(traits[0], rows) : [] };
      },
    );

    app.post(
      '/portal/cart/file',
      {
        bodyLimit: CART_FILE_LIMIT,
        schema: {
          summary: 'Read a CSV or XLSX file of SKU and quantity into cart lines (nothing is placed)',
          tags: ['portal'],
          consumes: ['text/csv', XLSX],
          response: {
            200: z.object({ lines: z.array(z.object({ sku: z.string(), qty: z.number() })), problems: z.array(z.object({ row: z.number(), message: z.string() })) }),
            400: errorResponse,
            413: errorResponse,
            415: errorResponse,
            ...authErrors,
          },
        },
      },
      async (request) => {
        const media = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
        const body = request.body as Buffer;
        return linesFromRows(media === XLSX ? await xlsxRows(body) : csvRows(body));
      },
    );
  },
};
