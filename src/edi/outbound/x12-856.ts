/**
 * X12 856 ship notice/manifest from a `ShipNotice` (pure; control numbers come from the caller).
 * Layout (shipment / order / item, the common "SOI" hierarchy of 4010 and 5010):
 *
 *   BSN*00*<shipment id>*CCYYMMDD*HHMM*0001
 *   HL*1**S  TD5 (carrier: a SCAC-like code in TD503 when it is one, else the name in TD505),
 *            REF*CN (tracking number), DTM*011 (shipped), N1*ST/BY echoed from the PO
 *   HL*2*1*O PRF (the partner's PO number and date), REF*VN (our order number)
 *   HL*n*2*I per PO line and lot: LIN (PO101 as LIN01, the partner's ids, our SKU as VN, the lot
 *            as LT), SN1 (quantity shipped, unit), DTM*036 (lot expiry)
 *   CTT (number of item HLs, hash total of SN102)
 *
 * A line with several lots becomes one item HL per lot, so each lot carries its own quantity.
 */
import type { ShipNotice } from './ship-notice.js';
import { writeX12Interchange, x12Date8, x12Text, x12Time, type X12GroupHeader, type X12InterchangeHeader, type X12SegmentData, type X12Value, type X12WriteDelimiters } from './x12-writer.js';

export interface Ship856Options {
  interchange: X12InterchangeHeader;
  group: Omit<X12GroupHeader, 'functionalId'>;
  setControlNumber: string | number;
  delimiters?: Partial<X12WriteDelimiters>;
}

const unit = (u: string | null) => (u && /^[A-Z0-9]{2}$/.test(u) ? u : 'EA');
const isoToX12 = (d: string | null) => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d.replace(/-/g, '') : undefined);
/** An id value may not hold a delimiter (X12 has no escape); such ids are left out rather than mangled. */
const safeId = (v: string, d?: Partial<X12WriteDelimiters>) => x12Text(v, d) === v && v.length <= 48;

export function build856Body(n: ShipNotice, o: { delimiters?: Partial<X12WriteDelimiters> } = {}): X12SegmentData[] {
  const d = o.delimiters;
  const body: X12SegmentData[] = [['BSN', '00', x12Text(n.shipmentId, d).slice(0, 30), x12Date8(n.shippedAt), x12Time(n.shippedAt), '0001']];
  body.push(['HL', 1, null, 'S']);
  if (n.carrier) {
    const scac = /^[A-Z]{2,4}$/.test(n.carrier) ? n.carrier : null;
    body.push(['TD5', 'B', scac ? '2' : null, scac, null, scac ? null : x12Text(n.carrier, d).slice(0, 35)]);
  }
  if (n.trackingNumber && safeId(n.trackingNumber, d)) body.push(['REF', 'CN', n.trackingNumber]);
  body.push(['DTM', '011', x12Date8(n.shippedAt), x12Time(n.shippedAt)]);
  for (const p of n.parties) {
    if (p.role !== 'ST' && p.role !== 'BY') continue;
    const qual = p.idQualifier && /^[A-Z0-9]{1,2}$/.test(p.idQualifier) && p.id && safeId(p.id, d) ? p.idQualifier : null;
    body.push(['N1', p.role, p.name ? x12Text(p.name, d).slice(0, 60) : null, qual, qual ? p.id : null]);
  }
  body.push(['HL', 2, 1, 'O']);
  body.push(['PRF', x12Text(n.poNumber, d).slice(0, 22), null, null, isoToX12(n.poDate)]);
  body.push(['REF', 'VN', x12Text(n.orderNumber, d)]);
  let hl = 2;
  let items = 0;
  let hash = 0;
  for (const line of n.lines) {
    const ids: X12Value[] = [];
    for (const it of line.items) if (/^[A-Z0-9]{2}$/.test(it.qualifier) && it.qualifier !== 'VN' && safeId(it.id, d)) ids.push(it.qualifier, it.id);
    if (safeId(line.sku, d)) ids.push('VN', line.sku);
    const lots = line.lots.length > 0 ? line.lots : [{ lot: null, qty: line.qty, expiry: null }];
    for (const lot of lots) {
      hl += 1;
      items += 1;
      hash += lot.qty;
      body.push(['HL', hl, 2, 'I']);
      const lotIds: X12Value[] = lot.lot && safeId(lot.lot, d) ? ['LT', lot.lot] : [];
      body.push(['LIN', x12Text(line.poLineNo, d).slice(0, 20), ...ids, ...lotIds]);
      body.push(['SN1', null, lot.qty, unit(line.unit)]);
      const expiry = isoToX12(lot.expiry);
      if (expiry) body.push(['DTM', '036', expiry]);
    }
  }
  body.push(['CTT', items, hash]);
  return body;
}

export function write856(n: ShipNotice, o: Ship856Options): string {
  return writeX12Interchange({
    header: o.interchange,
    delimiters: o.delimiters,
    groups: [{ header: { ...o.group, functionalId: 'SH' }, sets: [{ code: '856', controlNumber: o.setControlNumber, body: build856Body(n, { delimiters: o.delimiters }) }] }],
  });
}
