/**
 * EDIFACT inbound envelope layer (issue 7): UNA/UNB/UNG/UNH … UNT/UNE/UNZ read straight from the
 * bytes, with control counts and references checked. Delimiters are scanned as bytes (they are
 * ASCII in every syntax level), and only element values are decoded with the charset the UNB
 * syntax identifier names, so one pass serves Latin-1, ISO-8859-5 and UTF-8 alike.
 */
import { isUtf8 } from 'node:buffer';
import { EdiError, type EdiPosition } from '../types.js';
import { checkSegmentShape } from './segment-rules.js';
import { el, posOf, type EdifactDelimiters, type EdifactGroup, type EdifactInterchange, type EdifactMessage, type EdifactSegment, type ReadOptions } from './model.js';

export * from './model.js';
import { bytesToText, charsetFor, type Charset } from './charset.js';

const CR = 0x0d;
const LF = 0x0a;

const DEFAULTS_V3: EdifactDelimiters = { component: ':', element: '+', decimal: '.', release: '?', repetition: null, segment: "'" };

/** Reads every interchange in the input. Throws EdiError on the first envelope fault. */
export function readEdifact(input: Uint8Array | string, options: ReadOptions = {}): EdifactInterchange[] {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const reader = new Reader(buf, options);
  const out: EdifactInterchange[] = [];
  for (;;) {
    const start = findInterchangeStart(buf, reader.pos, out.length === 0);
    if (start === -1) break;
    reader.pos = start;
    out.push(reader.interchange());
  }
  if (out.length === 0) {
    throw new EdiError('No EDIFACT interchange found (no UNA or UNB segment)', 'EDIFACT_NO_INTERCHANGE', null);
  }
  return out;
}

/**
 * First interchange: anything before UNA/UNB is junk (BOMs, banners, mail headers). Later ones:
 * only whitespace, NUL and Ctrl-Z may sit between UNZ and the next UNA/UNB.
 */
function findInterchangeStart(buf: Buffer, from: number, first: boolean): number {
  let i = from;
  if (!first) {
    while (i < buf.length && isFiller(buf[i]!)) i++;
    if (i >= buf.length) return -1;
    if (startsWithTag(buf, i, 'UNA') || startsWithTag(buf, i, 'UNB')) return i;
    throw new EdiError(`Unexpected data after UNZ at byte ${i}`, 'EDIFACT_TRAILING_DATA', null);
  }
  for (; i + 3 <= buf.length; i++) {
    // "UNA" or "UNB" not followed by a letter or digit (so "UNBOX" in a banner is junk).
    if (buf[i] === 0x55 && buf[i + 1] === 0x4e && (buf[i + 2] === 0x41 || buf[i + 2] === 0x42) && !isAlnum(buf[i + 3] ?? 0x20)) return i;
  }
  return -1;
}

function isAlnum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

function isFiller(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === CR || b === LF || b === 0 || b === 0x1a;
}

function startsWithTag(buf: Buffer, i: number, tag: string): boolean {
  return buf[i] === tag.charCodeAt(0) && buf[i + 1] === tag.charCodeAt(1) && buf[i + 2] === tag.charCodeAt(2);
}

interface OpenMessage {
  msg: EdifactMessage;
  count: number;
}

class Reader {
  pos = 0;
  private segIndex = 0;
  private d = DEFAULTS_V3;
  private codes = delimiterCodes(DEFAULTS_V3);
  private charset: Charset = 'latin1';
  private utf8Whole: boolean | null = null;
  private readonly controls: 'strict' | 'warn';
  private readonly validate: boolean;
  private warnings: EdiError[] = [];

  constructor(
    private readonly buf: Buffer,
    options: ReadOptions,
  ) {
    this.controls = options.controls ?? 'strict';
    this.validate = options.validateSegments ?? true;
  }

  interchange(): EdifactInterchange {
    const buf = this.buf;
    let una = false;
    this.d = DEFAULTS_V3;
    this.charset = 'latin1';
    this.warnings = [];
    if (startsWithTag(buf, this.pos, 'UNA')) {
      if (this.pos + 9 > buf.length) throw new EdiError('UNA service string advice is shorter than 9 characters', 'EDIFACT_BAD_UNA', { segment: this.segIndex + 1, tag: 'UNA' });
      const c = (k: number) => String.fromCharCode(buf[this.pos + 3 + k]!);
      const release = c(3);
      const repetition = c(4);
      this.d = { component: c(0), element: c(1), decimal: c(2), release: release === ' ' ? null : release, repetition: repetition === ' ' ? null : repetition, segment: c(5) };
      const set = new Set([this.d.component, this.d.element, this.d.segment, this.d.release, this.d.repetition].filter((x) => x !== null));
      const used = [this.d.component, this.d.element, this.d.segment, this.d.release, this.d.repetition].filter((x) => x !== null).length;
      if (set.size !== used) throw new EdiError(`UNA delimiters are not distinct: ${JSON.stringify(this.d)}`, 'EDIFACT_BAD_UNA', { segment: this.segIndex + 1, tag: 'UNA' });
      una = true;
      this.pos += 9;
    }
    this.codes = delimiterCodes(this.d);

    const unb = this.next();
    if (!unb) throw new EdiError('Input ends after UNA: no UNB', 'EDIFACT_EXPECTED_UNB', null);
    if (unb.tag !== 'UNB') throw new EdiError(`Expected UNB, found ${unb.tag}`, 'EDIFACT_EXPECTED_UNB', posOf(unb));
    const syntaxId = el(unb, 1, 0);
    const syntaxVersion = el(unb, 1, 1);
    const declared = charsetFor(syntaxId);
    if (!declared) {
      throw new EdiError(`Unknown syntax identifier "${syntaxId}" in UNB S001: cannot choose a character set`, 'EDIFACT_UNKNOWN_SYNTAX', { ...posOf(unb), element: 1 });
    }
    if (!una && Number(syntaxVersion) >= 4) {
      this.d = { ...this.d, repetition: '*' };
      this.codes = delimiterCodes(this.d);
    }
    this.charset = declared;
    let charset = declared;
    // UNOA/UNOB/UNOC whose bytes are valid UTF-8 with non-ASCII content is UTF-8 in practice
    // (partners label UTF-8 files UNOA/UNOC); genuine Latin-1 text is almost never valid UTF-8.
    // The check covers the whole file, so a file mixing both kinds of interchange stays Latin-1.
    if (declared === 'latin1' && this.hasNonAscii() && (this.utf8Whole ??= isUtf8(buf))) charset = 'utf-8';
    this.charset = charset;

    const ic: EdifactInterchange = {
      una,
      delimiters: this.d,
      syntaxId,
      syntaxVersion,
      charset,
      declaredCharset: declared,
      sender: el(unb, 2, 0),
      senderQualifier: el(unb, 2, 1) || null,
      receiver: el(unb, 3, 0),
      receiverQualifier: el(unb, 3, 1) || null,
      date: el(unb, 4, 0),
      time: el(unb, 4, 1),
      controlRef: el(unb, 5, 0),
      groups: [],
      messages: [],
      warnings: this.warnings,
      position: posOf(unb),
    };
    if (!ic.controlRef) throw new EdiError('UNB 0020 (interchange control reference) is empty', 'EDIFACT_MISSING_ELEMENT', { ...posOf(unb), element: 5 });

    let group: { g: EdifactGroup; seg: EdifactSegment } | null = null;
    let open: OpenMessage | null = null;
    let ungrouped = 0;
    let last: EdifactSegment = unb;
    for (;;) {
      const seg = this.next();
      if (!seg) throw new EdiError(`Input ends inside interchange ${ic.controlRef}: no UNZ`, 'EDIFACT_MISSING_UNZ', posOf(last));
      last = seg;
      if (open) {
        open.count++;
        open.msg.segments.push(seg);
        if (seg.tag === 'UNT') {
          this.closeMessage(open, seg);
          open = null;
        } else if (seg.tag === 'UNH' || seg.tag === 'UNZ' || seg.tag === 'UNE' || seg.tag === 'UNG' || seg.tag === 'UNB') {
          throw new EdiError(`${seg.tag} inside message ${open.msg.ref} (no UNT)`, 'EDIFACT_MISSING_UNT', posOf(seg));
        } else if (this.validate) {
          checkSegmentShape(seg);
        }
        continue;
      }
      switch (seg.tag) {
        case 'UNH': {
          if (group === null && ic.groups.length > 0) throw new EdiError('UNH outside a group after UNG groups were used', 'EDIFACT_MIXED_GROUPS', posOf(seg));
          const ref = el(seg, 1, 0);
          if (!ref) throw new EdiError('UNH 0062 (message reference) is empty', 'EDIFACT_MISSING_ELEMENT', { ...posOf(seg), element: 1 });
          const msg: EdifactMessage = {
            ref,
            type: el(seg, 2, 0),
            version: el(seg, 2, 1),
            release: el(seg, 2, 2),
            agency: el(seg, 2, 3),
            association: el(seg, 2, 4) || null,
            segments: [seg],
            group: group?.g ?? null,
            position: posOf(seg),
          };
          if (!msg.type) throw new EdiError('UNH S009 0065 (message type) is empty', 'EDIFACT_MISSING_ELEMENT', { ...posOf(seg), element: 2 });
          open = { msg, count: 1 };
          ic.messages.push(msg);
          if (group) group.g.messageCount++;
          else ungrouped++;
          break;
        }
        case 'UNG': {
          if (group) throw new EdiError(`UNG inside group ${group.g.ref} (no UNE)`, 'EDIFACT_MISSING_UNE', posOf(seg));
          if (ungrouped > 0) throw new EdiError('UNG after ungrouped messages', 'EDIFACT_MIXED_GROUPS', posOf(seg));
          const g: EdifactGroup = { ref: el(seg, 5, 0), functionalId: el(seg, 1, 0), sender: el(seg, 2, 0), receiver: el(seg, 3, 0), messageCount: 0, position: posOf(seg) };
          group = { g, seg };
          ic.groups.push(g);
          break;
        }
        case 'UNE': {
          if (!group) throw new EdiError('UNE without UNG', 'EDIFACT_UNEXPECTED_SEGMENT', posOf(seg));
          this.check(el(seg, 1, 0) === String(group.g.messageCount) || Number(el(seg, 1, 0)) === group.g.messageCount, `UNE 0060 says ${el(seg, 1, 0)} messages, group ${group.g.ref} has ${group.g.messageCount}`, 'EDIFACT_UNE_COUNT', { ...posOf(seg), element: 1 });
          this.check(el(seg, 2, 0) === group.g.ref, `UNE 0048 "${el(seg, 2, 0)}" does not match UNG 0048 "${group.g.ref}"`, 'EDIFACT_UNE_REFERENCE', { ...posOf(seg), element: 2 });
          group = null;
          break;
        }
        case 'UNZ': {
          if (group) throw new EdiError(`UNZ inside group ${group.g.ref} (no UNE)`, 'EDIFACT_MISSING_UNE', posOf(seg));
          const expected = ic.groups.length > 0 ? ic.groups.length : ic.messages.length;
          const what = ic.groups.length > 0 ? 'groups' : 'messages';
          this.check(Number(el(seg, 1, 0)) === expected && el(seg, 1, 0) !== '', `UNZ 0036 says ${el(seg, 1, 0)} ${what}, interchange ${ic.controlRef} has ${expected}`, 'EDIFACT_UNZ_COUNT', { ...posOf(seg), element: 1 });
          this.check(el(seg, 2, 0) === ic.controlRef, `UNZ 0020 "${el(seg, 2, 0)}" does not match UNB 0020 "${ic.controlRef}"`, 'EDIFACT_UNZ_REFERENCE', { ...posOf(seg), element: 2 });
          return ic;
        }
        default:
          throw new EdiError(`${seg.tag} outside a message (expected UNH, UNG, UNE or UNZ)`, 'EDIFACT_SEGMENT_OUTSIDE_MESSAGE', posOf(seg));
      }
    }
  }

  private closeMessage(open: OpenMessage, unt: EdifactSegment): void {
    const count = el(unt, 1, 0);
    this.check(count !== '' && Number(count) === open.count, `UNT 0074 says ${count} segments, message ${open.msg.ref} has ${open.count}`, 'EDIFACT_UNT_COUNT', { ...posOf(unt), element: 1 });
    this.check(el(unt, 2, 0) === open.msg.ref, `UNT 0062 "${el(unt, 2, 0)}" does not match UNH 0062 "${open.msg.ref}"`, 'EDIFACT_UNT_REFERENCE', { ...posOf(unt), element: 2 });
  }

  private check(ok: boolean, message: string, code: string, position: EdiPosition): void {
    if (ok) return;
    const err = new EdiError(message, code, position);
    if (this.controls === 'strict') throw err;
    this.warnings.push(err);
  }

  private lastHigh: number | null = null;

  /** Whether any byte >= 0x80 lies ahead (one backward scan per file, not per interchange). */
  private hasNonAscii(): boolean {
    if (this.lastHigh === null) {
      let i = this.buf.length - 1;
      while (i >= 0 && this.buf[i]! < 0x80) i--;
      this.lastHigh = i;
    }
    return this.lastHigh >= this.pos;
  }

  /**
   * Next segment from `pos`, or null at end of input. CR and LF are dropped wherever they occur
   * (hard-wrapped lines split tags and values anywhere) unless one of them is a delimiter; spaces
   * and tabs before a tag are indentation.
   */
  private next(): EdifactSegment | null {
    const buf = this.buf;
    const len = buf.length;
    const { component, element, release, repetition, segment } = this.codes;
    const dropCr = segment !== CR && element !== CR && component !== CR;
    const dropLf = segment !== LF && element !== LF && component !== LF;
    let i = this.pos;
    while (i < len) {
      const b = buf[i]!;
      if (b === segment) break;
      if ((b === CR && dropCr) || (b === LF && dropLf) || b === 0x20 || b === 0x09 || b === 0 || b === 0x1a) i++;
      else break;
    }
    if (i >= len) {
      this.pos = i;
      return null;
    }
    const offset = i;
    const index = ++this.segIndex;
    const elements: string[][] = [];
    let repeats: Record<number, string[][]> | undefined;
    let reps: string[][] | null = null;
    let comps: string[] = [];
    // A value is the byte run [start, i) unless a release char or a dropped line break forced a
    // copy; `high` notes a byte >= 0x80 so pure-ASCII runs skip the charset decoder.
    let start = i;
    let copy: number[] | null = null;
    let high = false;
    for (; i < len; i++) {
      const b = buf[i]!;
      if (b === release) {
        copy ??= Array.from(buf.subarray(start, i));
        i++;
        while (i < len && ((buf[i] === CR && dropCr) || (buf[i] === LF && dropLf))) i++;
        if (i >= len) break;
        copy.push(buf[i]!);
        if (buf[i]! >= 0x80) high = true;
        continue;
      }
      if (b === segment || b === element || b === component || b === repetition) {
        let v: string;
        if (copy) {
          v = bytesToText(Uint8Array.from(copy), this.charset);
          copy = null;
        } else if (!high || this.charset === 'latin1') {
          v = buf.toString('latin1', start, i);
        } else {
          v = bytesToText(buf.subarray(start, i), this.charset);
        }
        high = false;
        start = i + 1;
        comps.push(v);
        if (b === component) continue;
        if (b === repetition) {
          (reps ??= []).push(comps);
          comps = [];
          continue;
        }
        if (reps) {
          reps.push(comps);
          (repeats ??= {})[elements.length] = reps;
          elements.push(reps[0]!);
          reps = null;
        } else {
          elements.push(comps);
        }
        comps = [];
        if (b === segment) {
          this.pos = i + 1;
          const tag = elements[0]![0]!;
          if (tag.length !== 3 || !TAG.test(tag)) {
            throw new EdiError(`Invalid segment tag "${tag.slice(0, 20)}"`, 'EDIFACT_BAD_TAG', { segment: index, tag: tag.slice(0, 3) });
          }
          const seg: EdifactSegment = { tag, elements, index, offset };
          if (repeats) seg.repeats = repeats;
          return seg;
        }
        continue;
      }
      if ((b === CR && dropCr) || (b === LF && dropLf)) {
        copy ??= Array.from(buf.subarray(start, i));
        continue;
      }
      if (b >= 0x80) high = true;
      if (copy) copy.push(b);
    }
    throw new EdiError(
      `Segment starting at byte ${offset} has no segment terminator ${JSON.stringify(this.d.segment)} before end of input`,
      'EDIFACT_UNTERMINATED_SEGMENT',
      { segment: index, tag: buf.toString('latin1', offset, Math.min(offset + 3, len)) },
    );
  }
}

const TAG = /^[A-Z][A-Z0-9]{2}$/;

function delimiterCodes(d: EdifactDelimiters) {
  return {
    component: d.component.charCodeAt(0),
    element: d.element.charCodeAt(0),
    release: d.release === null ? -1 : d.release.charCodeAt(0),
    repetition: d.repetition === null ? -1 : d.repetition.charCodeAt(0),
    segment: d.segment.charCodeAt(0),
  };
}
