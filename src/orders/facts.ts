/**
 * Loading what the ordering rules need, set-based: one query per kind of fact for the whole
 * order, never one per line. Inside the order transaction the caller passes `lock: true`, which
 * locks the dealer's credit row and then the order's lots in ascending id order — the same
 * order in every transaction, so concurrent orders queue instead of deadlocking or overselling.
 */
import type { Queryable } from '../core/db/index.js';
import { NotFoundError } from '../core/errors.js';
import type { CreditFacts, LotFacts, PriceFacts, ProductFacts, RegionAuthorisation, ShipToFacts, WarehouseFacts } from '../ordering/types.js';

export interface DealerRef {
  dealerId: number;
  dealerCode: string;
}

export interface OrderFacts {
  dealer: { id: number; code: string; tier: string; currency: string; minRemainingShelfLifeDays: number | null };
  shipTo: ShipToFacts & { id: number };
  authorisations: RegionAuthorisation[];
  products: Map<string, ProductFacts & { id: number }>;
  prices: PriceFacts[];
  lots: LotFacts[];
  warehouses: WarehouseFacts[];
  credit: CreditFacts | null;
}

export async function loadOrderFacts(q: Queryable, dealer: DealerRef, shipToCode: string, skus: string[], options: { lock: boolean }): Promise<OrderFacts> {
  const lock = options.lock ? 'FOR UPDATE' : '';
  const { rows: dealers } = await q.query<OrderFacts['dealer']>(
    `SELECT id, code, tier, currency, min_remaining_shelf_life_days AS "minRemainingShelfLifeDays" FROM dealers WHERE id = $1`,
    [dealer.dealerId],
  );
  const dealerRow = dealers[0];
  if (!dealerRow) throw new NotFoundError(`dealer ${dealer.dealerCode} not found`);
  // The credit row is the per-dealer lock: it serialises one dealer's orders, so exposure is exact.
  const { rows: credits } = await q.query<CreditFacts>(
    `SELECT c.currency, c.credit_limit AS "creditLimit", c.ar_open AS "arOpen", c.overdue, c.oldest_overdue_days AS "oldestOverdueDays",
            c.open_orders AS "openOrders"
       FROM credit_accounts c WHERE c.dealer_id = $1 ${lock}`,
    [dealer.dealerId],
  );
  const credit = credits[0] ?? null;

  const { rows: shipTos } = await q.query<OrderFacts['shipTo']>(
    `SELECT id, code, region_code AS "regionCode" FROM ship_tos WHERE dealer_id = $1 AND code = $2 AND status = 'active'`,
    [dealer.dealerId, shipToCode],
  );
  const shipTo = shipTos[0];
  if (!shipTo) throw new NotFoundError(`no active ship-to ${shipToCode} for dealer ${dealer.dealerCode}`, { shipTo: shipToCode });

  // One after another: inside the order transaction they share one connection.
  const authorisations = await q.query<RegionAuthorisation>(
    `SELECT region_code AS "regionCode", valid_from::text AS "validFrom", valid_to::text AS "validTo" FROM dealer_regions WHERE dealer_id = $1`,
    [dealer.dealerId],
  );
  const products = await q.query<ProductFacts & { id: number }>(
    `SELECT id, sku, name, status, pack_size AS "packSize", round_to_pack AS "roundToPack", shelf_life_days AS "shelfLifeDays",
            min_remaining_shelf_life_days AS "minRemainingShelfLifeDays"
       FROM products WHERE sku = ANY($1::text[])`,
    [skus],
  );
  const prices = await q.query<PriceFacts>(
    `SELECT p.sku, CASE WHEN l.dealer_id IS NULL THEN 'tier' ELSE 'dealer' END AS source, l.code AS "priceListCode", l.currency,
            pr.min_qty AS "minQty", pr.unit_price::text AS "unitPrice", l.valid_from::text AS "validFrom", l.valid_to::text AS "validTo"
       FROM prices pr JOIN price_lists l ON l.id = pr.price_list_id JOIN products p ON p.id = pr.product_id
      WHERE p.sku = ANY($1::text[]) AND (l.dealer_id = $2 OR (l.dealer_id IS NULL AND l.tier = $3))`,
    [skus, dealer.dealerId, dealerRow.tier],
  );
  const lots = await q.query<LotFacts>(
    `SELECT l.id AS "lotId", p.sku, w.code AS "warehouseCode", l.lot, l.expiry_date::text AS "expiryDate",
            l.production_date::text AS "productionDate", l.on_hand AS "onHand", l.reserved
       FROM stock_lots l JOIN products p ON p.id = l.product_id JOIN warehouses w ON w.id = l.warehouse_id
      WHERE p.sku = ANY($1::text[]) AND w.status = 'active'
      ORDER BY l.id ${lock === '' ? '' : 'FOR UPDATE OF l'}`,
    [skus],
  );
  const warehouses = await q.query<{ code: string; regionCode: string; priority: number; safety: Record<string, number> | null }>(
    `SELECT w.code, w.region_code AS "regionCode", w.priority,
            (SELECT jsonb_object_agg(p.sku, s.qty) FROM safety_stock s JOIN products p ON p.id = s.product_id
              WHERE s.warehouse_id = w.id AND s.channel = '*' AND p.sku = ANY($1::text[])) AS safety
       FROM warehouses w WHERE w.status = 'active'`,
    [skus],
  );
  return {
    dealer: dealerRow,
    shipTo,
    authorisations: authorisations.rows,
    products: new Map(products.rows.map((p) => [p.sku, p])),
    prices: prices.rows,
    lots: lots.rows,
    warehouses: warehouses.rows.map((w) => ({ code: w.code, regionCode: w.regionCode, priority: w.priority, safetyStock: w.safety ?? {} })),
    credit,
  };
}
