/**
 * X12 852 product activity data → report rows. Read: XQ (02 start, 03 end of the reporting
 * period: the figures are dated at its end), N1 (a header N1 with an id — N103/N104 — is the
 * reporting store), LIN (qualifier/id pairs 02/03 … as item ids), ZA (01 activity: QS quantity
 * sold, QA current inventory = on hand; 02 quantity; 04/05 an optional date) and SDQ after a ZA
 * (the same activity split by store: 03/04, 05/06 … location id / quantity pairs, replacing the
 * ZA total). Other activity codes (received, on order, out of stock) are skipped.
 */
import { el, segmentTag, type X12TransactionSet } from '../x12/envelope.js';
import { stSegmentIndex } from '../x12/segment.js';
import { compactDate, count, type ActivityReport, type ReportRow } from './report.js';

const ACTIVITY: Record<string, 'quantitySold' | 'onHand'> = { QS: 'quantitySold', QA: 'onHand' };

export function reportFrom852(set: X12TransactionSet): ActivityReport {
  const rows: ReportRow[] = [];
  let date: string | null = null;
  let store = '';
  let reference: string | null = null;
  let items: ReportRow['items'] | null = null;
  let lineRef = '';
  // The last ZA: an SDQ right after it splits its figure by store, replacing the ZA's total row.
  let lastZa: { field: 'quantitySold' | 'onHand'; date: string | null; total: ReportRow | null } | null = null;
  const push = (field: 'quantitySold' | 'onHand', quantity: number, at: string, forDate: string | null, ref: string) => {
    const row: ReportRow = { ref, items: items ?? [], store: at, date: forDate, quantitySold: null, onHand: null };
    row[field] = quantity;
    rows.push(row);
    return row;
  };
  for (const s of set.segments) {
    const tag = segmentTag(s);
    if (tag !== 'SDQ') lastZa = null;
    if (tag === 'XQ') {
      date = compactDate(el(s, 3)) ?? compactDate(el(s, 2));
      reference = el(s, 4) || reference;
    } else if (tag === 'N1' && items === null && el(s, 4)) {
      store = el(s, 4);
    } else if (tag === 'LIN') {
      items = [];
      for (let i = 2; el(s, i + 1); i += 2) items.push({ qualifier: el(s, i), id: el(s, i + 1) });
      lineRef = `LIN ${el(s, 1) || rows.length + 1} (segment ${s.index})`;
    } else if (tag === 'ZA' && items) {
      const field = ACTIVITY[el(s, 1)];
      if (!field) continue;
      const zaDate = compactDate(el(s, 5)) ?? date;
      lastZa = { field, date: zaDate, total: push(field, count(el(s, 2)), store, zaDate, `${lineRef} ZA ${el(s, 1)}`) };
    } else if (tag === 'SDQ' && lastZa) {
      if (lastZa.total) {
        rows.splice(rows.indexOf(lastZa.total), 1);
        lastZa.total = null;
      }
      for (let i = 3; el(s, i); i += 2) push(lastZa.field, count(el(s, i + 1)), el(s, i), lastZa.date, `${lineRef} SDQ store ${el(s, i)} (segment ${s.index})`);
    }
  }
  return { documentType: '852', transaction: set.controlNumber, reference, position: { segment: stSegmentIndex(set), tag: 'ST' }, rows };
}
