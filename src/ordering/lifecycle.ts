/**
 * Order lifecycle. Every state change goes through `assertTransition` so an illegal move is a
 * 409, never a silent overwrite.
 */
import { ConflictError } from '../core/errors.js';

export const ORDER_STATUSES = [
  'submitted',
  'approved',
  'held',
  'rejected',
  'released',
  'confirmed',
  'shipped',
  'delivered',
  'cancelled',
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** States from which an order can still be cancelled. Shipped goods are a return, not a cancel. */
export const OPEN_STATUSES: readonly OrderStatus[] = Object.freeze(['submitted', 'approved', 'held', 'released', 'confirmed']);

const NEXT: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  submitted: ['approved', 'held', 'cancelled'],
  held: ['approved', 'rejected', 'cancelled'],
  // approved → held: the ERP refused the order (erp_rejected); a person decides again.
  approved: ['released', 'held', 'cancelled'],
  // released → held: the ERP accepted the order provisionally and refused it later (EBS Order
  // Import; src/delivery/confirm.ts), erp_rejected.
  released: ['confirmed', 'held', 'cancelled'],
  confirmed: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  rejected: [],
  cancelled: [],
};

export function isOrderStatus(value: string): value is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(value);
}

export function isOpenStatus(status: OrderStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return isOrderStatus(from) && (NEXT[from]?.includes(to) ?? false);
}

/** Throws ConflictError naming both states when `from → to` is not a legal move. */
export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) {
    throw new ConflictError(`An order cannot move from '${from}' to '${to}'`, { code: 'illegal_transition', from, to });
  }
}

/**
 * Whether entering `status` gives the order's reserved stock back to ATP. Shipping consumes the
 * reservation (stock leaves on-hand), which is not a release. A held order holds no stock (review
 * holds reserve nothing; an order the ERP refused gives its stock back), so approving it again
 * allocates afresh.
 */
export function releasesReservation(status: OrderStatus): boolean {
  return status === 'cancelled' || status === 'rejected' || status === 'held';
}

/**
 * Shipped stock has left the warehouse: its reservations are consumed and taken off on hand, so
 * ATP (on hand − reserved) neither double-counts it after the WMS stock sync lowers on hand nor
 * offers it again before that sync runs.
 */
export function consumesReservation(status: OrderStatus): boolean {
  return status === 'shipped';
}

/** An order that ends without being fulfilled gives its promotion budgets and coupon uses back. */
export function releasesRedemptions(status: OrderStatus): boolean {
  return status === 'cancelled' || status === 'rejected';
}

/** Orders that count against the dealer's credit: approved and on their way, not yet invoiced. */
export const EXPOSURE_STATUSES: readonly OrderStatus[] = Object.freeze(['approved', 'released', 'confirmed']);

export function countsAgainstCredit(status: OrderStatus): boolean {
  return EXPOSURE_STATUSES.includes(status);
}

/**
 * Whether the ERP already has the order (so leaving this state must be announced to it). An
 * approved order whose delivery is still under way may have reached the ERP as well; the cancel
 * path also looks at the outbox for that (transition.ts).
 */
export function knownToErp(status: OrderStatus): boolean {
  return status === 'released' || status === 'confirmed';
}
