/**
 * X12 855 purchase order acknowledgement from an `OrderResponse` (see response.ts for how the
 * review result maps to line statuses). Pure; our control numbers come from the caller.
 *
 * BAK01 "00" (original); BAK02 AD (acknowledge – with detail, no change) when every line is
 * accepted as ordered, AC (acknowledge – with detail and change) when any line is changed or
 * rejected, RD (reject with detail) when the whole order is rejected (credit or region hold, or
 * no line accepted). BAK03 the partner's PO number, BAK04 its PO date (CCYYMMDD), BAK08 our
 * order number, BAK09 the acknowledgement date.
 *
 * Per PO line: PO1 echoing the partner's line id (PO101), ordered quantity, unit, price and
 * product ids; for a changed or rejected line a MSG with the reason text (the 4010 PO1 loop's
 * MSG, before the ACK loop); ACK with ACK01 IA (item accepted), IQ (accepted – quantity
 * changed: ACK02 = the available quantity) or IR (item rejected: ACK02 = 0). CTT: number of PO1
 * segments and the hash total of PO102.
 */
import type { OrderResponse } from './response.js';
import { writeX12Interchange, x12Date8, x12Text, type X12GroupHeader, type X12InterchangeHeader, type X12SegmentData, type X12Value, type X12WriteDelimiters } from './x12-writer.js';

export interface Ack855Options {
  interchange: X12InterchangeHeader;
  group: Omit<X12GroupHeader, 'functionalId'>;
  setControlNumber: string | number;
  /** Our order number (BAK08). */
  orderNumber?: string;
  delimiters?: Partial<X12WriteDelimiters>;
}

const ACK01 = { accepted: 'IA', changed: 'IQ', rejected: 'IR' } as const;

export function bak02(r: OrderResponse): 'AD' | 'AC' | 'RD' {
  return r.status === 'rejected' ? 'RD' : r.status === 'changed' ? 'AC' : 'AD';
}

function unit(u: string | null): string {
  return u && /^[A-Z0-9]{2}$/.test(u) ? u : 'EA';
}

function isoToX12(date: string | null): string | undefined {
  if (!date) return undefined;
  const digits = date.replace(/-/g, '');
  return /^\d{8}$/.test(digits) ? digits : undefined;
}

export function build855Body(r: OrderResponse, o: { orderNumber?: string; date: Date; delimiters?: Partial<X12WriteDelimiters> }): X12SegmentData[] {
  const po = r.po;
  const body: X12SegmentData[] = [['BAK', '00', bak02(r), po.poNumber, isoToX12(po.orderDate) ?? x12Date8(o.date), null, null, null, o.orderNumber, x12Date8(o.date)]];
  if (po.syntax === 'x12') {
    for (const p of po.parties) {
      if (!/^[A-Z0-9]{2,3}$/.test(p.role)) continue;
      const qual = p.idQualifier && /^[A-Z0-9]{1,2}$/.test(p.idQualifier) && p.id ? p.idQualifier : null;
      body.push(['N1', p.role, p.name ? x12Text(p.name, o.delimiters).slice(0, 60) : null, qual, qual ? p.id : null]);
    }
  }
  let hash = 0;
  for (const l of r.lines) {
    const line = l.line;
    const ids: X12Value[] = [];
    for (const it of line.items) if (/^[A-Z0-9]{2}$/.test(it.qualifier)) ids.push(it.qualifier, it.id);
    hash += line.qty;
    body.push(['PO1', line.lineNo, line.qty, unit(line.unit), line.unitPrice, null, ...ids]);
    if (l.status !== 'accepted' && l.reasonText) body.push(['MSG', x12Text(l.reasonText, o.delimiters).slice(0, 264)]);
    body.push(['ACK', ACK01[l.status], l.acceptedQty, unit(line.unit)]);
  }
  body.push(['CTT', r.lines.length, hash]);
  return body;
}

export function write855(r: OrderResponse, o: Ack855Options): string {
  return writeX12Interchange({
    header: o.interchange,
    delimiters: o.delimiters,
    groups: [{ header: { ...o.group, functionalId: 'PR' }, sets: [{ code: '855', controlNumber: o.setControlNumber, body: build855Body(r, { orderNumber: o.orderNumber, date: o.interchange.date, delimiters: o.delimiters }) }] }],
  });
}
