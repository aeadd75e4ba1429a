/**
 * CONTRL rejecting an EDIFACT interchange whose envelope the reader refused (issue 7). Pure.
 *
 * The reader throws on the first fault and keeps nothing, so the file is scanned again here just
 * far enough to answer: segments split on the interchange's own delimiters (UNA or the syntax 3
 * defaults), counted like the reader counts them (1-based across the file, UNA not counted,
 * CR/LF dropped), so the fault's segment index names the interchange — and the message — it lies in.
 */
import type { EdiPosition } from '../types.js';
import type { ReceivedInterchange, ReceivedMessageResult } from '../outbound/contrl.js';

/**
 * 0085 syntax error codes (UN service code list) for the reader's envelope error codes; 18
 * "unspecified error" for the rest. 2 syntax level not supported, 12 invalid value, 13 missing,
 * 16 too many constituents, 22 invalid service character, 28 references do not match, 29 control
 * count does not match, 30 groups and messages mixed, 33 invalid occurrence outside a message,
 * 37 invalid type of character, 39 data element too long.
 */
export const EDIFACT_SYNTAX_ERROR: Record<string, string> = {
  EDIFACT_UNZ_COUNT: '29',
  EDIFACT_UNT_COUNT: '29',
  EDIFACT_UNE_COUNT: '29',
  EDIFACT_UNZ_REFERENCE: '28',
  EDIFACT_UNT_REFERENCE: '28',
  EDIFACT_UNE_REFERENCE: '28',
  EDIFACT_UNKNOWN_SYNTAX: '2',
  EDIFACT_BAD_UNA: '22',
  EDIFACT_MISSING_UNZ: '13',
  EDIFACT_MISSING_UNT: '13',
  EDIFACT_MISSING_UNE: '13',
  EDIFACT_MISSING_ELEMENT: '13',
  EDIFACT_EXPECTED_UNB: '13',
  EDIFACT_UNTERMINATED_SEGMENT: '13',
  EDIFACT_MIXED_GROUPS: '30',
  EDIFACT_SEGMENT_OUTSIDE_MESSAGE: '33',
  EDIFACT_UNEXPECTED_SEGMENT: '33',
  EDIFACT_TRAILING_DATA: '33',
  EDIFACT_BAD_TAG: '12',
  EDIFACT_TOO_MANY_COMPONENTS: '16',
  EDIFACT_VALUE_TOO_LONG: '39',
  EDIFACT_NOT_NUMERIC: '37',
};

/** 0085 26: the interchange control reference was received before. */
export const EDIFACT_DUPLICATE = '26';

const INTERCHANGE_SERVICE = new Set(['UNA', 'UNB', 'UNG', 'UNE', 'UNZ']);

interface ScannedSegment {
  /** 1-based across the file, UNA not counted (as the reader's positions). */
  index: number;
  tag: string;
  /** Components per element; elements[0] is the tag. */
  elements: string[][];
}

/** Every segment of the file, as far as it splits; a trailing unterminated piece is kept. */
export function scanEdifact(body: Uint8Array): ScannedSegment[] {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  const out: ScannedSegment[] = [];
  const start = text.search(/UN[AB][^A-Za-z0-9]/);
  if (start < 0) return out;
  let d = { component: ':', element: '+', release: '?' as string | null, segment: "'" };
  let i = start;
  let index = 0;
  while (i < text.length) {
    while (i < text.length && /[\s\0\x1a]/.test(text[i]!)) i++;
    if (text.startsWith('UNA', i) && i + 9 <= text.length) {
      const rel = text[i + 6]!;
      d = { component: text[i + 3]!, element: text[i + 4]!, release: rel === ' ' ? null : rel, segment: text[i + 8]! };
      i += 9;
      continue;
    }
    if (i >= text.length) break;
    const elements: string[][] = [];
    let comps: string[] = [];
    let v = '';
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (c === d.release) {
        v += text[++i] ?? '';
      } else if (c === d.component) {
        comps.push(v);
        v = '';
      } else if (c === d.element || c === d.segment) {
        comps.push(v);
        elements.push(comps);
        v = '';
        comps = [];
        if (c === d.segment) break;
      } else if (c !== '\r' && c !== '\n') {
        v += c;
      }
    }
    if (i >= text.length && (v || comps.length)) elements.push([...comps, v]);
    i++;
    index++;
    out.push({ index, tag: elements[0]?.[0] ?? '', elements });
  }
  return out;
}

const el = (s: ScannedSegment | undefined, e: number, c = 0) => s?.elements[e]?.[c] ?? '';

/** What UCI needs from a UNB: its reference, sender and recipient. */
export interface UnbHead {
  index: number;
  controlRef: string;
  sender: { id: string; qualifier: string | null };
  recipient: { id: string; qualifier: string | null };
}

export function unbHead(unb: ScannedSegment): UnbHead | null {
  const controlRef = el(unb, 5).trim();
  const id = el(unb, 2).trim();
  if (!controlRef || !id) return null;
  return { index: unb.index, controlRef, sender: { id, qualifier: el(unb, 2, 1) || null }, recipient: { id: el(unb, 3).trim(), qualifier: el(unb, 3, 1) || null } };
}

/**
 * The CONTRL input rejecting the interchange the fault lies in (the first one when the reader gave
 * no position), with the UNB it answers; null when no UNB with a sender and reference can be read.
 */
export function edifactRejection(body: Uint8Array, ediCode: string | undefined, position: EdiPosition | null | undefined): { unb: UnbHead; received: ReceivedInterchange } | null {
  const segments = scanEdifact(body);
  const at = position?.segment ?? 0;
  const unbs = segments.filter((s) => s.tag === 'UNB');
  const unbSeg = [...unbs].reverse().find((s) => s.index <= at) ?? unbs[0];
  const unb = unbSeg && unbHead(unbSeg);
  if (!unb) return null;
  const errorCode = EDIFACT_SYNTAX_ERROR[ediCode ?? ''] ?? '18';
  const received: ReceivedInterchange = {
    controlRef: unb.controlRef, sender: unb.sender.id, senderQualifier: unb.sender.qualifier, recipient: unb.recipient.id, recipientQualifier: unb.recipient.qualifier,
    status: 'rejected', errorCode, messages: [],
  };
  if (!position) return { unb, received };
  const message = position.segment > unb.index ? faultyMessage(segments, unb.index, position, ediCode, errorCode) : null;
  if (message) received.messages.push(message);
  else if (INTERCHANGE_SERVICE.has(position.tag)) received.serviceSegment = { tag: position.tag, element: position.element };
  return { unb, received };
}

/** The message the fault lies in (UCM 4 with the UNH/UNT fault, or UCS/UCD for a body segment); null for an interchange-level fault. */
function faultyMessage(segments: ScannedSegment[], from: number, p: EdiPosition, ediCode: string | undefined, errorCode: string): ReceivedMessageResult | null {
  let open: ScannedSegment | null = null;
  for (const s of segments) {
    if (s.index <= from) continue;
    if (s.index >= p.segment) break;
    if (s.tag === 'UNH') open = s;
    else if (s.tag === 'UNT') open = null;
  }
  // A fault in UNH itself (an empty 0062 …) opens the message; UNH or UNZ after an unclosed one is its missing UNT.
  const faultSeg = segments.find((s) => s.index === p.segment);
  if (!open && p.tag === 'UNH' && ediCode !== 'EDIFACT_MISSING_UNT' && faultSeg) open = faultSeg;
  if (!open || !el(open, 1)) return null;
  const base: ReceivedMessageResult = {
    ref: el(open, 1), type: el(open, 2), version: el(open, 2, 1), release: el(open, 2, 2), agency: el(open, 2, 3), association: el(open, 2, 4) || null,
    status: 'rejected', errorCode,
  };
  if (ediCode === 'EDIFACT_MISSING_UNT') return { ...base, serviceSegment: { tag: 'UNT' } };
  if (p.tag === 'UNH' || p.tag === 'UNT') return { ...base, serviceSegment: { tag: p.tag, element: p.element } };
  // UCS 0096 counts UNH as 1.
  return { ...base, segmentErrors: [{ position: p.segment - open.index + 1, errorCode, elements: p.element ? [{ errorCode, element: p.element }] : undefined }] };
}
