/**
 * Loading what the ordering rules need, set-based and in two round trips whatever the number of
 * lines. Inside the order transaction the caller passes `lock: true`: the dealer's credit row is
 * locked first, then the order's lots in ascending id order — the same order in every
 * transaction, so concurrent orders queue instead of deadlocking or overselling.
 */
import type { InventoryConfig } from '../core/config/schema-inventory.js';
import type { Queryable } from '../core/db/index.js';
import { NotFoundError } from '../core/errors.js';
import type { CouponFacts, Promotion } from '../ordering/promotions/definition.js';
import type { CreditFacts, LotFacts, PriceFacts, ProductFacts, RegionAuthorisation, ShipToFacts, WarehouseFacts } from '../ordering/types.js';
import type { ChannelUsage } from '../inventory/channels.js';
import { loadChannelUsage } from '../inventory/usage.js';
import { PROMOTION_COLUMNS, toPromotion, type PromotionRow } from '../promotions/rows.js';
import { AR_PAST_DUE_COLUMN, type ArDue } from '../credit/exposure.js';
import { riskHistoryColumn, toRiskHistory, type RiskHistoryWindow } from '../risk/history.js';
import type { RiskHistory } from '../risk/types.js';

export interface DealerRef {
  dealerId: number;
  dealerCode: string;
}

export interface DealerFacts {
  id: number;
  code: string;
  tier: string;
  group: string | null;
  cooperationSince: string | null;
  currency: string;
  minRemainingShelfLifeDays: number | null;
}

export interface OrderFacts {
  dealer: DealerFacts;
  shipTo: ShipToFacts & { id: number };
  authorisations: RegionAuthorisation[];
  /** The ordered SKUs and the gift SKUs of the promotions in force. */
  products: Map<string, ProductFacts & { id: number; category: string | null }>;
  prices: PriceFacts[];
  lots: LotFacts[];
  warehouses: WarehouseFacts[];
  credit: CreditFacts | null;
  /** Active promotions in their window, and those of the entered coupon codes whatever their state. */
  promotions: Promotion[];
  coupons: CouponFacts[];
  /** Active redemptions of this dealer per promotion id (for per-dealer limits). */
  dealerUses: Map<number, number>;
  /** The dealer's orders that were not cancelled or rejected, counted up to 1000. */
  priorOrders: number;
  /** The dealer's recent orders for the risk rule, when asked for (FactsOptions.riskHistory). */
  riskHistory?: RiskHistory | null;
  /** Open AR per due date up to tomorrow: overdue ageing as of today (src/credit/exposure.ts). */
  arPastDue?: ArDue[];
  /** Units each sales channel holds reserved per SKU and warehouse, when channels limit (issue 8). */
  channelUsage?: ChannelUsage;
}

interface FactsRow {
  dealer: OrderFacts['dealer'] | null;
  ship_to: OrderFacts['shipTo'] | null;
  authorisations: RegionAuthorisation[];
  products: Array<ProductFacts & { id: number; category: string | null }>;
  prices: PriceFacts[];
  lots: LotFacts[];
  warehouses: Array<{ code: string; regionCode: string; priority: number; safety: Record<string, number> | null }>;
  promotions: PromotionRow[];
  coupons: Array<Omit<CouponFacts, 'validFrom' | 'validTo'> & { validFrom: string | null; validTo: string | null }>;
  dealer_uses: Record<string, number> | null;
  prior_orders: number;
  risk_history: RiskHistory | null;
  ar_past_due: ArDue[];
}

/**
 * Everything but the credit row, as one JSON row; the lots CTE takes its row locks in id order.
 * $1 dealer id, $2 ship-to code, $3 SKUs, $4 now, $5 entered coupon codes (lower case).
 */
function factsStatement(lock: boolean, riskHistory?: RiskHistoryWindow): string {
  return `
WITH d AS (SELECT id, code, tier, dealer_group, cooperation_since, currency, min_remaining_shelf_life_days FROM dealers WHERE id = $1),
     promo AS (SELECT * FROM promotions pr
                WHERE (pr.status = 'active' AND (pr.valid_from IS NULL OR pr.valid_from <= $4::timestamptz) AND (pr.valid_to IS NULL OR pr.valid_to > $4::timestamptz))
                   OR pr.id IN (SELECT promotion_id FROM coupons WHERE lower(code) = ANY($5::text[]))),
     gift_skus AS (SELECT g->>'sku' AS sku FROM promo, jsonb_array_elements(CASE WHEN promo.type = 'gift' THEN promo.rules->'gifts' ELSE '[]'::jsonb END) g),
     p AS (SELECT id, sku, name, status, pack_size, round_to_pack, shelf_life_days, min_remaining_shelf_life_days, category FROM products
            WHERE sku = ANY($3::text[]) OR sku IN (SELECT sku FROM gift_skus)),
     l AS (SELECT l.id, l.product_id, l.warehouse_id, l.lot, l.expiry_date, l.production_date, l.on_hand, l.reserved
             FROM stock_lots l WHERE l.product_id IN (SELECT id FROM p) ORDER BY l.id ${lock ? 'FOR UPDATE' : ''})
SELECT
  (SELECT json_build_object('id', id, 'code', code, 'tier', tier, 'group', dealer_group, 'cooperationSince', cooperation_since, 'currency', currency,
                            'minRemainingShelfLifeDays', min_remaining_shelf_life_days) FROM d) AS dealer,
  (SELECT json_build_object('id', s.id, 'code', s.code, 'regionCode', s.region_code) FROM ship_tos s
    WHERE s.dealer_id = $1 AND s.code = $2 AND s.status = 'active') AS ship_to,
  coalesce((SELECT json_agg(json_build_object('regionCode', region_code, 'validFrom', valid_from, 'validTo', valid_to))
              FROM dealer_regions WHERE dealer_id = $1), '[]') AS authorisations,
  coalesce((SELECT json_agg(json_build_object('id', id, 'sku', sku, 'name', name, 'status', status, 'packSize', pack_size, 'roundToPack', round_to_pack,
                                              'shelfLifeDays', shelf_life_days, 'minRemainingShelfLifeDays', min_remaining_shelf_life_days,
                                              'category', category)) FROM p), '[]') AS products,
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
              FROM warehouses w WHERE w.status = 'active'), '[]') AS warehouses,
  coalesce((SELECT json_agg(${PROMOTION_COLUMNS} ORDER BY promo.id) FROM promo), '[]') AS promotions,
  coalesce((SELECT json_agg(json_build_object('code', c.code, 'promotionId', c.promotion_id, 'maxUses', c.max_uses, 'used', c.used,
                                              'perDealerLimit', c.per_dealer_limit, 'dealerCode', cd.code, 'validFrom', c.valid_from, 'validTo', c.valid_to,
                                              'status', c.status,
                                              'dealerUses', (SELECT count(*) FROM promotion_redemptions r WHERE r.coupon_id = c.id AND r.dealer_id = $1 AND r.status = 'active')))
              FROM coupons c LEFT JOIN dealers cd ON cd.id = c.dealer_id WHERE lower(c.code) = ANY($5::text[])), '[]') AS coupons,
  (SELECT json_object_agg(x.promotion_id, x.n) FROM (SELECT r.promotion_id, count(*) AS n FROM promotion_redemptions r
     WHERE r.dealer_id = $1 AND r.status = 'active' AND r.promotion_id IN (SELECT id FROM promo WHERE per_dealer_limit IS NOT NULL)
     GROUP BY r.promotion_id) x) AS dealer_uses,
  CASE WHEN EXISTS (SELECT 1 FROM promo WHERE eligibility ? 'firstOrder')
       THEN (SELECT count(*)::int FROM (SELECT 1 FROM orders o WHERE o.dealer_id = $1 AND o.status NOT IN ('cancelled', 'rejected') LIMIT 1000) x)
       ELSE 0 END AS prior_orders,
  ${riskHistoryColumn(riskHistory)} AS risk_history,
  ${AR_PAST_DUE_COLUMN} AS ar_past_due`;
}

export interface FactsOptions {
  lock: boolean;
  /** The instant promotions and coupons are judged at. */
  now?: Date;
  couponCodes?: readonly string[];
  /** Reads the dealer's recent orders for the risk rule (src/risk/history.ts). */
  riskHistory?: RiskHistoryWindow | undefined;
  /** Loads channel usage after the lots are locked, when the config's channels have quotas or safety stock. */
  inventory?: InventoryConfig | undefined;
}

export async function loadOrderFacts(q: Queryable, dealer: DealerRef, shipToCode: string, skus: string[], options: FactsOptions): Promise<OrderFacts> {
  // The credit row is the per-dealer lock: it serialises one dealer's orders, so exposure is exact.
  const { rows: credits } = await q.query<CreditFacts>(
    `SELECT c.currency, c.credit_limit AS "creditLimit", c.ar_open AS "arOpen", c.overdue, c.oldest_overdue_days AS "oldestOverdueDays",
            c.open_orders AS "openOrders"
       FROM credit_accounts c WHERE c.dealer_id = $1 ${options.lock ? 'FOR UPDATE' : ''}`,
    [dealer.dealerId],
  );
  const codes = (options.couponCodes ?? []).map((c) => c.trim().toLowerCase());
  // Prepared: planning this statement costs about as much as running it (~1 ms each, measured).
  const { rows } = await q.query<FactsRow>(factsStatement(options.lock, options.riskHistory), [dealer.dealerId, shipToCode, skus, options.now ?? new Date(), codes], { prepare: true });
  const facts = rows[0]!;
  if (!facts.dealer) throw new NotFoundError(`dealer ${dealer.dealerCode} not found`);
  if (!facts.ship_to) throw new NotFoundError(`no active ship-to ${shipToCode} for dealer ${dealer.dealerCode}`, { shipTo: shipToCode });
  // A statement of its own, after the lots are locked: it must see what orders that held them committed.
  const channelUsage = options.inventory ? await loadChannelUsage(q, facts.products.map((p) => p.sku), options.inventory.channels) : undefined;
  return {
    ...(channelUsage ? { channelUsage } : {}),
    dealer: facts.dealer,
    shipTo: facts.ship_to,
    authorisations: facts.authorisations,
    products: new Map(facts.products.map((p) => [p.sku, p])),
    prices: facts.prices,
    lots: facts.lots,
    warehouses: facts.warehouses.map((w) => ({ code: w.code, regionCode: w.regionCode, priority: w.priority, safetyStock: w.safety ?? {} })),
    credit: credits[0] ?? null,
    promotions: facts.promotions.map(toPromotion),
    coupons: facts.coupons.map((c) => ({ ...c, dealerUses: Number(c.dealerUses), validFrom: dateOrNull(c.validFrom), validTo: dateOrNull(c.validTo) })),
    dealerUses: new Map(Object.entries(facts.dealer_uses ?? {}).map(([id, n]) => [Number(id), Number(n)])),
    priorOrders: facts.prior_orders,
    riskHistory: toRiskHistory(facts.risk_history),
    arPastDue: facts.ar_past_due,
  };
}

const dateOrNull = (text: string | null): Date | null => (text === null ? null : new Date(text));
