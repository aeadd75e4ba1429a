/**
 * Loading what the ordering rules need, set-based and in two round trips whatever the number of
 * lines. Inside the order transaction the caller passes `lock: true`: the dealer's credit row is
 * locked first, then the order's lots in ascending id order — the same order in every
 * transaction, so concurrent orders queue instead of deadlocking or overselling.
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

interface FactsRow {
  dealer: OrderFacts['dealer'] | null;
  ship_to: OrderFacts['shipTo'] | null;
  authorisations: RegionAuthorisation[];
  products: Array<ProductFacts & { id: number }>;
  prices: PriceFacts[];
  lots: LotFacts[];
  warehouses: Array<{ code: string; regionCode: string; priority: number; safety: Record<string, number> | null }>;
}

/** Everything but the credit row, as one JSON row; the lots CTE takes its row locks in id order. */
function factsStatement(lock: boolean): string {
  return `
WITH d AS (SELECT id, code, tier, currency, min_remaining_shelf_life_days FROM dealers WHERE id = $1),
     p AS (SELECT id, sku, name, status, pack_size, round_to_pack, shelf_life_days, min_remaining_shelf_life_days FROM products WHERE sku = ANY($3::text[])),
     l AS (SELECT l.id, l.product_id, l.warehouse_id, l.lot, l.expiry_date, l.production_date, l.on_hand, l.reserved
             FROM stock_lots l WHERE l.product_id IN (SELECT id FROM p) ORDER BY l.id ${lock ? 'FOR UPDATE' : ''})
SELECT
  (SELECT json_build_object('id', id, 'code', code, 'tier', tier, 'currency', currency, 'minRemainingShelfLifeDays', min_remaining_shelf_life_days) FROM d) AS dealer,
  (SELECT json_build_object('id', s.id, 'code', s.code, 'regionCode', s.region_code) FROM ship_tos s
    WHERE s.dealer_id = $1 AND s.code = $2 AND s.status = 'active') AS ship_to,
  coalesce((SELECT json_agg(json_build_object('regionCode', region_code, 'validFrom', valid_from, 'validTo', valid_to))
              FROM dealer_regions WHERE dealer_id = $1), '[]') AS authorisations,
  coalesce((SELECT json_agg(json_build_object('id', id, 'sku', sku, 'name', name, 'status', status, 'packSize', pack_size, 'roundToPack', round_to_pack,
                                              'shelfLifeDays', shelf_life_days, 'minRemainingShelfLifeDays', min_remaining_shelf_life_days)) FROM p), '[]') AS products,
  coalesce((SELECT json_agg(json_build_object('sku', p.sku, 'source', CASE WHEN pl.dealer_id IS NULL THEN 'tier' ELSE 'dealer' END,
                                              'priceListCode', pl.code, 'currency', pl.currency, 'minQty', pr.min_qty, 'unitPrice', pr.unit_price::text,
                                              'validFrom', pl.valid_from, 'validTo', pl.valid_to))
              FROM prices pr JOIN price_lists pl ON pl.id = pr.price_list_id JOIN p ON p.id = pr.product_id
             WHERE pl.dealer_id = $1 OR (pl.dealer_id IS NULL AND pl.tier = (SELECT tier FROM d))), '[]') AS prices,
  coalesce((SELECT json_agg(json_build_object('lotId', l.id, 'sku', p.sku, 'warehouseCode', w.code, 'lot', l.lot, 'expiryDate', l.expiry_date,
                                              'productionDate', l.production_date, 'onHand', l.on_hand, 'reserved', l.reserved) ORDER BY l.id)
              FROM l JOIN p ON p.id = l.product_id JOIN warehouses w ON w.id = l.warehouse_id WHERE w.status = 'active'), '[]') AS lots,
  coalesce((SELECT json_agg(json_build_object('code', w.code, 'regionCode', w.region_code, 'priority', w.priority,
                                              'safety', (SELECT json_object_agg(p.sku, s.qty) FROM safety_stock s JOIN p ON p.id = s.product_id
                                                          WHERE s.warehouse_id = w.id AND s.channel = '*')))
              FROM warehouses w WHERE w.status = 'active'), '[]') AS warehouses`;
}

export async function loadOrderFacts(q: Queryable, dealer: DealerRef, shipToCode: string, skus: string[], options: { lock: boolean }): Promise<OrderFacts> {
  // The credit row is the per-dealer lock: it serialises one dealer's orders, so exposure is exact.
  const { rows: credits } = await q.query<CreditFacts>(
    `SELECT c.currency, c.credit_limit AS "creditLimit", c.ar_open AS "arOpen", c.overdue, c.oldest_overdue_days AS "oldestOverdueDays",
            c.open_orders AS "openOrders"
       FROM credit_accounts c WHERE c.dealer_id = $1 ${options.lock ? 'FOR UPDATE' : ''}`,
    [dealer.dealerId],
  );
  const { rows } = await q.query<FactsRow>(factsStatement(options.lock), [dealer.dealerId, shipToCode, skus]);
  const facts = rows[0]!;
  if (!facts.dealer) throw new NotFoundError(`dealer ${dealer.dealerCode} not found`);
  if (!facts.ship_to) throw new NotFoundError(`no active ship-to ${shipToCode} for dealer ${dealer.dealerCode}`, { shipTo: shipToCode });
  return {
    dealer: facts.dealer,
    shipTo: facts.ship_to,
    authorisations: facts.authorisations,
    products: new Map(facts.products.map((p) => [p.sku, p])),
    prices: facts.prices,
    lots: facts.lots,
    warehouses: facts.warehouses.map((w) => ({ code: w.code, regionCode: w.regionCode, priority: w.priority, safetyStock: w.safety ?? {} })),
    credit: credits[0] ?? null,
  };
}
