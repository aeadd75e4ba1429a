/**
 * Dry run, the cart: one cart evaluated as a quote would be (loadOrderFacts + evaluateOrder,
 * without locks), with the stored promotions and then with the drafts.
 */
import type { Queryable } from '../core/db/index.js';
import { NotFoundError, UserError } from '../core/errors.js';
import type { CouponReport, PromotedLine, PromotionReport, PromotionResult } from '../ordering/promotions/types.js';
import type { Money } from '../ordering/types.js';
import { businessDate, evaluateOrder, type OrderingSettings } from '../orders/evaluate.js';
import { loadOrderFacts } from '../orders/facts.js';
import { couponCodes, type Channel } from '../orders/place-order.js';
import { changes, minus, type PromotionChange } from './dry-run-difference.js';
import { draftCodes, draftGiftSkus, withDrafts, type Draft, type Include } from './dry-run-drafts.js';

export interface CartRequest {
  dealer: string;
  shipTo?: string | undefined;
  channel: Channel;
  lines: Array<{ sku: string; qty: number }>;
  couponCodes?: string[] | undefined;
}

export interface Outcome {
  totals: PromotionResult['totals'];
  lines: PromotedLine[];
  promotions: PromotionReport[];
  coupons: CouponReport[];
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

const outcome = (r: PromotionResult): Outcome => ({ totals: r.totals, lines: r.lines, promotions: r.promotions, coupons: r.coupons });

export async function cartDryRun(q: Queryable, cart: CartRequest, drafts: Draft[], include: Include, at: Date, settings: OrderingSettings): Promise<CartDryRun> {
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
  const facts = await loadOrderFacts(q, { dealerId: Number(dealer.id), dealerCode: dealer.code }, shipTo, [...cart.lines.map((l) => l.sku), ...draftGiftSkus(drafts)], {
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
      promotions: changes(before.promotions, after.promotions, draftCodes(drafts)),
    },
  };
}
