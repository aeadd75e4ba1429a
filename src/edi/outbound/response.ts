/**
 * The order response both 855 and ORDRSP are written from (issue 7): what we answer, line by
 * line, to a partner's purchase order, decided from our order's review result. Pure.
 *
 * Mapping decisions:
 * - A review hold with a `credit` or `region` finding (severity hold) rejects the whole order:
 *   every line is "rejected" with that reason, and the order status is "rejected"
 *   (855 BAK02 RD "reject with detail", so the partner still sees each line and why; ORDRSP
 *   BGM 1225 = 27 "not accepted", LIN 1229 = 7). RJ ("rejected – no detail") is not used: it
 *   carries no lines, and the partner would lose the reason.
 * - `stock_short` (hold or info, policy hold or backorder): the line is "changed" with the
 *   available quantity as the accepted quantity; with nothing available it is "rejected"
 *   (reason stock).
 * - A line the intake could not turn into an order line (unknown product, no price …) is
 *   "rejected" with the reason the caller gives.
 * - A line whose ordered quantity differs from the PO's (pack rounding) is "changed".
 * - Any other hold (risk, pricing, erp, stock_unknown) is a decision still pending: no response
 *   is generated (`ResponseUndecidedError`); send it once a person has decided, passing the
 *   final review (decision approve, or the rejecting findings).
 */
import type { Finding, ReviewResult } from '../../ordering/types.js';
import type { PurchaseOrder, PurchaseOrderLine } from '../types.js';

/** How one PO line ended up in our order. */
export interface PoLineLink {
  /** The partner's line id (PO101 / LIN 1082), as in `PurchaseOrderLine.lineNo`. */
  poLineNo: string;
  /** Our order line number (PricedLine / OrderView line), null when the intake dropped the line. */
  orderLineNo: number | null;
  /** Quantity on our order line (after pack rounding). */
  qty?: number;
  /** Why the line was dropped, when `orderLineNo` is null. */
  rejectReason?: string;
}

export type LineStatus = 'accepted' | 'changed' | 'rejected';
export type ReasonCode = 'stock' | 'credit' | 'region' | 'product' | 'quantity';

export interface LineResponse {
  line: PurchaseOrderLine;
  status: LineStatus;
  /** What we ordered / confirm: the accepted quantity (0 when rejected). */
  orderedQty: number;
  acceptedQty: number;
  reason: ReasonCode | null;
  reasonText: string | null;
}

export interface OrderResponse {
  po: PurchaseOrder;
  /** accepted: every line as ordered; changed: some line changed or rejected; rejected: the whole order. */
  status: 'accepted' | 'changed' | 'rejected';
  reason: ReasonCode | null;
  reasonText: string | null;
  lines: LineResponse[];
}

export class ResponseUndecidedError extends Error {
  constructor(readonly findings: Finding[]) {
    super(`The order is on hold pending a decision (${findings.map((f) => f.code).join(', ')}): no order response yet`);
    this.name = 'ResponseUndecidedError';
  }
}

const ORDER_REJECTING = new Set<Finding['rule']>(['credit', 'region']);

export function decideResponse(po: PurchaseOrder, review: ReviewResult, links: PoLineLink[]): OrderResponse {
  const holds = review.decision === 'hold' ? review.findings.filter((f) => f.severity === 'hold') : [];
  const rejecting = holds.find((f) => ORDER_REJECTING.has(f.rule));
  const pending = holds.filter((f) => !ORDER_REJECTING.has(f.rule) && f.code !== 'stock_short');
  if (!rejecting && pending.length > 0) throw new ResponseUndecidedError(pending);

  const byPoLine = new Map(links.map((l) => [l.poLineNo, l]));
  const shortByOrderLine = new Map<number, number>();
  for (const f of review.findings) {
    if (f.code !== 'stock_short') continue;
    const lineNo = Number(f.data['lineNo']);
    const available = Number(f.data['available']);
    if (Number.isFinite(lineNo) && Number.isFinite(available)) shortByOrderLine.set(lineNo, Math.max(0, available));
  }

  if (rejecting) {
    const reason = rejecting.rule as ReasonCode;
    return {
      po,
      status: 'rejected',
      reason,
      reasonText: rejecting.message.en,
      lines: po.lines.map((line) => ({ line, status: 'rejected', orderedQty: line.qty, acceptedQty: 0, reason, reasonText: rejecting.message.en })),
    };
  }

  const lines = po.lines.map((line): LineResponse => {
    const link = byPoLine.get(line.lineNo);
    if (!link || link.orderLineNo === null) {
      return { line, status: 'rejected', orderedQty: line.qty, acceptedQty: 0, reason: 'product', reasonText: link?.rejectReason ?? 'Line not taken into the order' };
    }
    const ordered = link.qty ?? line.qty;
    const available = shortByOrderLine.get(link.orderLineNo);
    if (available !== undefined && available < ordered) {
      if (available === 0) return { line, status: 'rejected', orderedQty: line.qty, acceptedQty: 0, reason: 'stock', reasonText: 'Out of stock' };
      return { line, status: 'changed', orderedQty: line.qty, acceptedQty: available, reason: 'stock', reasonText: `Only ${available} available` };
    }
    if (ordered !== line.qty) return { line, status: 'changed', orderedQty: line.qty, acceptedQty: ordered, reason: 'quantity', reasonText: `Quantity adjusted to ${ordered} (pack size)` };
    return { line, status: 'accepted', orderedQty: line.qty, acceptedQty: line.qty, reason: null, reasonText: null };
  });
  const status = lines.every((l) => l.status === 'rejected') ? 'rejected' : lines.every((l) => l.status === 'accepted') ? 'accepted' : 'changed';
  return { po, status, reason: status === 'rejected' ? (lines[0]?.reason ?? null) : null, reasonText: null, lines };
}
