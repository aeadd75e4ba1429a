/**
 * The decision for an order, from facts, with no I/O: price → allocate (FEFO) → review. Used by
 * quotes (without locks) and by order placement (on locked facts, inside the transaction).
 */
import { UserError } from '../core/errors.js';
import { allocateLine, chooseWarehouse } from '../ordering/availability.js';
import { priceOrder } from '../ordering/pricing.js';
import { review } from '../ordering/review/index.js';
import type { LineAvailability, OrderLineRequest, PricingResult, ReviewPolicy, ReviewResult } from '../ordering/types.js';
import type { OrderFacts } from './facts.js';

export interface OrderingSettings {
  timeZone: string;
  policy: ReviewPolicy;
  /** Warehouse codes tried after the ones nearest the ship-to (config ordering.warehouseFallback). */
  warehouseFallback: readonly string[];
}

export interface Evaluation {
  pricing: PricingResult;
  availability: LineAvailability[];
  review: ReviewResult;
}

export function evaluateOrder(lines: OrderLineRequest[], facts: OrderFacts, settings: Pick<OrderingSettings, 'policy' | 'warehouseFallback'>, today: string): Evaluation {
  const pricing = priceOrder(lines, { products: facts.products, prices: facts.prices, currency: facts.dealer.currency }, today);
  if (pricing.problems.length > 0) {
    const first = pricing.problems[0]!;
    throw new UserError(first.message, { code: 'invalid_lines', problems: pricing.problems });
  }
  const availability = allocateLines(pricing.lines, facts, today, settings.warehouseFallback);
  const result = review(
    {
      lines: pricing.lines,
      availability,
      orderNet: pricing.totals.net,
      currency: pricing.totals.currency,
      credit: facts.credit,
      shipTo: facts.shipTo,
      authorisations: facts.authorisations,
      policy: settings.policy,
    },
    today,
  );
  return { pricing, availability, review: result };
}

/**
 * FEFO allocation of each line in the warehouse preferred for the ship-to. Pricing rejects a SKU
 * listed twice, so lines never compete for the same lots and each is allocated on its own, with
 * its own product's minimum remaining shelf life.
 */
export function allocateLines(
  lines: Array<{ lineNo: number; sku: string; qty: number }>,
  facts: OrderFacts,
  today: string,
  warehouseFallback: readonly string[] = [],
): LineAvailability[] {
  const warehouses = chooseWarehouse(facts.shipTo.regionCode, facts.warehouses, [...warehouseFallback]);
  return lines.map((line) => {
    const product = facts.products.get(line.sku);
    const minRemainingDays = Math.max(facts.dealer.minRemainingShelfLifeDays ?? 0, product?.minRemainingShelfLifeDays ?? 0);
    return allocateLine(line, facts.lots, warehouses, { minRemainingDays, today });
  });
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date in the business's time zone: expiry and validity are dates there. */
export function businessDate(now: Date, timeZone: string): string {
  // Building a DateTimeFormat costs more than an order's pricing; keep one per zone.
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  return format.format(now);
}
