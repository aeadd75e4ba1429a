/**
 * EDIFACT/EANCOM ORDRSP (purchase order response, D96A, EANCOM association EAN005) from an
 * `OrderResponse` (see response.ts for the review → line status mapping). Pure.
 *
 * Code values from the EANCOM 1997 ORDRSP guide (GS1 EANCOM Part II, ORDRSP version 005) and
 * Part III code lists:
 * - BGM 1001 = 231 (purchase order response); 1225 message function = 29 (accepted without
 *   amendment), 4 (change: some line changed or not accepted), 27 (not accepted: the order).
 * - DTM+137 document date (format 102 CCYYMMDD); RFF+ON the buyer's order number.
 * - NAD+BY / NAD+DP echoed from the order (GLN with 3055 = 9), NAD+SU ourselves when given.
 * - LIN 1229 action code: 5 accepted without amendment, 3 changed, 7 not accepted.
 * - QTY+21 ordered quantity, QTY+113 quantity to be delivered (accepted; omitted when not
 *   accepted); FTX+ACD (reason) carries the reason text of a changed or rejected line.
 * - UNS+S, CNT+2 number of line items.
 */
import type { OrderResponse } from './response.js';
import { edifactDate102, writeEdifactInterchange, type EdifactInterchangeHeader, type EdifactSegmentData, type EdifactWriteDelimiters } from './edifact-writer.js';

export interface OrdrspOptions {
  interchange: EdifactInterchangeHeader;
  /** Our UNH 0062 and the response document number (BGM 1004). */
  messageRef: string;
  documentNumber: string;
  /** Our GLN for NAD+SU. */
  supplierGln?: string;
  delimiters?: Partial<EdifactWriteDelimiters>;
}

export const BGM_1225 = { accepted: '29', changed: '4', rejected: '27' } as const;
export const LIN_1229 = { accepted: '5', changed: '3', rejected: '7' } as const;

export function buildOrdrspBody(r: OrderResponse, o: { documentNumber: string; date: Date; supplierGln?: string }): EdifactSegmentData[] {
  const po = r.po;
  const body: EdifactSegmentData[] = [
    ['BGM', '231', o.documentNumber, BGM_1225[r.status]],
    ['DTM', ['137', edifactDate102(o.date), '102']],
    ['RFF', ['ON', po.poNumber]],
  ];
  if (po.orderDate && /^\d{4}-\d{2}-\d{2}$/.test(po.orderDate)) body.push(['DTM', ['171', po.orderDate.replace(/-/g, ''), '102']]);
  for (const p of po.parties) {
    const role = p.role === 'ST' ? 'DP' : p.role === 'BT' ? 'IV' : p.role;
    if (!['BY', 'DP', 'IV'].includes(role)) continue;
    const gln = p.id && (p.idQualifier === '9' || p.idQualifier === 'UL' || p.idQualifier === '14') ? p.id : null;
    body.push(['NAD', role, gln ? [gln, null, '9'] : null, null, p.name ? [p.name] : null]);
  }
  if (o.supplierGln) body.push(['NAD', 'SU', [o.supplierGln, null, '9']]);
  r.lines.forEach((l, i) => {
    const lineNo = /^\d{1,6}$/.test(l.line.lineNo) ? l.line.lineNo : String(i + 1);
    const item = l.line.items.find((it) => it.qualifier === 'EN' || it.qualifier === 'UP' || it.qualifier === 'SRV') ?? l.line.items[0];
    body.push(['LIN', lineNo, LIN_1229[l.status], item ? [item.id, item.qualifier.slice(0, 3)] : null]);
    body.push(['QTY', ['21', l.orderedQty, l.line.unit && l.line.unit.length === 3 ? l.line.unit : null]]);
    if (l.status !== 'rejected') body.push(['QTY', ['113', l.acceptedQty]]);
    if (l.status !== 'accepted' && l.reasonText) body.push(['FTX', 'ACD', null, null, chunks(l.reasonText, 70, 5)]);
  });
  body.push(['UNS', 'S']);
  body.push(['CNT', ['2', r.lines.length]]);
  return body;
}

/** C108: up to five 4440 free-text components of at most 70 characters each. */
function chunks(text: string, size: number, max: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length && out.length < max; i += size) out.push(text.slice(i, i + size));
  return out;
}

export function writeOrdrsp(r: OrderResponse, o: OrdrspOptions): string {
  return writeEdifactInterchange(
    o.interchange,
    [{ ref: o.messageRef, type: 'ORDRSP', version: 'D', release: '96A', agency: 'UN', association: 'EAN005', body: buildOrdrspBody(r, { documentNumber: o.documentNumber, date: o.interchange.date, supplierGln: o.supplierGln }) }],
    o.delimiters,
  );
}
