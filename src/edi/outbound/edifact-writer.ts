/**
 * Outbound EDIFACT (issue 7): UNA, UNB … UNZ, UNH … UNT, with every data value escaped with the
 * release character (`?` before `+ : ' ?`). Pure: control references come from the caller.
 *
 * Syntax version 3 (no repetition separator), UNOC (Latin-1) by default; `toEdifactBytes`
 * encodes the text with the charset the syntax identifier names (UNOW/UNOY → UTF-8).
 */

export interface EdifactWriteDelimiters {
  component: string;
  element: string;
  decimal: string;
  release: string;
  segment: string;
  /** Written after each terminator (default "": one line, as most partners expect). */
  suffix: string;
}

export const DEFAULT_EDIFACT_DELIMITERS: EdifactWriteDelimiters = { component: ':', element: '+', decimal: '.', release: '?', segment: "'", suffix: '' };

export type EdifactValue = string | number | null | undefined | readonly (string | number | null | undefined)[];
export type EdifactSegmentData = readonly [string, ...EdifactValue[]];

export interface EdifactParty {
  id: string;
  /** 0007 partner identification code qualifier, e.g. "14" (GLN), "ZZZ". */
  qualifier?: string;
}

export interface EdifactInterchangeHeader {
  /** UNB S001: syntax identifier and version (default UNOC, 3). */
  syntaxId?: string;
  syntaxVersion?: string;
  sender: EdifactParty;
  recipient: EdifactParty;
  /** UNB S004 (YYMMDD:HHMM, UTC). */
  date: Date;
  /** UNB 0020, 1..14 characters. */
  controlRef: string;
  /** UNB 0031 acknowledgement request ("1"). */
  ackRequested?: boolean;
  /** UNB 0035 test indicator ("1"). */
  test?: boolean;
  /** Write the UNA service string advice (default true). */
  una?: boolean;
}

export interface EdifactMessageData {
  /** UNH 0062. */
  ref: string;
  /** UNH S009: type, version, release, agency, association code (e.g. ORDRSP D 96A UN EAN005). */
  type: string;
  version: string;
  release: string;
  agency: string;
  association?: string;
  /** Segments between UNH and UNT. */
  body: readonly EdifactSegmentData[];
}

export class EdifactWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EdifactWriteError';
  }
}

function resolve(d?: Partial<EdifactWriteDelimiters>): EdifactWriteDelimiters {
  const out = { ...DEFAULT_EDIFACT_DELIMITERS, ...d };
  const seps = [out.component, out.element, out.release, out.segment];
  for (const s of [...seps, out.decimal]) if (s.length !== 1) throw new EdifactWriteError(`Invalid EDIFACT delimiter "${s}"`);
  if (new Set(seps).size !== seps.length) throw new EdifactWriteError(`EDIFACT delimiters are not distinct: ${JSON.stringify(seps)}`);
  if (/[^\r\n]/.test(out.suffix)) throw new EdifactWriteError('The segment suffix may only hold CR/LF');
  return out;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** CCYYMMDD (DTM format 102), UTC. */
export function edifactDate102(d: Date): string {
  return `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`;
}

export class EdifactSegmentWriter {
  readonly d: EdifactWriteDelimiters;
  private readonly parts: string[] = [];
  private count = 0;
  private readonly special: Set<string>;

  constructor(delimiters?: Partial<EdifactWriteDelimiters>) {
    this.d = resolve(delimiters);
    this.special = new Set([this.d.component, this.d.element, this.d.release, this.d.segment]);
  }

  /** A data value with the release character before every delimiter it contains. */
  escape(v: string | number | null | undefined): string {
    if (v === null || v === undefined) return '';
    let out = '';
    for (const c of String(v)) {
      if (c === '\r' || c === '\n') out += ' ';
      else out += this.special.has(c) ? this.d.release + c : c;
    }
    return out;
  }

  format(seg: EdifactSegmentData): string {
    const [tag, ...els] = seg;
    if (!/^[A-Z]{3}$/.test(tag)) throw new EdifactWriteError(`Invalid segment tag "${tag}"`);
    const out = els.map((e) => {
      if (!Array.isArray(e)) return this.escape(e as string | number | null | undefined);
      const comps = (e as readonly (string | number | null | undefined)[]).map((c) => this.escape(c));
      while (comps.length > 0 && comps[comps.length - 1] === '') comps.pop();
      return comps.join(this.d.component);
    });
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return [tag, ...out].join(this.d.element);
  }

  write(seg: EdifactSegmentData): void {
    this.parts.push(this.format(seg) + this.d.segment + this.d.suffix);
    this.count++;
  }

  writeRaw(text: string): void {
    this.parts.push(text);
  }

  get segments(): number {
    return this.count;
  }

  toString(): string {
    return this.parts.join('');
  }
}

function party(p: EdifactParty): EdifactValue {
  return p.qualifier ? [p.id, p.qualifier] : [p.id];
}

/** A whole interchange (no UNG groups): UNA, UNB, the messages with UNH/UNT, UNZ. */
export function writeEdifactInterchange(h: EdifactInterchangeHeader, messages: readonly EdifactMessageData[], delimiters?: Partial<EdifactWriteDelimiters>): string {
  const w = new EdifactSegmentWriter(delimiters);
  const d = w.d;
  if (!h.controlRef || h.controlRef.length > 14) throw new EdifactWriteError(`UNB 0020 "${h.controlRef}" must be 1..14 characters`);
  if (h.una !== false) w.writeRaw(`UNA${d.component}${d.element}${d.decimal}${d.release} ${d.segment}${d.suffix}`);
  const date = `${pad2(h.date.getUTCFullYear() % 100)}${pad2(h.date.getUTCMonth() + 1)}${pad2(h.date.getUTCDate())}`;
  const time = `${pad2(h.date.getUTCHours())}${pad2(h.date.getUTCMinutes())}`;
  w.write(['UNB', [h.syntaxId ?? 'UNOC', h.syntaxVersion ?? '3'], party(h.sender), party(h.recipient), [date, time], h.controlRef, null, null, null, h.ackRequested ? '1' : null, null, h.test ? '1' : null]);
  for (const m of messages) {
    if (!m.ref || m.ref.length > 14) throw new EdifactWriteError(`UNH 0062 "${m.ref}" must be 1..14 characters`);
    const before = w.segments;
    w.write(['UNH', m.ref, [m.type, m.version, m.release, m.agency, m.association]]);
    for (const s of m.body) w.write(s);
    w.write(['UNT', w.segments - before + 1, m.ref]);
  }
  w.write(['UNZ', messages.length, h.controlRef]);
  return w.toString();
}

/** Bytes in the charset the syntax identifier names (UNOW/UNOY UTF-8, otherwise Latin-1). */
export function toEdifactBytes(text: string, syntaxId = 'UNOC'): Buffer {
  return Buffer.from(text, syntaxId === 'UNOW' || syntaxId === 'UNOY' ? 'utf8' : 'latin1');
}
