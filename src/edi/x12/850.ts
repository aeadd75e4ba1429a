/**
 * X12 850 (004010, 004010VICS, 005010 …) → the neutral `PurchaseOrder` (issue 7).
 *
 * Header: BEG (01 purpose, 03 PO number, 05 date CCYYMMDD), CUR (02 currency), DTM*002
 * (requested delivery), N1 loops (every N1 before the first PO1, role = N101 as sent, id
 * qualifier/id = N103/N104). Lines: PO1 (01 line no, 02 qty, 03 unit, 04 price, then
 * qualifier/id pairs 06/07 … 24/25, all qualifiers kept as sent), DTM*002 inside the PO1 loop.
 * PID, PO4, REF, SAC … are ignored.
 *
 * CTT: a mismatch between CTT01 and the number of PO1 segments (or CTT02 and the sum of PO102)
 * is a *warning*, not an error. The envelope's SE01 count already proves the set is complete;
 * partners compute CTT differently (some count line items, some segments) and rejecting a
 * complete order over a hash total helps no one. The warning travels with the order so review
 * can hold it.
 */
import { EdiError, type PartyRef, type PurchaseOrder, type PurchaseOrderLine } from '../types.js';
import { el, type X12Document, type X12Group, type X12Interchange, type X12Segment, type X12TransactionSet, type X12Warning } from './envelope.js';

export interface X12PurchaseOrderResult {
  order: PurchaseOrder;
  warnings: X12Warning[];
}

const PURPOSE: Record<string, PurchaseOrder['purpose']> = { '00': 'original', '01': 'cancel', '04': 'change' };
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

function at(s: X12Segment, element?: number) {
  return element ? { segment: s.index, tag: s.elements[0]!, element } : { segment: s.index, tag: s.elements[0]! };
}

/** CCYYMMDD → YYYY-MM-DD; anything else → null (with a warning from the caller). */
function isoDate(v: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v.trim());
  if (!m) return null;
  const [, y, mo, d] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return null;
  return `${y}-${mo}-${d}`;
}

function decimal(v: string, s: X12Segment, n: number, what: string): string {
  const t = v.trim();
  if (!DECIMAL.test(t)) throw new EdiError(`${what} is not a number: "${t}"`, 'X12_850_BAD_NUMBER', at(s, n));
  return t.startsWith('.') ? `0${t}` : t;
}

export function purchaseOrderFrom850(set: X12TransactionSet, group: X12Group, ic: X12Interchange): X12PurchaseOrderResult {
  const st = set.segments[0]!;
  if (set.code !== '850') throw new EdiError(`Transaction set ${set.code} is not an 850`, 'X12_850_WRONG_SET', at(st, 1));
  const warnings: X12Warning[] = [];
  const warn = (code: string, message: string, s: X12Segment, n?: number) => warnings.push({ code, message, position: at(s, n) });
  const date = (v: string, s: X12Segment, n: number): string | null => {
    if (!v) return null;
    const d = isoDate(v);
    if (!d) warn('X12_850_BAD_DATE', `Date "${v}" is not CCYYMMDD; ignored`, s, n);
    return d;
  };

  let beg: X12Segment | null = null;
  let currency: string | null = null;
  let requestedDate: string | null = null;
  const parties: PartyRef[] = [];
  const lines: PurchaseOrderLine[] = [];
  let line: PurchaseOrderLine | null = null;
  let ctt: X12Segment | null = null;
  let qtySum = 0;

  for (const s of set.segments) {
    switch (s.elements[0]) {
      case 'BEG':
        beg = s;
        break;
      case 'CUR':
        if (!line && !currency) currency = el(s, 2).trim() || null;
        break;
      case 'DTM':
        if (el(s, 1) === '002') {
          const d = date(el(s, 2), s, 2);
          if (line) line.requestedDate = d;
          else requestedDate = d;
        }
        break;
      case 'N1':
        if (line) break; // line-level ship-to (SDQ-style) is not part of the neutral shape
        parties.push({ role: el(s, 1), idQualifier: el(s, 3) || null, id: el(s, 4).trim() || null, name: el(s, 2).trim() || null });
        break;
      case 'PO1': {
        const qtyRaw = el(s, 2);
        if (!qtyRaw) throw new EdiError('PO102 (quantity ordered) is missing', 'X12_850_MISSING_ELEMENT', at(s, 2));
        const qty = Number(decimal(qtyRaw, s, 2, 'PO102'));
        qtySum += qty;
        const items = [];
        for (let n = 6; n + 1 < s.elements.length; n += 2) {
          const q = el(s, n).trim();
          const id = el(s, n + 1).trim();
          if (q && id) items.push({ qualifier: q, id });
        }
        let lineNo = el(s, 1).trim();
        if (!lineNo) {
          lineNo = String(lines.length + 1);
          warn('X12_850_LINE_NUMBER_MISSING', `PO101 empty; numbered ${lineNo} by position`, s, 1);
        }
        line = { lineNo, items, qty, unit: el(s, 3).trim() || null, unitPrice: el(s, 4) ? decimal(el(s, 4), s, 4, 'PO104') : null, requestedDate: null };
        lines.push(line);
        break;
      }
      case 'CTT':
        ctt = s;
        line = null;
        break;
    }
  }

  if (!beg) throw new EdiError(`850 ${set.controlNumber} has no BEG segment`, 'X12_850_MISSING_BEG', at(st));
  const poNumber = el(beg, 3).trim();
  if (!poNumber) throw new EdiError('BEG03 (purchase order number) is missing', 'X12_850_MISSING_ELEMENT', at(beg, 3));
  const purposeCode = el(beg, 1);
  if (ctt) {
    const n = Number(el(ctt, 1));
    if (n !== lines.length) warn('X12_850_CTT_MISMATCH', `CTT01 says ${el(ctt, 1)} line items, found ${lines.length} PO1`, ctt, 1);
    const hash = el(ctt, 2).trim();
    if (hash && Number(hash) !== qtySum) warn('X12_850_CTT_HASH_MISMATCH', `CTT02 hash total ${hash} ≠ sum of PO102 ${qtySum}`, ctt, 2);
  }

  return {
    warnings,
    order: {
      syntax: 'x12',
      documentType: '850',
      version: set.implementationRef ?? group.version,
      poNumber,
      purpose: PURPOSE[purposeCode] ?? 'other',
      purposeCode,
      orderDate: date(el(beg, 5), beg, 5),
      requestedDate,
      currency,
      parties,
      lines,
      control: { interchange: ic.controlNumber, group: group.controlNumber, transaction: set.controlNumber, sender: ic.sender.id, receiver: ic.receiver.id },
      position: at(st),
    },
  };
}

/** Every 850 of a parsed document, in file order. Other transaction sets are skipped. */
export function purchaseOrdersFromX12(doc: X12Document): X12PurchaseOrderResult[] {
  const out: X12PurchaseOrderResult[] = [];
  for (const ic of doc.interchanges) {
    for (const g of ic.groups) for (const set of g.sets) if (set.code === '850') out.push(purchaseOrderFrom850(set, g, ic));
  }
  return out;
}
