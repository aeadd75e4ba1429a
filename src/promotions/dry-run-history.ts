/**
 * Dry run, the last N orders: each replayed through the engine on its lines and prices as
 * placed, at the instant it was placed, with the dealer's counters of that moment — with the
 * stored promotions and then with the drafts — and the usage per promotion over them all.
 */
import type { Queryable } from '../core/db/index.js';
import { choosePrice } from '../ordering/pricing.js';
import type { CouponFacts } from '../ordering/promotions/definition.js';
import { evaluatePromotions } from '../ordering/promotions/engine.js';
import type { CartLine, PromotionContext, PromotionResult } from '../ordering/promotions/types.js';
import type { Money, PriceFacts } from '../ordering/types.js';
import { businessDate } from '../orders/evaluate.js';
import type { Channel } from '../orders/place-order.js';
import { minus, sum } from './dry-run-difference.js';
import { draftCodes, draftGiftSkus, withDrafts, type Draft, type Include } from './dry-run-drafts.js';
import { PROMOTION_COLUMNS, toPromotion, type PromotionRow } from './rows.js';

interface Applied {
  code: string;
  discount: Money;
  gifts: Array<{ sku: string; qty: number }>;
}

export interface OrderReplay {
  number: string;
  dealer: string;
  shipTo: string;
  channel: string;
  status: string;
  placedAt: string;
  currency: string;
  /** What the order got when it was placed. */
  placed: { discount: Money; net: Money };
  before: { discount: Money; net: Money; applied: Applied[] };
  after: { discount: Money; net: Money; applied: Applied[] };
  difference: { discount: Money; net: Money };
  changed: boolean;
}

interface Usage {
  timesApplied: number;
  discount: Money;
  gifts: Array<{ sku: string; qty: number }>;
}

export interface HistoryDryRun {
  orders: OrderReplay[];
  totals: {
    orders: number;
    ordersAffected: number;
    /** The one currency of the orders, or null when they mix currencies (sums are then per-unit only). */
    currency: string | null;
    before: { discount: Money; net: Money };
    after: { discount: Money; net: Money };
    extraDiscount: Money;
    promotions: Array<{ code: string; draft: boolean; before: Usage; after: Usage }>;
  };
}

interface OrderRow {
  number: string;
  status: string;
  channel: Channel;
  placed_at: Date;
  currency: string;
  dealer_id: number;
  dealer: string;
  tier: string;
  dealer_group: string | null;
  cooperation_since: string | null;
  ship_to: string;
  region_code: string;
  discount: string;
  net: string;
  lines: CartLine[];
  coupon_codes: string[];
  prior_orders: number;
  dealer_uses: Record<string, number> | null;
  coupons: Array<Omit<CouponFacts, 'validFrom' | 'validTo'> & { validFrom: string | null; validTo: string | null }>;
}

/**
 * The orders with their non-gift lines as placed, and what the dealer's counters were just
 * before each: earlier orders, redemptions per promotion, coupon uses (active ones only).
 */
const ORDERS_STATEMENT = `
WITH o AS (SELECT * FROM orders WHERE status NOT IN ('cancelled', 'rejected') ORDER BY created_at DESC, number DESC LIMIT $1),
     entered AS (SELECT o.id AS order_id, c->>'code' AS code FROM o, jsonb_array_elements(coalesce(o.promotions->'coupons', '[]'::jsonb)) c)
SELECT o.number, o.status, o.channel, o.created_at AS placed_at, o.currency, o.discount::text AS discount, o.net::text AS net,
       d.id AS dealer_id, d.code AS dealer, d.tier, d.dealer_group, d.cooperation_since, s.code AS ship_to, s.region_code,
       coalesce((SELECT json_agg(json_build_object('lineNo', l.line_no, 'sku', p.sku, 'qty', l.qty, 'unitPrice', l.unit_price::text, 'gross', l.gross::text,
                                                   'category', p.category) ORDER BY l.line_no)
                   FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id AND NOT l.is_gift), '[]') AS lines,
       coalesce((SELECT json_agg(e.code) FROM entered e WHERE e.order_id = o.id), '[]') AS coupon_codes,
       (SELECT count(*)::int FROM (SELECT 1 FROM orders e WHERE e.dealer_id = o.dealer_id AND e.created_at < o.created_at
                                    AND e.status NOT IN ('cancelled', 'rejected') LIMIT 1000) x) AS prior_orders,
       (SELECT json_object_agg(x.promotion_id, x.n) FROM (SELECT r.promotion_id, count(*) AS n FROM promotion_redemptions r
           WHERE r.dealer_id = o.dealer_id AND r.status = 'active' AND r.created_at < o.created_at GROUP BY r.promotion_id) x) AS dealer_uses,
       coalesce((SELECT json_agg(json_build_object('code', c.code, 'promotionId', c.promotion_id, 'maxUses', c.max_uses, 'perDealerLimit', c.per_dealer_limit,
                                                   'dealerCode', cd.code, 'validFrom', c.valid_from, 'validTo', c.valid_to, 'status', c.status,
                                                   'used', (SELECT count(*) FROM promotion_redemptions r WHERE r.coupon_id = c.id AND r.status = 'active' AND r.created_at < o.created_at),
                                                   'dealerUses', (SELECT count(*) FROM promotion_redemptions r WHERE r.coupon_id = c.id AND r.status = 'active'
                                                                   AND r.dealer_id = o.dealer_id AND r.created_at < o.created_at)))
                   FROM coupons c LEFT JOIN dealers cd ON cd.id = c.dealer_id
                  WHERE lower(c.code) IN (SELECT lower(e.code) FROM entered e WHERE e.order_id = o.id)), '[]') AS coupons
  FROM o JOIN dealers d ON d.id = o.dealer_id JOIN ship_tos s ON s.id = o.ship_to_id
 ORDER BY o.created_at DESC, o.number DESC`;

type GiftPrice = PriceFacts & { dealerId: number | null; tier: string | null };

/** The stored active promotions, and the orderable gift SKUs of them and of the drafts with every price row. */
const IN_FORCE_STATEMENT = `
WITH promo AS (SELECT * FROM promotions WHERE status = 'active'),
     gift_skus AS (SELECT g->>'sku' AS sku FROM promo, jsonb_array_elements(CASE WHEN promo.type = 'gift' THEN promo.rules->'gifts' ELSE '[]'::jsonb END) g
                   UNION SELECT unnest($1::text[])),
     p AS (SELECT id, sku FROM products WHERE status = 'active' AND sku IN (SELECT sku FROM gift_skus))
SELECT coalesce((SELECT json_agg(${PROMOTION_COLUMNS} ORDER BY promo.id) FROM promo), '[]') AS promotions,
       coalesce((SELECT json_agg(sku) FROM p), '[]') AS gift_skus,
       coalesce((SELECT json_agg(json_build_object('sku', p.sku, 'dealerId', pl.dealer_id, 'tier', pl.tier,
                                                   'source', CASE WHEN pl.dealer_id IS NULL THEN 'tier' ELSE 'dealer' END, 'priceListCode', pl.code,
                                                   'currency', pl.currency, 'minQty', pr.min_qty, 'unitPrice', pr.unit_price::text,
                                                   'validFrom', pl.valid_from, 'validTo', pl.valid_to))
                   FROM prices pr JOIN price_lists pl ON pl.id = pr.price_list_id JOIN p ON p.id = pr.product_id), '[]') AS gift_prices`;

const applied = (r: PromotionResult): Applied[] =>
  r.promotions.filter((p) => p.status === 'applied').map((p) => ({ code: p.code, discount: p.discount, gifts: p.gifts }));

export async function historyDryRun(q: Queryable, limit: number, drafts: Draft[], include: Include, timeZone: string): Promise<HistoryDryRun> {
  const { rows: inForce } = await q.query<{ promotions: PromotionRow[]; gift_skus: string[]; gift_prices: GiftPrice[] }>(IN_FORCE_STATEMENT, [draftGiftSkus(drafts)]);
  const { rows: orders } = await q.query<OrderRow>(ORDERS_STATEMENT, [limit]);
  const stored = inForce[0]!.promotions.map(toPromotion);
  // Drafts are taken to have been in force when each order was placed.
  const after = withDrafts(stored, drafts.map((d) => ({ ...d, promotion: { ...d.promotion, validFrom: null, validTo: null } })), include);
  const giftPrices = inForce[0]!.gift_prices.map((r) => ({ ...r, dealerId: r.dealerId === null ? null : Number(r.dealerId) }));

  const replays: OrderReplay[] = [];
  const usage = { before: new Map<string, Usage>(), after: new Map<string, Usage>() };
  for (const o of orders) {
    const today = businessDate(o.placed_at, timeZone);
    const prices = giftPrices.filter((r) => r.dealerId === Number(o.dealer_id) || (r.dealerId === null && r.tier === o.tier));
    const context: PromotionContext = {
      now: o.placed_at,
      today,
      channel: o.channel,
      dealer: { code: o.dealer, tier: o.tier, group: o.dealer_group, cooperationSince: o.cooperation_since, priorOrders: o.prior_orders },
      regionCode: o.region_code,
      currency: o.currency,
      couponCodes: o.coupon_codes,
      coupons: o.coupons.map((c) => ({
        ...c,
        used: Number(c.used),
        dealerUses: Number(c.dealerUses),
        validFrom: c.validFrom === null ? null : new Date(c.validFrom),
        validTo: c.validTo === null ? null : new Date(c.validTo),
      })),
      dealerUses: new Map(Object.entries(o.dealer_uses ?? {}).map(([id, n]) => [Number(id), Number(n)])),
      giftProducts: new Map(inForce[0]!.gift_skus.map((sku) => [sku, { unitPrice: choosePrice(prices, sku, 1, o.currency, today)?.unitPrice ?? null }])),
    };
    const b = evaluatePromotions(o.lines, stored, context);
    const a = evaluatePromotions(o.lines, after, context);
    const appliedBefore = applied(b);
    const appliedAfter = applied(a);
    count(usage.before, appliedBefore);
    count(usage.after, appliedAfter);
    replays.push({
      number: o.number,
      dealer: o.dealer,
      shipTo: o.ship_to,
      channel: o.channel,
      status: o.status,
      placedAt: o.placed_at.toISOString(),
      currency: o.currency,
      placed: { discount: o.discount, net: o.net },
      before: { discount: b.totals.discount, net: b.totals.net, applied: appliedBefore },
      after: { discount: a.totals.discount, net: a.totals.net, applied: appliedAfter },
      difference: { discount: minus(a.totals.discount, b.totals.discount), net: minus(a.totals.net, b.totals.net) },
      changed: a.totals.discount !== b.totals.discount || JSON.stringify(appliedBefore) !== JSON.stringify(appliedAfter),
    });
  }

  const drafted = draftCodes(drafts);
  const none: Usage = { timesApplied: 0, discount: '0.00', gifts: [] };
  const codes = [...new Set([...usage.before.keys(), ...usage.after.keys()])].sort();
  const currencies = new Set(replays.map((r) => r.currency));
  const beforeDiscount = sum(replays.map((r) => r.before.discount));
  const afterDiscount = sum(replays.map((r) => r.after.discount));
  return {
    orders: replays,
    totals: {
      orders: replays.length,
      ordersAffected: replays.filter((r) => r.changed).length,
      currency: currencies.size === 1 ? [...currencies][0]! : null,
      before: { discount: beforeDiscount, net: sum(replays.map((r) => r.before.net)) },
      after: { discount: afterDiscount, net: sum(replays.map((r) => r.after.net)) },
      extraDiscount: minus(afterDiscount, beforeDiscount),
      promotions: codes.map((code) => ({ code, draft: drafted.has(code), before: usage.before.get(code) ?? none, after: usage.after.get(code) ?? none })),
    },
  };
}

/** Adds one order's applied promotions to the running usage per promotion code. */
function count(into: Map<string, Usage>, list: readonly Applied[]): void {
  for (const a of list) {
    const u = into.get(a.code) ?? { timesApplied: 0, discount: '0.00', gifts: [] };
    const gifts = new Map(u.gifts.map((g) => [g.sku, g.qty]));
    for (const g of a.gifts) gifts.set(g.sku, (gifts.get(g.sku) ?? 0) + g.qty);
    into.set(a.code, { timesApplied: u.timesApplied + 1, discount: sum([u.discount, a.discount]), gifts: [...gifts].map(([sku, qty]) => ({ sku, qty })) });
  }
}
