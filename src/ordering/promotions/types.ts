/** What the promotions engine takes and returns. Money is a decimal string, as everywhere. */
import type { Money } from '../types.js';
import type { CouponFacts, Promotion, PromotionType } from './definition.js';

/** A priced, non-gift line of the cart. SKUs are unique within a cart. */
export interface CartLine {
  lineNo: number;
  sku: string;
  qty: number;
  /** Up to 4 decimals. */
  unitPrice: Money;
  /** unitPrice × qty rounded half-up to cents. */
  gross: Money;
  category: string | null;
}

export interface PromotionContext {
  now: Date;
  /** 'YYYY-MM-DD' in the business time zone (for newDealerDays). */
  today: string;
  channel: 'portal' | 'api' | 'batch' | 'edi';
  dealer: {
    code: string;
    tier: string;
    group: string | null;
    /** 'YYYY-MM-DD' or null when unknown. */
    cooperationSince: string | null;
    /** Earlier orders that were not cancelled or rejected. */
    priorOrders: number;
  };
  /** The ship-to's 6-digit region code. */
  regionCode: string;
  currency: string;
  /** Codes as the dealer typed them; matched case-insensitively. */
  couponCodes: readonly string[];
  /** What the store knows about the entered codes. */
  coupons: readonly CouponFacts[];
  /** Orders of this dealer that used each promotion (by promotion id). */
  dealerUses: ReadonlyMap<number, number>;
  /**
   * Gift SKUs that are orderable (active), with the dealer's unit price when it has one
   * (used only to value a gift when choosing the best promotion). A gift SKU missing here
   * cannot be given.
   */
  giftProducts: ReadonlyMap<string, { unitPrice: Money | null }>;
}

/** Bilingual text with the machine-readable code and numbers it was made from. */
export interface Explanation {
  code: string;
  data: Record<string, string | number>;
  message: { 'zh-CN': string; en: string };
}

export interface LineDiscount {
  promotion: string;
  amount: Money;
}

export interface PromotedLine {
  lineNo: number;
  sku: string;
  qty: number;
  unitPrice: Money;
  gross: Money;
  discount: Money;
  net: Money;
  isGift: boolean;
  /** For a gift line: the promotion that gave it. */
  giftOf: string | null;
  /** Each promotion's share of this line's discount, in evaluation order. */
  discounts: LineDiscount[];
}

export type PromotionStatus = 'applied' | 'not_applied';

export interface PromotionReport {
  id: number;
  code: string;
  name: string;
  type: PromotionType;
  level: 'line' | 'order';
  status: PromotionStatus;
  /** Discount this promotion gave (0.00 when not applied). */
  discount: Money;
  gifts: Array<{ sku: string; qty: number }>;
  /** Why it applied (with the numbers) or why not. */
  reason: Explanation;
  /** For a promotion not reached: what would reach it ("spend 180.00 more for 100.00 off"). */
  hint: Explanation | null;
  /** The coupon code that unlocked it, if any. */
  coupon: string | null;
}

export interface CouponReport {
  code: string;
  status: 'applied' | 'not_applied' | 'invalid';
  reason: Explanation;
}

export interface PromotionResult {
  /** Cart lines in cart order with their discounts, then gift lines in evaluation order. */
  lines: PromotedLine[];
  totals: { gross: Money; discount: Money; net: Money; currency: string };
  /** Every promotion considered, in evaluation order (line-level, then priority, then id). */
  promotions: PromotionReport[];
  coupons: CouponReport[];
}

export type { CouponFacts, Promotion };
