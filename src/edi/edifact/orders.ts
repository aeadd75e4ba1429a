/**
 * EDIFACT / EANCOM ORDERS (D96A, D01B, D03B …) → the neutral PurchaseOrder (issue 7).
 * Reads the header (BGM, DTM, CUX, NAD) up to the first LIN, then each LIN with its PIA, QTY,
 * PRI and DTM; checks CNT when sent. Anything this mapping cannot interpret faithfully is an
 * EdiError with the segment's position, never a guess.
 */
import { EdiError, type PartyRef, type PurchaseOrder, type PurchaseOrderLine } from '../types.js';
import { el, posOf, readEdifact, type EdifactInterchange, type EdifactMessage, type EdifactSegment, type ReadOptions } from './envelope.js';

/** EDIFACT allows 35 header DTM repetitions in ORDERS (every directory D93A–D10A). */
const MAX_HEADER_DTM = 35;

/** Every ORDERS message in the input, in order. */
export function readEdifactOrders(input: Uint8Array | string, options: ReadOptions = {}): PurchaseOrder[] {
  const out: PurchaseOrder[] = [];
  for (const ic of readEdifact(input, options)) {
    for (const msg of ic.messages) if (msg.type === 'ORDERS') out.push(ordersToPurchaseOrder(ic, msg));
  }
  return out;
}

export function ordersToPurchaseOrder(ic: EdifactInterchange, msg: EdifactMessage): PurchaseOrder {
  if (msg.type !== 'ORDERS') throw new EdiError(`Message ${msg.ref} is ${msg.type}, not ORDERS`, 'EDIFACT_WRONG_MESSAGE', msg.position);
  const segs = msg.segments;
  const bgm = segs.find((s) => s.tag === 'BGM');
  if (!bgm) throw new EdiError(`ORDERS ${msg.ref} has no BGM`, 'EDIFACT_MISSING_SEGMENT', msg.position);
  const poNumber = el(bgm, 2, 0);
  if (!poNumber) throw new EdiError('BGM 1004 (order number) is empty', 'EDIFACT_MISSING_ELEMENT', posOf(bgm, 2));
  const purposeCode = el(bgm, 3, 0);

  let orderDate: string | null = null;
  let requestedDate: string | null = null;
  let currency: string | null = null;
  const parties: PartyRef[] = [];
  const lines: PurchaseOrderLine[] = [];
  // The DTM run right after BGM is the header DTM (max 35); later DTMs belong to segment groups.
  let headerDtm = 0;
  let inBgmDtmRun = false;
  let line: { l: PurchaseOrderLine; lin: EdifactSegment; qty21: number | null; qty1: number | null; unit21: string | null; unit1: string | null; aab: string | null } | null = null;
  let cnt2: EdifactSegment | null = null;
  let inDetail = false;

  const finishLine = () => {
    if (!line) return;
    const qty = line.qty21 ?? line.qty1;
    if (qty === null) throw new EdiError(`Line ${line.l.lineNo} has no QTY+21 (ordered quantity)`, 'EDIFACT_MISSING_QTY', posOf(line.lin));
    line.l.qty = qty;
    line.l.unit = line.qty21 !== null ? line.unit21 : line.unit1;
    line.l.unitPrice ??= line.aab;
    lines.push(line.l);
    line = null;
  };

  for (const s of segs) {
    if (s.tag === 'BGM') inBgmDtmRun = true;
    else if (s.tag !== 'DTM') inBgmDtmRun = false;
    switch (s.tag) {
      case 'DTM': {
        if (!inDetail) {
          if (inBgmDtmRun && ++headerDtm > MAX_HEADER_DTM) throw new EdiError(`More than ${MAX_HEADER_DTM} header DTM segments`, 'EDIFACT_SEGMENT_REPEAT', posOf(s));
          const q = el(s, 1, 0);
          if (q === '137') orderDate ??= parseDate(s);
          else if (q === '2') requestedDate ??= parseDate(s);
        } else if (line && el(s, 1, 0) === '2') {
          line.l.requestedDate ??= parseDate(s);
        }
        break;
      }
      case 'NAD':
        // Header parties only; NAD inside a line group (SG35) is a line-level delivery party.
        if (!inDetail) parties.push({ role: el(s, 1, 0), idQualifier: el(s, 2, 2) || null, id: el(s, 2, 0) || null, name: el(s, 4, 0) || el(s, 3, 0) || null });
        break;
      case 'CUX':
        if (!inDetail && currency === null) currency = el(s, 1, 1) || null;
        break;
      case 'LIN': {
        finishLine();
        inDetail = true;
        const l: PurchaseOrderLine = { lineNo: el(s, 1, 0), items: [], qty: 0, unit: null, unitPrice: null, requestedDate: null };
        if (el(s, 3, 0)) l.items.push({ qualifier: el(s, 3, 1), id: el(s, 3, 0) });
        line = { l, lin: s, qty21: null, qty1: null, unit21: null, unit1: null, aab: null };
        break;
      }
      case 'PIA':
        if (line) {
          for (let e = 2; e < s.elements.length; e++) if (el(s, e, 0)) line.l.items.push({ qualifier: el(s, e, 1), id: el(s, e, 0) });
        }
        break;
      case 'QTY':
        if (line) {
          const q = el(s, 1, 0);
          if (q === '21' && line.qty21 === null) {
            line.qty21 = parseNumber(el(s, 1, 1), s);
            line.unit21 = el(s, 1, 2) || null;
          } else if (q === '1' && line.qty1 === null) {
            line.qty1 = parseNumber(el(s, 1, 1), s);
            line.unit1 = el(s, 1, 2) || null;
          }
        }
        break;
      case 'PRI':
        if (line) {
          const q = el(s, 1, 0);
          const v = el(s, 1, 1);
          if (v && q === 'AAA') line.l.unitPrice ??= decimal(v, s);
          else if (v && q === 'AAB') line.aab ??= decimal(v, s);
        }
        break;
      case 'UNS':
        finishLine();
        inDetail = true;
        break;
      case 'CNT':
        if (el(s, 1, 0) === '2') cnt2 = s;
        break;
      default:
        break;
    }
  }
  finishLine();
  if (cnt2 && Number(el(cnt2, 1, 1)) !== lines.length) {
    throw new EdiError(`CNT+2 says ${el(cnt2, 1, 1)} lines, message has ${lines.length}`, 'EDIFACT_CNT_MISMATCH', posOf(cnt2, 1));
  }

  return {
    syntax: 'edifact',
    documentType: 'ORDERS',
    version: msg.version.toUpperCase() === 'D' ? `D${msg.release}` : `${msg.version}${msg.release}`,
    poNumber,
    purpose: purposeOf(purposeCode),
    purposeCode,
    orderDate,
    requestedDate,
    currency,
    parties,
    lines,
    control: { interchange: ic.controlRef, group: msg.group?.ref ?? null, transaction: msg.ref, sender: ic.sender, receiver: ic.receiver },
    position: msg.position,
  };
}

/**
 * BGM 1225. Absent means original (EANCOM's default). 5 (replace) and 4 (change) are changes;
 * 1 (cancellation) and 3 (deletion) cancel; everything else is 'other' for a human to look at.
 */
function purposeOf(code: string): PurchaseOrder['purpose'] {
  switch (code) {
    case '':
    case '9':
      return 'original';
    case '1':
    case '3':
      return 'cancel';
    case '4':
    case '5':
      return 'change';
    default:
      return 'other';
  }
}

/** DTM C507 → ISO 8601 (date, or date-time without zone, as the partner sent it). */
export function parseDate(s: EdifactSegment): string {
  const v = el(s, 1, 1);
  const fmt = el(s, 1, 2) || '102';
  const bad = () => new EdiError(`DTM value "${v}" does not match format ${fmt}`, 'EDIFACT_BAD_DATE', posOf(s, 1));
  const m = (re: RegExp) => {
    const r = re.exec(v);
    if (!r) throw bad();
    return r;
  };
  let out: string;
  switch (fmt) {
    case '102': {
      const [, y, mo, d] = m(/^(\d{4})(\d{2})(\d{2})$/);
      out = `${y}-${mo}-${d}`;
      break;
    }
    case '203': {
      const [, y, mo, d, h, mi] = m(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/);
      out = `${y}-${mo}-${d}T${h}:${mi}`;
      break;
    }
    case '204': {
      const [, y, mo, d, h, mi, se] = m(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/);
      out = `${y}-${mo}-${d}T${h}:${mi}:${se}`;
      break;
    }
    case '101': {
      // YYMMDD: the ISO 9735 UNB convention, 00–49 → 20xx.
      const [, yy, mo, d] = m(/^(\d{2})(\d{2})(\d{2})$/);
      out = `${Number(yy) < 50 ? '20' : '19'}${yy}-${mo}-${d}`;
      break;
    }
    default:
      throw new EdiError(`DTM format ${fmt} is not supported`, 'EDIFACT_DATE_FORMAT', posOf(s, 1));
  }
  const date = new Date(`${out.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== out.slice(0, 10)) throw bad();
  return out;
}

/** Decimal string with a point, whatever mark the partner used. */
function decimal(v: string, s: EdifactSegment): string {
  if (!/^-?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/.test(v)) throw new EdiError(`"${v}" is not a number`, 'EDIFACT_NOT_NUMERIC', posOf(s, 1));
  return v.replace(',', '.');
}

function parseNumber(v: string, s: EdifactSegment): number {
  return Number(decimal(v, s));
}
