/**
 * EANCOM SLSRPT (sales data report) and INVRPT (inventory report) → report rows. Read: BGM
 * (1004 document number), DTM (C507: 102/203 dates and 718 periods, whose end counts; in the
 * header the sales / inventory date 356, 366, 179 or the period end 91, 206 beats the start 90,
 * 194, which beats the document date 137; a DTM inside a location or line dates what follows),
 * LOC (C517 the store: before the lines it is the reporting location; in INVRPT a LOC right
 * after a QTY is where that stock is), LIN (7140/7143) and PIA (further item ids), QTY (6063
 * 153 statistical sales → sold; 145 actual stock or 198 quantity in stock → on hand).
 */
import { el, type EdifactMessage, type EdifactSegment } from '../edifact/model.js';
import { compactDate, count, type ActivityReport, type ReportRow } from './report.js';

const HEADER_DATE_RANK = ['356', '366', '179', '91', '206', '90', '194', '137'];
const QTY_FIELD: Record<string, 'quantitySold' | 'onHand'> = { '153': 'quantitySold', '145': 'onHand', '198': 'onHand' };

function dateOf(s: EdifactSegment): string | null {
  const value = el(s, 1, 1);
  const format = el(s, 1, 2) || '102';
  if (format === '718') return compactDate(value.split('-')[1] ?? '');
  return format === '102' || format === '203' || format === '204' ? compactDate(value) : null;
}

export function reportFromEdifact(msg: EdifactMessage): ActivityReport {
  const documentType = msg.type === 'INVRPT' ? 'INVRPT' : 'SLSRPT';
  const rows: ReportRow[] = [];
  let reference: string | null = null;
  let headerDate: { date: string; rank: number } | null = null;
  let date: string | null = null;
  let store = '';
  let items: ReportRow['items'] | null = null;
  let lineRef = '';
  let inBody = false;
  // INVRPT: the QTY rows since the last LOC or LIN, which a following LOC places in a store.
  let unplaced: ReportRow[] = [];
  for (const s of msg.segments) {
    switch (s.tag) {
      case 'BGM':
        reference = el(s, 2) || null;
        break;
      case 'DTM': {
        const d = dateOf(s);
        if (!d) break;
        if (!inBody) {
          const rank = HEADER_DATE_RANK.indexOf(el(s, 1));
          const r = rank < 0 ? HEADER_DATE_RANK.length : rank;
          if (!headerDate || r < headerDate.rank) headerDate = { date: d, rank: r };
        } else date = d;
        break;
      }
      case 'LOC':
        if (documentType === 'INVRPT' && unplaced.length > 0) {
          for (const row of unplaced) row.store = el(s, 2);
          unplaced = [];
        } else {
          store = el(s, 2);
          if (!inBody || items === null) date = null;
          inBody = true;
        }
        break;
      case 'LIN':
        inBody = true;
        items = el(s, 3) ? [{ id: el(s, 3), qualifier: el(s, 3, 1) }] : [];
        lineRef = `LIN ${el(s, 1) || rows.length + 1} (segment ${s.index})`;
        unplaced = [];
        break;
      case 'PIA':
        if (items) for (let e = 2; e < s.elements.length; e++) if (el(s, e)) items.push({ id: el(s, e), qualifier: el(s, e, 1) });
        break;
      case 'QTY': {
        const field = QTY_FIELD[el(s, 1)];
        if (!field || !items) break;
        const row: ReportRow = { ref: `${lineRef} QTY ${el(s, 1)}`, items, store, date: date ?? headerDate?.date ?? null, quantitySold: null, onHand: null };
        row[field] = count(el(s, 1, 1));
        rows.push(row);
        unplaced.push(row);
        break;
      }
      default:
        break;
    }
  }
  return { documentType, transaction: msg.ref, reference, position: msg.position, rows };
}
