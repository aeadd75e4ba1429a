/**
 * What the EDI layer produces, whatever the syntax (X12 or EDIFACT): interchanges with their
 * envelopes checked, and purchase orders in one neutral shape the order intake maps to an order
 * (issue 7). Positions name the segment (1-based within the interchange) so every error can
 * say where it is.
 */

export interface EdiPosition {
  /** 1-based index of the segment within the file. */
  segment: number;
  /** Segment tag, e.g. "BEG" or "UNH". */
  tag: string;
  /** 1-based element position within the segment, when the problem is one element. */
  element?: number;
}

export class EdiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly position: EdiPosition | null,
  ) {
    super(position ? `${message} (segment ${position.segment} ${position.tag}${position.element ? `, element ${position.element}` : ''})` : message);
    this.name = 'EdiError';
  }
}

export interface PartyRef {
  /** Qualifier as sent: N1 01 ("ST", "BT", "BY") or NAD 3035 ("BY", "DP"). */
  role: string;
  /** The id's qualifier: X12 N103 ("92", "UL" = GLN …) or EDIFACT 3055 ("9" = GLN). */
  idQualifier: string | null;
  id: string | null;
  name: string | null;
}

export interface ItemRef {
  /** X12 product id qualifier (UP, EN, VN, BP, IN …) or EDIFACT 7143 (EN, SRV, SA, IN …). */
  qualifier: string;
  id: string;
}

export interface PurchaseOrderLine {
  lineNo: string;
  items: ItemRef[];
  qty: number;
  unit: string | null;
  /** Decimal string as sent (decimal comma normalised to a point). */
  unitPrice: string | null;
  requestedDate: string | null;
}

export interface PurchaseOrder {
  syntax: 'x12' | 'edifact';
  /** 850 / ORDERS, and the version/release (004010, 005010, D96A, D01B). */
  documentType: string;
  version: string;
  /** Partner's PO number (BEG03 / BGM 1004). */
  poNumber: string;
  /** original | cancel | change | other (BEG01 / BGM 1225), with the raw code. */
  purpose: 'original' | 'cancel' | 'change' | 'other';
  purposeCode: string;
  orderDate: string | null;
  requestedDate: string | null;
  currency: string | null;
  parties: PartyRef[];
  lines: PurchaseOrderLine[];
  /** The transaction set's control number (ST02 / UNH 0062) and envelope ids. */
  control: { interchange: string; group: string | null; transaction: string; sender: string; receiver: string };
  position: EdiPosition;
}
