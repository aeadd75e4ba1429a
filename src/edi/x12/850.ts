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
import { EdiError, type ItemRef, type PartyRef, type PurchaseOrder, type PurchaseOrderLine } from '../types.js';
import type { X12Document, X12Group, X12Interchange, X12TransactionSet, X12Warning } from './envelope.js';
import { fastPo1 } from './po1.js';
import { intern, runOf, X12TableSet, type SegmentRun } from './segment.js';

export interface X12PurchaseOrderResult {
  order: PurchaseOrder;
  warnings: X12Warning[];
}

const PURPOSE: Record<string, PurchaseOrder['purpose']> = { '00': 'original', '01': 'cancel', '04': 'change' };
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** The position of segment k of the set (0 = ST), or of its element n. */
function at(run: SegmentRun, k: number, element?: number) {
  return element ? { segment: run.index(k), tag: run.tag(k), element } : { segment: run.index(k), tag: run.tag(k) };
}

/** CCYYMMDD → YYYY-MM-DD; anything else → null (with a warning from the caller). */
function isoDate(v: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v.trim());
  if (!m) return null;
  const [, y, mo, d] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return null;
  return `${y}-${mo}-${d}`;
}

function decimal(v: string, run: SegmentRun, k: number, n: number, what: string): string {
  const t = v.trim();
  if (!DECIMAL.test(t)) throw new EdiError(`${what} is not a number: "${t}"`, 'X12_850_BAD_NUMBER', at(run, k, n));
  return t.startsWith('.') ? `0${t}` : t;
}

export function purchaseOrderFrom850(set: X12TransactionSet, group: X12Group, ic: X12Interchange): X12PurchaseOrderResult {
  // Segments by position, not as objects: the reader's sets hand out their table rows.
  const run = runOf(set);
  if (set.code !== '850') throw new EdiError(`Transaction set ${set.code} is not an 850`, 'X12_850_WRONG_SET', at(run, 0, 1));
  const warnings: X12Warning[] = [];
  const warn = (code: string, message: string, k: number, n?: number) => warnings.push({ code, message, position: at(run, k, n) });
  const date = (v: string, k: number, n: number): string | null => {
    if (!v) return null;
    const d = isoDate(v);
    if (!d) warn('X12_850_BAD_DATE', `Date "${v}" is not CCYYMMDD; ignored`, k, n);
    return d;
  };

  let beg = -1;
  let currency: string | null = null;
  let requestedDate: string | null = null;
  const parties: PartyRef[] = [];
  const lines: PurchaseOrderLine[] = [];
  let line: PurchaseOrderLine | null = null;
  let ctt = -1;
  let qtySum = 0;
  const scratch: ItemRef[] = [];
  // The reader's sets: PO1 lines straight from the text (po1.ts), when they are plain slices.
  const table = set instanceof X12TableSet ? set.table : null;
  const from = set instanceof X12TableSet ? set.from : 0;
  const sepCode = table ? table.separator.charCodeAt(0) : 0;

  // Each segment's elements are split once here and not kept.
  for (let k = 0; k < run.length; k++) {
    switch (run.tag(k)) {
      case 'BEG':
        beg = k;
        break;
      case 'CUR':
        if (!line && !currency) currency = (run.fields(k)[2] ?? '').trim() || null;
        break;
      case 'DTM': {
        const f = run.fields(k);
        if (f[1] === '002') {
          const d = date(f[2] ?? '', k, 2);
          if (line) line.requestedDate = d;
          else requestedDate = d;
        }
        break;
      }
      case 'N1': {
        if (line) break; // line-level ship-to (SDQ-style) is not part of the neutral shape
        const f = run.fields(k);
        parties.push({ role: f[1] ?? '', idQualifier: f[3] || null, id: (f[4] ?? '').trim() || null, name: (f[2] ?? '').trim() || null });
        break;
      }
      case 'PO1': {
        const row = from + k;
        const fast = table !== null && table.isSlice(row) ? fastPo1(table.text, table.starts[row]!, table.ends[row]!, sepCode) : null;
        if (fast !== null) {
          qtySum += fast.qty;
          line = fast;
          lines.push(line);
          break;
        }
        const f = run.fields(k);
        const qtyRaw = f[2] ?? '';
        if (!qtyRaw) throw new EdiError('PO102 (quantity ordered) is missing', 'X12_850_MISSING_ELEMENT', at(run, k, 2));
        const qty = Number(decimal(qtyRaw, run, k, 2, 'PO102'));
        qtySum += qty;
        scratch.length = 0;
        for (let n = 6; n + 1 < f.length; n += 2) {
          const q = f[n]!.trim();
          const id = f[n + 1]!.trim();
          if (q && id) scratch.push({ qualifier: intern(q), id });
        }
        // A copy is sized to its content; a pushed-to array keeps room for 16 (kept per line).
        const items = scratch.slice();
        let lineNo = intern((f[1] ?? '').trim());
        if (!lineNo) {
          lineNo = String(lines.length + 1);
          warn('X12_850_LINE_NUMBER_MISSING', `PO101 empty; numbered ${lineNo} by position`, k, 1);
        }
        const price = f[4] ?? '';
        line = { lineNo, items, qty, unit: intern((f[3] ?? '').trim()) || null, unitPrice: price ? decimal(price, run, k, 4, 'PO104') : null, requestedDate: null };
        lines.push(line);
        break;
      }
      case 'CTT':
        ctt = k;
        line = null;
        break;
    }
  }

  if (beg < 0) throw new EdiError(`850 ${set.controlNumber} has no BEG segment`, 'X12_850_MISSING_BEG', at(run, 0));
  const b = run.fields(beg);
  const poNumber = (b[3] ?? '').trim();
  if (!poNumber) throw new EdiError('BEG03 (purchase order number) is missing', 'X12_850_MISSING_ELEMENT', at(run, beg, 3));
  const purposeCode = b[1] ?? '';
  if (ctt >= 0) {
    const c = run.fields(ctt);
    const n = Number(c[1] ?? '');
    if (n !== lines.length) warn('X12_850_CTT_MISMATCH', `CTT01 says ${c[1] ?? ''} line items, found ${lines.length} PO1`, ctt, 1);
    const hash = (c[2] ?? '').trim();
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
      orderDate: date(b[5] ?? '', beg, 5),
      requestedDate,
      currency,
      parties,
      lines,
      control: { interchange: ic.controlNumber, group: group.controlNumber, transaction: set.controlNumber, sender: ic.sender.id, receiver: ic.receiver.id },
      position: at(run, 0),
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
