/**
 * X12 inbound envelope layer: finds each ISA, reads that interchange's delimiters from the ISA
 * itself, tokenizes segments and checks the ISA/IEA, GS/GE and ST/SE envelopes and their
 * control counts and numbers. Inside a transaction set a segment is only a row of offsets into the
 * text (segment.ts): the hot path is one `indexOf` and a tag read per segment, with no string or
 * object made; elements, components and repetitions are split on demand (`elements`,
 * `components`, `repetitions`). Envelope segments and the ones validated here are objects.
 *
 * Tolerated (all seen in partners' real files): BOM, junk before the first ISA, CR/LF/CRLF
 * and blanks after the terminator, hard-wrapped lines (newlines inside segments when the
 * terminator is not a newline — they are removed, the ISA included), ISAs whose padding is
 * wrong (unpadded, or padded with NBSP — the ISA is read by counting separators, a warning
 * says its length is not 106), ISB/ISE/TA1 between ISA and the first GS, several interchanges
 * per file.
 *
 * Positions: `segment` is the 1-based index of the segment within the file (first ISA = 1).
 */
import { EdiError, type EdiPosition } from '../types.js';
import { decodeX12 } from './decode.js';
import { isJsWhitespace, readTag, SegmentTable, tagName, tagOf, X12RawSegment, X12TableSet, type X12Segment, type X12TransactionSet } from './segment.js';
import { hasRules, validateElements } from './validate.js';

export type { X12Segment, X12TransactionSet } from './segment.js';

export interface X12Delimiters {
  element: string;
  component: string;
  /** ISA11 when it is a separator (version 00402 and later), else null. */
  repetition: string | null;
  /** The segment terminator; "\n" stands for any newline (CR, LF, CRLF). */
  segment: string;
}

export interface X12Warning {
  code: string;
  message: string;
  position: EdiPosition | null;
}

export interface X12Group {
  header: X12Segment;
  /** GS01 (PO, IN, FA …), GS02, GS03, GS06, GS08. */
  functionalId: string;
  sender: string;
  receiver: string;
  controlNumber: string;
  version: string;
  sets: X12TransactionSet[];
}

export interface X12Interchange {
  header: X12Segment;
  delimiters: X12Delimiters;
  /** ISA05/06 and ISA07/08, trimmed. */
  sender: { qualifier: string; id: string };
  receiver: { qualifier: string; id: string };
  /** ISA12, ISA13, ISA15. */
  version: string;
  controlNumber: string;
  usage: string;
  /** ISB, ISE, TA1 … found between ISA and the first GS. */
  serviceSegments: X12Segment[];
  groups: X12Group[];
}

export interface X12Document {
  interchanges: X12Interchange[];
  warnings: X12Warning[];
}

export interface X12ParseOptions {
  /** Check element types and lengths of the envelope and 997 segments (default true). */
  validateElements?: boolean;
  /**
   * What a control *number* mismatch (SE02≠ST02, GE02≠GS06, IEA02≠ISA13) is: 'error' (default,
   * what a TA1/997 would reject) or 'warn' for partners known to send them wrong. Counts
   * (SE01, GE01, IEA01) are always errors: a wrong count means a truncated or spliced file.
   */
  controlNumbers?: 'error' | 'warn';
}

const isNewline = (c: string) => c === '\n' || c === '\r';
const isLetter = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);
const NEWLINES = /[\r\n]/g;
const ENVELOPE_TAGS = new Set(['ISA', 'GS', 'ST', 'SE', 'GE', 'IEA']);

export function components(value: string, d: X12Delimiters): string[] {
  return value.split(d.component);
}

export function repetitions(value: string, d: X12Delimiters): string[] {
  return d.repetition ? value.split(d.repetition) : [value];
}

export function segmentTag(s: X12Segment): string {
  return tagOf(s);
}

/** Element n (1-based), '' when absent. */
export function el(s: X12Segment, n: number): string {
  return s.elements[n] ?? '';
}

function pos(s: X12Segment, element?: number): EdiPosition {
  return element ? { segment: s.index, tag: tagOf(s), element } : { segment: s.index, tag: tagOf(s) };
}

/** Locate the next "ISA" followed by a plausible element separator, from `from`. */
function findIsa(text: string, from: number): number {
  let i = text.indexOf('ISA', from);
  while (i >= 0) {
    const sep = text[i + 3];
    if (sep !== undefined && !/[A-Za-z0-9\s]/.test(sep)) return i;
    i = text.indexOf('ISA', i + 1);
  }
  return -1;
}

interface IsaRead {
  elements: string[];
  delimiters: X12Delimiters;
  /** Index just after the segment terminator. */
  next: number;
  rawLength: number;
}

/**
 * Read the ISA at `start` by counting 16 element separators (newlines skipped: the ISA may be
 * hard-wrapped). ISA16 is the character after the 16th separator, the terminator the one after.
 */
function readIsa(text: string, start: number, segIndex: number): IsaRead {
  const element = text[start + 3]!;
  let i = start + 4;
  let seps = 1;
  let cur = '';
  const elements = ['ISA'];
  let rawLength = 4;
  while (i < text.length && seps < 16) {
    const c = text[i++]!;
    if (isNewline(c)) continue;
    rawLength++;
    if (c === element) {
      elements.push(cur);
      cur = '';
      seps++;
    } else cur += c;
  }
  while (i < text.length && isNewline(text[i]!)) i++;
  const component = text[i];
  if (seps < 16 || component === undefined) {
    throw new EdiError('Truncated ISA: fewer than 16 elements', 'X12_ISA_TRUNCATED', { segment: segIndex, tag: 'ISA' });
  }
  elements.push(component);
  rawLength += 2;
  i++;
  let segment = text[i];
  if (segment === undefined) throw new EdiError('No segment terminator after ISA16', 'X12_ISA_TRUNCATED', { segment: segIndex, tag: 'ISA', element: 16 });
  if (isNewline(segment)) {
    // Either the terminator is a newline, or the ISA was wrapped right after ISA16: then the
    // real terminator follows the newline(s) and is not the first letter of the next tag.
    let j = i;
    while (j < text.length && isNewline(text[j]!)) j++;
    if (j < text.length && !isLetter(text[j]) && !/\s/.test(text[j]!)) {
      segment = text[j]!;
      i = j;
    } else segment = '\n';
  }
  if (/[A-Za-z0-9]/.test(segment) || segment === element || segment === component) {
    throw new EdiError(`Invalid segment terminator "${segment}" after ISA16`, 'X12_BAD_DELIMITERS', { segment: segIndex, tag: 'ISA', element: 16 });
  }
  if (/[A-Za-z0-9\s]/.test(component) || component === element) {
    throw new EdiError(`Invalid component separator "${component}" in ISA16`, 'X12_BAD_DELIMITERS', { segment: segIndex, tag: 'ISA', element: 16 });
  }
  const isa11 = elements[11]!;
  const version = elements[12]!.trim();
  const repetition = version >= '00402' && isa11.length === 1 && !/[A-Za-z0-9\s]/.test(isa11) && isa11 !== element && isa11 !== component && isa11 !== segment ? isa11 : null;
  return { elements, delimiters: { element, component, repetition, segment }, next: i + 1, rawLength };
}

/** Per tag key: 0 not yet known, 1 a table row is enough inside a set, 2 the segment needs an object. */
const NEEDS_OBJECT = new Uint8Array(26 * 37 * 37);

function needsObject(key: number): boolean {
  let v = NEEDS_OBJECT[key]!;
  if (v === 0) {
    const tag = tagName(key);
    v = NEEDS_OBJECT[key] = ENVELOPE_TAGS.has(tag) || hasRules(tag) ? 2 : 1;
  }
  return v === 2;
}

/** indexOf, with `none` instead of -1 when not found. */
function indexOr(text: string, what: string, from: number, none: number): number {
  const k = text.indexOf(what, from);
  return k < 0 ? none : k;
}

function sameControl(a: string, b: string): boolean {
  const x = a.trim();
  const y = b.trim();
  if (/^\d+$/.test(x) && /^\d+$/.test(y)) return Number(x) === Number(y);
  return x === y;
}

function count(s: X12Segment, n: number, what: string): number {
  const v = el(s, n).trim();
  if (!/^\d+$/.test(v)) throw new EdiError(`${what} is not a number: "${v}"`, 'X12_BAD_COUNT', pos(s, n));
  return Number(v);
}

/** Parse every interchange of an X12 file. Throws `EdiError` on the first envelope error. */
export function parseX12(input: Uint8Array | string, options: X12ParseOptions = {}): X12Document {
  const text = decodeX12(input);
  const validate = options.validateElements !== false;
  const warnings: X12Warning[] = [];
  const mismatch = (err: EdiError) => {
    if (options.controlNumbers === 'warn') warnings.push({ code: err.code, message: err.message, position: err.position });
    else throw err;
  };
  const interchanges: X12Interchange[] = [];
  let segIndex = 0;
  let at = 0;

  for (;;) {
    const isaAt = findIsa(text, at);
    if (isaAt < 0) break;
    const junk = text.slice(at, isaAt).trim();
    if (junk.length > 0) {
      warnings.push({ code: 'X12_JUNK_IGNORED', message: `Ignored ${junk.length} characters before ISA`, position: { segment: segIndex + 1, tag: 'ISA' } });
    }
    segIndex++;
    const isa = readIsa(text, isaAt, segIndex);
    const d = isa.delimiters;
    const header = new X12RawSegment(segIndex, 'ISA', isa.elements.join(d.element), d.element, isa.elements);
    if (isa.rawLength !== 106) {
      warnings.push({ code: 'X12_ISA_LENGTH', message: `ISA is ${isa.rawLength} characters, not 106 (padding ignored)`, position: pos(header) });
    }
    if (validate) validateElements(header);
    const ic: X12Interchange = {
      header,
      delimiters: d,
      sender: { qualifier: el(header, 5).trim(), id: el(header, 6).trim() },
      receiver: { qualifier: el(header, 7).trim(), id: el(header, 8).trim() },
      version: el(header, 12).trim(),
      controlNumber: el(header, 13).trim(),
      usage: el(header, 15).trim(),
      serviceSegments: [],
      groups: [],
    };
    let group: X12Group | null = null;
    let set: X12TableSet | null = null;
    let closed = false;
    let trailingComponentWarned = false;
    let i = isa.next;
    const newlineTerm = d.segment === '\n';
    const sepCode = d.element.charCodeAt(0);
    const compCode = d.component.charCodeAt(0);
    const len = text.length;
    // The first LF / CR at or after the current segment's start (len: none left). Kept across
    // segments so finding the end of a line, or a wrap inside a segment, costs one native
    // indexOf per newline instead of a look at every character.
    let lf = -1;
    let cr = -1;
    const table = new SegmentTable(text, d.element, segIndex + 1);

    while (i < len && !closed) {
      let j: number;
      if (newlineTerm) {
        if (lf < i) lf = indexOr(text, '\n', i, len);
        if (cr < i) cr = indexOr(text, '\r', i, len);
        j = lf < cr ? lf : cr;
      } else j = indexOr(text, d.segment, i, len);
      // Leading blanks and newlines: what trimStart would remove, skipped without copying.
      let start = i;
      while (start < j && isJsWhitespace(text.charCodeAt(start))) start++;
      i = j + 1;
      if (start === j) continue;
      let end = j;
      let cleaned: string | null = null;
      if (!newlineTerm) {
        if (lf < start) lf = indexOr(text, '\n', start, len);
        if (cr < start) cr = indexOr(text, '\r', start, len);
        // A hard-wrapped segment: the newlines inside it are not data.
        if (lf < j || cr < j) cleaned = text.slice(start, j).replace(NEWLINES, '');
      }
      // A trailing component separator (seen when a partner's ISA16 is also the terminator they
      // meant): an empty trailing component carries nothing, drop it.
      let dropped = false;
      if (cleaned !== null) {
        if (cleaned.charCodeAt(cleaned.length - 1) === compCode) (cleaned = cleaned.slice(0, -1)), (dropped = true);
      } else if (text.charCodeAt(end - 1) === compCode) (end--, (dropped = true));
      if (dropped && !trailingComponentWarned) {
        trailingComponentWarned = true;
        const head = cleaned !== null ? cleaned.slice(0, 3) : text.slice(start, Math.min(end, start + 3));
        warnings.push({ code: 'X12_TRAILING_COMPONENT_SEPARATOR', message: `Segments end with the component separator "${d.component}"; ignored`, position: { segment: segIndex + 1, tag: head } });
      }
      segIndex++;
      const key = cleaned !== null ? readTag(cleaned, 0, cleaned.length, sepCode) : readTag(text, start, end, sepCode);
      if (key < 0) {
        const bad = (cleaned ?? text.slice(start, end)).split(d.element)[0]!;
        throw new EdiError(`Invalid segment tag "${bad.slice(0, 20)}"`, 'X12_BAD_SEGMENT_TAG', { segment: segIndex, tag: bad.slice(0, 3) });
      }
      const row = table.add(start, end, key, cleaned);
      // Inside a set, a plain segment is only a table row; envelope, validated and stray
      // segments get an object (headers, error positions, service segments).
      if (set !== null && !needsObject(key)) continue;
      const seg = table.segment(row);
      const tag = seg.tag;
      if (validate) validateElements(seg);
      switch (tag) {
        case 'ISA':
          throw new EdiError('ISA before IEA: interchange not closed', 'X12_MISSING_IEA', pos(seg));
        case 'GS':
          if (set) throw new EdiError(`GS inside transaction set ${set.controlNumber}: SE missing`, 'X12_MISSING_SE', pos(seg));
          if (group) throw new EdiError(`GS before GE of group ${group.controlNumber}`, 'X12_MISSING_GE', pos(seg));
          group = {
            header: seg,
            functionalId: el(seg, 1),
            sender: el(seg, 2).trim(),
            receiver: el(seg, 3).trim(),
            controlNumber: el(seg, 6).trim(),
            version: el(seg, 8).trim(),
            sets: [],
          };
          break;
        case 'ST':
          if (!group) throw new EdiError('ST outside a functional group (no GS)', 'X12_MISSING_GS', pos(seg));
          if (set) throw new EdiError(`ST before SE of transaction set ${set.controlNumber}`, 'X12_MISSING_SE', pos(seg));
          set = new X12TableSet(el(seg, 1), el(seg, 2).trim(), el(seg, 3) || null, table, row);
          break;
        case 'SE': {
          if (!set || !group) throw new EdiError('SE without ST', 'X12_MISSING_ST', pos(seg));
          set.to = row;
          const n = count(seg, 1, 'SE01');
          if (n !== set.length) {
            throw new EdiError(`SE01 says ${n} segments, transaction set ${set.controlNumber} has ${set.length}`, 'X12_SE_COUNT', pos(seg, 1));
          }
          if (!sameControl(el(seg, 2), set.controlNumber)) {
            mismatch(new EdiError(`SE02 "${el(seg, 2)}" does not match ST02 "${set.controlNumber}"`, 'X12_SE_CONTROL', pos(seg, 2)));
          }
          group.sets.push(set);
          set = null;
          break;
        }
        case 'GE': {
          if (set) throw new EdiError(`GE before SE of transaction set ${set.controlNumber}`, 'X12_MISSING_SE', pos(seg));
          if (!group) throw new EdiError('GE without GS', 'X12_MISSING_GS', pos(seg));
          const n = count(seg, 1, 'GE01');
          if (n !== group.sets.length) {
            throw new EdiError(`GE01 says ${n} transaction sets, group ${group.controlNumber} has ${group.sets.length}`, 'X12_GE_COUNT', pos(seg, 1));
          }
          if (!sameControl(el(seg, 2), group.controlNumber)) {
            mismatch(new EdiError(`GE02 "${el(seg, 2)}" does not match GS06 "${group.controlNumber}"`, 'X12_GE_CONTROL', pos(seg, 2)));
          }
          ic.groups.push(group);
          group = null;
          break;
        }
        case 'IEA': {
          if (set) throw new EdiError(`IEA before SE of transaction set ${set.controlNumber}`, 'X12_MISSING_SE', pos(seg));
          if (group) throw new EdiError(`IEA before GE of group ${group.controlNumber}`, 'X12_MISSING_GE', pos(seg));
          const n = count(seg, 1, 'IEA01');
          if (n !== ic.groups.length) {
            throw new EdiError(`IEA01 says ${n} groups, interchange ${ic.controlNumber} has ${ic.groups.length}`, 'X12_IEA_COUNT', pos(seg, 1));
          }
          if (!sameControl(el(seg, 2), ic.controlNumber)) {
            mismatch(new EdiError(`IEA02 "${el(seg, 2)}" does not match ISA13 "${ic.controlNumber}"`, 'X12_IEA_CONTROL', pos(seg, 2)));
          }
          closed = true;
          break;
        }
        default:
          if (set) break; // a validated segment inside a set: its table row is the set's copy
          else if (!group && ic.groups.length === 0) ic.serviceSegments.push(seg);
          else throw new EdiError(`Segment ${tag} outside a transaction set`, 'X12_SEGMENT_OUTSIDE_SET', pos(seg));
      }
    }
    if (!closed) {
      const where = set ? 'SE' : group ? 'GE' : 'IEA';
      throw new EdiError(`End of input inside interchange ${ic.controlNumber}: ${where} missing`, `X12_MISSING_${where}`, { segment: segIndex, tag: 'EOF' });
    }
    interchanges.push(ic);
    at = i;
  }
  if (interchanges.length === 0) throw new EdiError('No ISA segment found: not an X12 interchange', 'X12_NO_ISA', null);
  const trailing = text.slice(at).trim();
  if (trailing.length > 0) {
    warnings.push({ code: 'X12_JUNK_IGNORED', message: `Ignored ${trailing.length} characters after the last IEA`, position: null });
  }
  return { interchanges, warnings };
}
