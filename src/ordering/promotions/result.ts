/** README §6: the result's lines and the promotion and coupon reports. Records: see output.ts. */
import { formatCents } from './cents.js';
import type { Cart } from './cart.js';
import type { Compiled } from './compiled.js';
import type { Promotion } from './definition.js';
import { explain, reason, type Reason } from './explain.js';
import { CouponReportRecord, GiftRecord, LineDiscountRecord, LineRecord, newList, ReportRecord } from './output.js';
import type { Pass } from './pass.js';
import type { Outcome } from './rules.js';
import { unlockingCode, type EnteredCoupon } from './screening.js';
import type { CartLine, CouponReport, LineDiscount, PromotedLine, PromotionReport } from './types.js';

/** README §6: cart lines in cart order, then the gift lines. */
export function assembleLines(cart: readonly CartLine[], prepared: Cart, pass: Pass): PromotedLine[] {
  const n = prepared.lines.length;
  const discounts: LineDiscount[][] = [];
  for (let i = 0; i < n; i += 1) discounts.push(newList());
  for (let m = 0; m < pass.members.length; m += 1) {
    const outcome = pass.outcomes[m]!;
    if (!outcome.applied) continue;
    const code = pass.members[m]!.compiled.promotion.code;
    const parts = outcome.parts;
    for (let k = 0; k < parts.length; k += 2) discounts[parts[k]!]!.push(new LineDiscountRecord(code, formatCents(parts[k + 1]!)));
  }
  const sortedIndex = new Array<number>(cart.length);
  for (let sorted = 0; sorted < n; sorted += 1) sortedIndex[prepared.positions[sorted]!] = sorted;
  const lines: PromotedLine[] = newList();
  let lineNo = 0;
  for (let cartIndex = 0; cartIndex < cart.length; cartIndex += 1) {
    const line = cart[cartIndex]!;
    const i = sortedIndex[cartIndex]!;
    const gross = prepared.gross[i]!;
    const net = pass.remaining[i]!;
    lines.push(new LineRecord(line.lineNo, line.sku, line.qty, line.unitPrice, formatCents(gross), formatCents(gross - net), formatCents(net), false, null, discounts[i]!));
    lineNo = Math.max(lineNo, line.lineNo);
  }
  for (let m = 0; m < pass.members.length; m += 1) {
    const outcome = pass.outcomes[m]!;
    if (!outcome.applied) continue;
    const code = pass.members[m]!.compiled.promotion.code;
    for (const g of outcome.gifts) {
      lineNo += 1;
      lines.push(new LineRecord(lineNo, g.sku, g.qty, '0.00', '0.00', '0.00', '0.00', true, code, newList()));
    }
  }
  return lines;
}

/** The loaded promotion with this id (the last one, as a map by id would hold). */
function promotionById(promotions: readonly Promotion[], id: number): Promotion | undefined {
  for (let k = promotions.length - 1; k >= 0; k -= 1) if (promotions[k]!.id === id) return promotions[k];
  return undefined;
}

function couponReport(c: EnteredCoupon, status: CouponReport['status'], why: Reason): CouponReport {
  return new CouponReportRecord(c.entered, status, explain(why));
}

export function couponReports(entered: readonly EnteredCoupon[], promotions: readonly Promotion[], reports: readonly PromotionReport[]): CouponReport[] {
  const seen = new Set<string>();
  const out: CouponReport[] = newList();
  for (const c of entered) {
    if (seen.has(c.key)) continue;
    seen.add(c.key);
    if (c.problem !== null) {
      out.push(couponReport(c, 'invalid', c.problem));
      continue;
    }
    const promotion = promotionById(promotions, c.facts!.promotionId);
    if (promotion === undefined) {
      out.push(couponReport(c, 'invalid', reason('coupon_promotion_unavailable', { code: c.entered })));
      continue;
    }
    if (!promotion.requiresCoupon) {
      out.push(couponReport(c, 'not_applied', reason('coupon_not_needed', { promotion: promotion.code })));
      continue;
    }
    const unlocking = unlockingCode(promotion, entered)!;
    if (unlocking.key !== c.key) {
      out.push(couponReport(c, 'not_applied', reason('coupon_redundant', { other: unlocking.entered })));
      continue;
    }
    const promoted = reports.findLast((r) => r.id === promotion.id)!;
    if (promoted.status === 'applied') out.push(couponReport(c, 'applied', reason('coupon_applied', { code: c.entered, promotion: promotion.code })));
    else out.push(couponReport(c, 'not_applied', reason('coupon_promotion_not_applied', { promotion: promotion.code, why: promoted.reason.message.en })));
  }
  return out;
}

export function promotionReport(c: Compiled, outcome: Outcome | undefined, why: Reason, hint: Reason | null, coupons: readonly EnteredCoupon[]): PromotionReport {
  const p = c.promotion;
  const applied = outcome !== undefined && outcome.applied;
  const unlocking = p.requiresCoupon ? unlockingCode(p, coupons) : null;
  const gifts: GiftRecord[] = newList();
  if (applied) for (const g of outcome.gifts) gifts.push(new GiftRecord(g.sku, g.qty));
  return new ReportRecord(
    p.id,
    p.code,
    p.name,
    p.rule.type,
    c.lineLevel ? 'line' : 'order',
    applied ? 'applied' : 'not_applied',
    formatCents(applied ? outcome.discount : 0),
    gifts,
    explain(why),
    hint === null ? null : explain(hint),
    unlocking === null ? null : unlocking.entered,
  );
}
