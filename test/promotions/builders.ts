/** Plain builders for promotion test data: a cart line, a promotion, a context. */
import { Decimal } from 'decimal.js';
import type { Promotion, PromotionRule } from '../../src/ordering/promotions/definition.js';
import type { CartLine, PromotionContext } from '../../src/ordering/promotions/types.js';

const D = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_UP });

export const NOW = new Date('2026-06-15T04:00:00.000Z');
export const TODAY = '2026-06-15';

/** unitPrice × qty rounded half-up to cents. */
export function grossOf(unitPrice: string, qty: number): string {
  return new D(unitPrice).times(qty).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

export function line(lineNo: number, sku: string, unitPrice: string, qty: number, category: string | null = null): CartLine {
  return { lineNo, sku, qty, unitPrice, gross: grossOf(unitPrice, qty), category };
}

/** Cart lines numbered 1… in the order given. */
export function cart(...lines: Array<[sku: string, unitPrice: string, qty: number, category?: string | null]>): CartLine[] {
  return lines.map(([sku, unitPrice, qty, category], i) => line(i + 1, sku, unitPrice, qty, category ?? null));
}

export function promotion(id: number, rule: PromotionRule, extra: Partial<Promotion> = {}): Promotion {
  return {
    id,
    code: `P${id}`,
    name: `Promotion ${id}`,
    rule,
    eligibility: {},
    priority: 100,
    stackable: true,
    exclusiveGroup: null,
    validFrom: null,
    validTo: null,
    requiresCoupon: false,
    status: 'active',
    budgetAmount: null,
    budgetUses: null,
    usedAmount: '0.00',
    usedUses: 0,
    perDealerLimit: null,
    ...extra,
  };
}

export function context(extra: Partial<PromotionContext> = {}): PromotionContext {
  return {
    now: NOW,
    today: TODAY,
    channel: 'portal',
    dealer: { code: 'D001', tier: 'gold', group: 'GA', cooperationSince: '2024-01-01', priorOrders: 3 },
    regionCode: '440305',
    currency: 'CNY',
    couponCodes: [],
    coupons: [],
    dealerUses: new Map(),
    giftProducts: new Map(),
    ...extra,
  };
}
