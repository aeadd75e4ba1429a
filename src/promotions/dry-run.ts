/**
 * What-if for admins (POST /admin/promotions/dry-run): unsaved draft promotions evaluated with
 * the engine against one cart, priced as a quote would be, and against the most recent orders
 * as they were placed. "before" is the stored active promotions; "after" is the set with the
 * drafts (or the drafts alone with include 'none'). Read-only: nothing is written, no budget,
 * coupon use or per-dealer allowance is taken. Every promotion is shown, whatever its audience.
 *
 * The parts: dry-run-drafts.ts (drafts → engine promotions, the "after" set), dry-run-cart.ts
 * (the cart), dry-run-history.ts (the last N orders), dry-run-difference.ts (before vs after).
 */
import type { Store } from '../core/db/index.js';
import { UserError } from '../core/errors.js';
import type { PromotionInput } from '../ordering/promotions/definition.js';
import { businessDate, type OrderingSettings } from '../orders/evaluate.js';
import { cartDryRun, type CartDryRun, type CartRequest } from './dry-run-cart.js';
import { prepareDrafts, type DraftReport, type Include } from './dry-run-drafts.js';
import { historyDryRun, type HistoryDryRun } from './dry-run-history.js';
import { parseWindowBound } from './window.js';

export type { CartDryRun, Outcome } from './dry-run-cart.js';
export type { PromotionChange } from './dry-run-difference.js';
export type { DraftReport } from './dry-run-drafts.js';
export type { HistoryDryRun, OrderReplay } from './dry-run-history.js';

export interface DryRunRequest {
  promotions: PromotionInput[];
  include: Include;
  /** The instant the cart is judged at (default: now); history uses each order's own instant. */
  at?: string | undefined;
  cart?: CartRequest | undefined;
  lastOrders?: number | undefined;
}

export interface DryRunResult {
  dryRun: true;
  note: string;
  include: Include;
  assumptions: string[];
  drafts: DraftReport[];
  cart: CartDryRun | null;
  orders: HistoryDryRun | null;
}

const NOTE =
  'Dry run: nothing was saved. Budgets, coupon uses and per-dealer limits were read as they stand and were not consumed; no order, redemption or counter was written. "before" = the stored active promotions, "after" = with the drafts.';

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
