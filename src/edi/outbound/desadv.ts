/**
 * EDIFACT/EANCOM DESADV (despatch advice, D96A, association EAN007) from a `ShipNotice`. Pure.
 *
 * - BGM 1001 = 351 (despatch advice), 1004 our shipment id, 1225 = 9 (original).
 * - DTM+137 document date, DTM+11 despatch date (format 102).
 * - RFF+ON the buyer's order number; RFF+CN the carrier's reference (tracking number).
 * - NAD+DP / NAD+BY echoed from the order (GLN, 3055 = 9).
 * - TDT+20 main carriage with the carrier's name (C040 3128).
 * - CPS+1 the consignment; per PO line and lot: LIN (1082 the partner's line id when numeric,
 *   its GTIN/SRV id), PIA+1 our SKU (SA) and the lot (NB batch number), QTY+12 despatched
 *   quantity, DTM+361 the lot's best-before date.
 * - CNT+2 number of LIN segments.
 */
import type { ShipNotice } from './ship-notice.js';
import { edifactDate102, writeEdifactInterchange, type EdifactInterchangeHeader, type EdifactSegmentData, type EdifactWriteDelimiters } from './edifact-writer.js';

export interface DesadvOptions {
  interchange: EdifactInterchangeHeader;
  /** Our UNH 0062. */
  messageRef: string;
  delimiters?: Partial<EdifactWriteDelimiters>;
}

export function buildDesadvBody(n: ShipNotice, o: { date: Date }): EdifactSegmentData[] {
  const body: EdifactSegmentData[] = [
    ['BGM', '351', n.shipmentId.slice(0, 35), '9'],
    ['DTM', ['137', edifactDate102(o.date), '102']],
    ['DTM', ['11', edifactDate102(n.shippedAt), '102']],
    ['RFF', ['ON', n.poNumber]],
  ];
  if (n.trackingNumber) body.push(['RFF', ['CN', n.trackingNumber.slice(0, 35)]]);
  for (const p of n.parties) {
    const role = p.role === 'ST' ? 'DP' : p.role;
    if (role !== 'DP' && role !== 'BY') continue;
    const gln = p.id && ['9', 'UL', '14'].includes(p.idQualifier ?? '') ? p.id : null;
    body.push(['NAD', role, gln ? [gln, null, '9'] : null, null, p.name ? [p.name.slice(0, 35)] : null]);
  }
  if (n.carrier) body.push(['TDT', '20', null, null, null, [null, null, null, n.carrier.slice(0, 35)]]);
  body.push(['CPS', '1']);
  let lin = 0;
  for (const line of n.lines) {
    const item = line.items.find((it) => it.qualifier === 'EN' || it.qualifier === 'SRV' || it.qualifier === 'UP') ?? line.items[0];
    const lots = line.lots.length > 0 ? line.lots : [{ lot: null, qty: line.qty, expiry: null }];
    for (const lot of lots) {
      lin += 1;
      const lineNo = /^\d{1,6}$/.test(line.poLineNo) && lots.length === 1 ? line.poLineNo : String(lin);
      body.push(['LIN', lineNo, null, item ? [item.id, item.qualifier === 'UP' || item.qualifier === 'EN' ? 'SRV' : item.qualifier.slice(0, 3)] : null]);
      body.push(['PIA', '1', [line.sku, 'SA'], ...(lot.lot ? [[lot.lot, 'NB']] : [])]);
      body.push(['QTY', ['12', lot.qty, line.unit && line.unit.length === 3 ? line.unit : null]]);
      if (lot.expiry && /^\d{4}-\d{2}-\d{2}$/.test(lot.expiry)) body.push(['DTM', ['361', lot.expiry.replace(/-/g, ''), '102']]);
    }
  }
  body.push(['CNT', ['2', lin]]);
  return body;
}

export function writeDesadv(n: ShipNotice, o: DesadvOptions): string {
  return writeEdifactInterchange(
    o.interchange,
    [{ ref: o.messageRef, type: 'DESADV', version: 'D', release: '96A', agency: 'UN', association: 'EAN007', body: buildDesadvBody(n, { date: o.interchange.date }) }],
    o.delimiters,
  );
}
