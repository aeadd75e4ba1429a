/**
 * What an advance ship notice says, whatever the syntax (X12 856 or EDIFACT DESADV): the
 * shipment, the partner's purchase order it fulfils, and per PO line the quantity shipped and the
 * lots it came from. Built by the transport layer from the order, its consumed reservations and
 * the carrier's data (src/edi/transport/ship-notice-facts.ts); the writers are pure.
 */
import type { ItemRef, PartyRef } from '../types.js';

export interface ShipNoticeLot {
  lot: string;
  qty: number;
  /** ISO date (YYYY-MM-DD) or null. */
  expiry: string | null;
}

export interface ShipNoticeLine {
  /** The partner's line id (PO101 / LIN 1082) this line ships. */
  poLineNo: string;
  /** The partner's item ids as it sent them, then our SKU (qualifier VN / SA). */
  items: ItemRef[];
  sku: string;
  /** Quantity shipped (Σ lots when lots are known). */
  qty: number;
  unit: string | null;
  lots: ShipNoticeLot[];
}

export interface ShipNotice {
  /** Our shipment id (BSN02 / BGM 1004): the order number, unique per shipment here (one shipment per order). */
  shipmentId: string;
  orderNumber: string;
  poNumber: string;
  /** ISO date or null. */
  poDate: string | null;
  shippedAt: Date;
  carrier: string | null;
  trackingNumber: string | null;
  /** The partner's parties from the PO (ship-to and buyer are echoed). */
  parties: PartyRef[];
  lines: ShipNoticeLine[];
}

/** Total quantity shipped (the CTT hash total and a sanity figure for tests). */
export function shippedQuantity(n: ShipNotice): number {
  return n.lines.reduce((sum, l) => sum + l.qty, 0);
}
