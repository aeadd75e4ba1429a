/**
 * What-if for admins (POST /admin/promotions/dry-run): unsaved draft promotions evaluated with
 * the engine against one cart, priced as a quote would be, and against the most recent orders
 * as they were placed. "before" is the stored active promotions; "after" is the set with the
 * drafts (or the drafts alone with include 'none'). Read-only: nothing is written, no budget,
 * coupon use or per-dealer allowance is taken. Every promotion is shown, whatever its audience.
 */
import type { Queryable, Store } from '../core/db/index.js';
import { NotFoundError, UserError } from '../core/errors.js';
import { choosePrice } from '../ordering/pricing.js';
import { formatCents, toCents } from '../ordering/promotions/cents.js';
import type { CouponFacts, Promotion, PromotionInput } from '../ordering/promotions/definition.js';
import { evaluatePromotions } from '../ordering/promotions/engine.js';
import type { CartLine, CouponReport, PromotedLine, PromotionContext, PromotionReport, PromotionResult } from '../ordering/promotions/types.js';
import type { Money, PriceFacts } from '../ordering/types.js';
import { businessDate, evaluateOrder, type OrderingSettings } from '../orders/evaluate.js';
import { loadOrderFacts } from '../orders/facts.js';
import { couponCodes, type Channel } from '../orders/place-order.js';
import { promotionRecord, type PromotionRecord } from './record.js';
import { PROMOTION_COLUMNS, toPromotion, type PromotionRow } from './rows.js';
import { loadValidationFacts, validatePromotion, type Issue } from './validate.js';
import { parseWindowBound } from './window.js';

export interface DryRunRequest {
  promotions: PromotionInput[];
  include: 'active' | 'none';
  /** The instant the cart is judged at (default: now); history uses each order's own instant. */
  at?: string | undefined;
  cart?: { dealer: string; shipTo?: string | undefined; channel: Channel; lines: Array<{ sku: string; qty: number }>; couponCodes?: string[] | undefined } | undefined;
  lastOrders?: number | undefined;
}

export interface DraftReport {
  id: number;
  code: string;
  /** The stored promotion the draft stands in for (same code), or null for a new one. */
  replaces: string | null;
  errors: Issue[];
  warnings: Issue[];
}

export interface Outcome {
  totals: PromotionResult['totals'];
  lines: PromotedLine[];
  promotions: PromotionReport[];
  coupons: CouponReport[];
}

interface Snapshot {
  status: PromotionReport['status'];
  discount: Money;
  gifts: Array<{ sku: string; qty: number }>;
}

export interface PromotionChange {
  code: string;
  draft: boolean;
  before: Snapshot | null;
  after: Snapshot | null;
}

export interface CartDryRun {
  dealer: string;
  shipTo: string;
  channel: Channel;
  at: string;
  before: Outcome;
  after: Outcome;
  difference: { discount: Money; net: Money; promotions: PromotionChange[] };
}

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

export interface DryRunResult {
  dryRun: true;
  note: string;
  include: 'active' | 'none';
  assumptions: string[];
  drafts: DraftReport[];
  cart: CartDryRun | null;
  orders: HistoryDryRun | null;
}

const NOTE =
  'Dry run: nothing was saved. Budgets, coupon uses and per-dealer limits were read as they stand and were not consumed; no order, redemption or counter was written. "before" = the stored active promotions, "after" = with the drafts.';

/** Signed difference of two amounts ("-25.00"). */
function minus(a: Money, b: Money): Money {
  const d = toCents(a) - toCents(b);
  return (d < 0 ? '-' : '') + formatCents(Math.abs(d));
}

const sum = (amounts: Money[]): Money => formatCents(amounts.reduce((s, a) => s + toCents(a), 0));

interface Draft {
  promotion: Promotion;
  replaces: string | null;
}

/** Drafts as the engine takes them: active, new ones with negative ids, same-code ones in place of the stored promotion. */
async function prepareDrafts(q: Queryable, inputs: readonly PromotionInput[], now: Date, assumptions: string[]): Promise<{ drafts: Draft[]; reports: DraftReport[] }> {
  const seen = new Map<string, number>();
  inputs.forEach((input, i) => {
    const first = seen.get(input.code);
    if (first !== undefined) throw new UserError(`promotions[${i}].code: ${input.code} is also promotions[${first}]`, { field: `promotions[${i}].code` });
    seen.set(input.code, i);
  });
  const { rows } = await q.query<{ p: PromotionRow }>(`SELECT ${PROMOTION_COLUMNS} AS p FROM promotions promo WHERE promo.code = ANY($1::text[])`, [inputs.map((d) => d.code)]);
  const stored = new Map(rows.map((r) => [r.p.code, toPromotion(r.p)]));
  const drafts: Draft[] = [];
  const reports: DraftReport[] = [];
  for (const [i, input] of inputs.entries()) {
    let record: PromotionRecord;
    try {
      record = promotionRecord(input);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      const field = `promotions[${i}].${String(error.details?.field ?? 'validFrom')}`;
      throw new UserError(`promotions[${i}]: ${error.message}`, { field });
    }
    const { errors, warnings } = validatePromotion(record, await loadValidationFacts(q, record), now);
    const old = stored.get(input.code);
    const promotion: Promotion = {
      id: old?.id ?? -(i + 1),
      code: input.code,
      name: input.name,
      rule: input.rule,
      eligibility: input.eligibility,
      priority: input.priority,
      stackable: input.stackable,
      exclusiveGroup: input.exclusiveGroup,
      validFrom: record.valid_from === null ? null : new Date(record.valid_from),
      validTo: record.valid_to === null ? null : new Date(record.valid_to),
      // A new draft has no coupons yet: it is judged as if the dealer had entered one.
      requiresCoupon: old === undefined ? false : input.requiresCoupon,
      status: 'active',
      budgetAmount: input.budgetAmount,
      budgetUses: input.budgetUses,
      usedAmount: old?.usedAmount ?? '0.00',
      usedUses: old?.usedUses ?? 0,
      perDealerLimit: input.perDealerLimit,
    };
    if (input.status !== 'active') assumptions.push(`draft ${input.code} has status ${input.status}; it is evaluated as if active`);
    if (old === undefined && input.requiresCoupon) assumptions.push(`draft ${input.code} requires a coupon and has none yet; it is evaluated as if the dealer had entered a valid one`);
    if (old !== undefined) assumptions.push(`draft ${input.code} stands in for the stored promotion ${input.code} in "after"; the stored usage (${old.usedAmount}, ${old.usedUses} use(s)) counts against the draft's budget`);
    drafts.push({ promotion, replaces: old === undefined ? null : old.code });
    reports.push({ id: promotion.id, code: input.code, replaces: old === undefined ? null : old.code, errors, warnings });
  }
  return { drafts, reports };
}

/** The "after" set: the stored ones not replaced by a draft (include 'active'), then the drafts. */
function withDrafts(stored: readonly Promotion[], drafts: readonly Draft[], include: DryRunRequest['include']): Promotion[] {
  const replaced = new Set(drafts.map((d) => d.promotion.code));
  return [...(include === 'active' ? stored.filter((p) => !replaced.has(p.code)) : []), ...drafts.map((d) => d.promotion)];
}

const snapshot = (r: PromotionReport): Snapshot => ({ status: r.status, discount: r.discount, gifts: r.gifts });

/** What a promotion did to the order: absent and not applied are the same (nothing). */
const effect = (s: Snapshot | null) => (s === null || s.status !== 'applied' ? null : { discount: s.discount, gifts: s.gifts });

/** The promotions whose effect differs between before and after. */
function changes(before: readonly PromotionReport[], after: readonly PromotionReport[], draftCodes: ReadonlySet<string>): PromotionChange[] {
  const b = new Map(before.map((r) => [r.code, r]));
  const a = new Map(after.map((r) => [r.code, r]));
  const out: PromotionChange[] = [];
  for (const code of [...new Set([...b.keys(), ...a.keys()])].sort()) {
    const x = b.get(code);
    const y = a.get(code);
    const sx = x === undefined ? null : snapshot(x);
    const sy = y === undefined ? null : snapshot(y);
    if (JSON.stringify(effect(sx)) !== JSON.stringify(effect(sy))) out.push({ code, draft: draftCodes.has(code), before: sx, after: sy });
  }
  return out;
}

const outcome = (r: PromotionResult): Outcome => ({ totals: r.totals, lines: r.lines, promotions: r.promotions, coupons: r.coupons });

async function cartDryRun(q: Queryable, cart: NonNullable<DryRunRequest['cart']>, drafts: Draft[], include: DryRunRequest['include'], at: Date, settings: OrderingSettings): Promise<CartDryRun> {
  const { rows } = await q.query<{ id: number; code: string; ship_to: string | null }>(
    `SELECT d.id, d.code, (SELECT s.code FROM ship_tos s WHERE s.dealer_id = d.id AND s.status = 'active' ORDER BY s.code LIMIT 1) AS ship_to
       FROM dealers d WHERE d.code = $1`,
    [cart.dealer],
  );
  const dealer = rows[0];
  if (dealer === undefined) throw new NotFoundError(`cart.dealer: no dealer ${cart.dealer}`, { field: 'cart.dealer' });
  const shipTo = cart.shipTo ?? dealer.ship_to;
  if (shipTo === null) throw new UserError(`cart.shipTo: dealer ${cart.dealer} has no active ship-to`, { field: 'cart.shipTo' });
  const codes = couponCodes(cart);
  const giftSkus = drafts.flatMap((d) => (d.promotion.rule.type === 'gift' ? d.promotion.rule.gifts.map((g) => g.sku) : []));
  const facts = await loadOrderFacts(q, { dealerId: Number(dealer.id), dealerCode: dealer.code }, shipTo, [...cart.lines.map((l) => l.sku), ...giftSkus], {
    lock: false,
    now: at,
    couponCodes: codes,
  });
  const today = businessDate(at, settings.timeZone);
  const inputs = { now: at, channel: cart.channel, couponCodes: codes };
  const before = evaluateOrder(cart.lines, facts, settings, today, inputs).promotions;
  const after = evaluateOrder(cart.lines, { ...facts, promotions: withDrafts(facts.promotions, drafts, include) }, settings, today, inputs).promotions;
  return {
    dealer: dealer.code,
    shipTo,
    channel: cart.channel,
    at: at.toISOString(),
    before: outcome(before),
    after: outcome(after),
    difference: {
      discount: minus(after.totals.discount, before.totals.discount),
      net: minus(after.totals.net, before.totals.net),
      promotions: changes(before.promotions, after.promotions, new Set(drafts.map((d) => d.promotion.code))),
    },
  };
}

// ---- the last N orders ----------------------------------------------------------------------------

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

async function historyDryRun(q: Queryable, limit: number, drafts: Draft[], include: DryRunRequest['include'], timeZone: string): Promise<HistoryDryRun> {
  const giftSkus = drafts.flatMap((d) => (d.promotion.rule.type === 'gift' ? d.promotion.rule.gifts.map((g) => g.sku) : []));
  const { rows: inForce } = await q.query<{ promotions: PromotionRow[]; gift_skus: string[]; gift_prices: GiftPrice[] }>(IN_FORCE_STATEMENT, [giftSkus]);
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

  const draftCodes = new Set(drafts.map((d) => d.promotion.code));
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
      promotions: codes.map((code) => ({ code, draft: draftCodes.has(code), before: usage.before.get(code) ?? none, after: usage.after.get(code) ?? none })),
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

/** Runs the dry run on one snapshot of the database; writes nothing. */
export async function dryRun(store: Store, request: DryRunRequest, settings: OrderingSettings, now: Date): Promise<DryRunResult> {
  if (request.cart === undefined && request.lastOrders === undefined) throw new UserError('give a cart, lastOrders or both', { field: 'cart' });
  const at = request.at === undefined ? now : parseWindowBound(request.at, settings.timeZone, 'at')!;
  return store.tx(
    async (q) => {
      const assumptions: string[] = [];
      const { drafts, reports } = await prepareDrafts(q, request.promotions, now, assumptions);
      const cart = request.cart === undefined ? null : await cartDryRun(q, request.cart, drafts, request.include, at, settings);
      if (cart !== null) assumptions.push(`the cart is priced with the prices valid on ${businessDate(at, settings.timeZone)} and judged at ${at.toISOString()}`);
      const orders = request.lastOrders === undefined ? null : await historyDryRun(q, request.lastOrders, drafts, request.include, settings.timeZone);
      if (orders !== null) {
        assumptions.push(
          'orders are re-evaluated on the prices they were placed at, at the instant they were placed, with the dealer counters of that moment; ' +
            'drafts are taken to have been in force then (their windows are ignored); stored promotions as they are now (status, budget, usage), their windows judged at the order’s instant; ' +
            'dealer tier and group as they are now; cancelled and rejected orders are left out',
        );
      }
      return { dryRun: true as const, note: NOTE, include: request.include, assumptions, drafts: reports, cart, orders };
    },
    { isolation: 'repeatable read' },
  );
}
