/**
 * Outbound X12 (issue 7): a small, pure segment writer. No I/O and no control-number
 * allocation: the caller passes the ISA13 / GS06 / ST02 numbers it reserved (persistence, unique
 * per partner, comes with the transport layer).
 *
 * X12 has no release (escape) character, so a delimiter inside a value cannot be sent. Codes and
 * identifiers that contain one are a programming or configuration error and throw; free text
 * (names, messages) goes through `x12Text`, which replaces delimiters with a space.
 *
 * ISA rules (fixed width, 106 characters with the segment terminator, 105 up to ISA16): ISA02/ISA04 10 blanks,
 * ISA05/ISA07 2-character qualifiers, ISA06/ISA08 ids padded with blanks to 15, ISA09 YYMMDD,
 * ISA10 HHMM (UTC), ISA11 the repetition separator (00402 and later) or "U", ISA12 the version,
 * ISA13 9 digits zero-padded, ISA14 "1" when a TA1 is requested, ISA15 P/T, ISA16 the component
 * separator.
 */

export interface X12WriteDelimiters {
  element: string;
  component: string;
  /** ISA11 from version 00402; ignored (ISA11 = "U") for 00401 and earlier. */
  repetition: string;
  segment: string;
  /** Written after each terminator (default "\n"; "" for one long line). */
  suffix: string;
}

export const DEFAULT_X12_DELIMITERS: X12WriteDelimiters = { element: '*', component: ':', repetition: '^', segment: '~', suffix: '\n' };

/** An element: a plain value, or its components. */
export type X12Value = string | number | null | undefined | readonly (string | number | null | undefined)[];
/** A segment as [tag, element1, element2 …]; trailing empty elements are dropped. */
export type X12SegmentData = readonly [string, ...X12Value[]];

export interface X12InterchangeHeader {
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  /** ISA13, 1 … 999 999 999. */
  controlNumber: number;
  /** ISA09/ISA10 and the GS04/GS05 defaults, formatted in UTC. */
  date: Date;
  /** ISA12, default "00501". */
  version?: string;
  /** ISA14: request a TA1 from the receiver (default false). */
  ackRequested?: boolean;
  /** ISA15 (default "P"). */
  usage?: 'P' | 'T';
}

export interface X12GroupHeader {
  /** GS01, e.g. "FA" (997), "PR" (855). */
  functionalId: string;
  /** GS02 / GS03 application sender's and receiver's codes. */
  senderCode: string;
  receiverCode: string;
  /** GS06, 1 … 999 999 999. */
  controlNumber: number;
  /** GS08, e.g. "005010" or "004010". */
  version: string;
  /** GS07 (default "X"). */
  agency?: string;
}

export interface X12SetData {
  /** ST01, e.g. "997". */
  code: string;
  /** ST02, 4 … 9 characters (numbers are zero-padded to 4). */
  controlNumber: string | number;
  /** ST03 (implementation convention reference), written when given. */
  implementationRef?: string;
  /** The segments between ST and SE. */
  body: readonly X12SegmentData[];
}

export interface X12GroupData {
  header: X12GroupHeader;
  sets: readonly X12SetData[];
}

export interface X12InterchangeData {
  header: X12InterchangeHeader;
  /** TA1 and other service segments written between ISA and the first GS. */
  serviceSegments?: readonly X12SegmentData[];
  groups: readonly X12GroupData[];
  delimiters?: Partial<X12WriteDelimiters>;
}

export class X12WriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'X12WriteError';
  }
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** YYMMDD, UTC. */
export function x12Date6(d: Date): string {
  return `${pad2(d.getUTCFullYear() % 100)}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`;
}
/** CCYYMMDD, UTC. */
export function x12Date8(d: Date): string {
  return `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`;
}
/** HHMM, UTC. */
export function x12Time(d: Date): string {
  return `${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}`;
}

/** ISA13 / TA101: 9 digits, zero-padded. */
export function interchangeControl(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 999_999_999) throw new X12WriteError(`Interchange control number ${n} outside 1..999999999`);
  return String(n).padStart(9, '0');
}

function resolve(d?: Partial<X12WriteDelimiters>): X12WriteDelimiters {
  const out = { ...DEFAULT_X12_DELIMITERS, ...d };
  const seps = [out.element, out.component, out.repetition, out.segment];
  for (const s of seps) {
    if (s.length !== 1 || /[A-Za-z0-9 ]/.test(s)) throw new X12WriteError(`Invalid X12 delimiter "${s}"`);
  }
  if (new Set(seps).size !== seps.length) throw new X12WriteError(`X12 delimiters are not distinct: ${JSON.stringify(seps)}`);
  if (/[^\r\n]/.test(out.suffix)) throw new X12WriteError('The segment suffix may only hold CR/LF');
  return out;
}

/** Free text for X12: delimiters and control characters become a blank (X12 cannot escape them). */
export function x12Text(value: string, d: Partial<X12WriteDelimiters> = {}): string {
  const r = { ...DEFAULT_X12_DELIMITERS, ...d };
  let out = '';
  for (const c of value) out += c === r.element || c === r.component || c === r.repetition || c === r.segment || /[\x00-\x1f]/.test(c) ? ' ' : c;
  return out.trim();
}

/** Serialises segments with one set of delimiters; counts what it wrote. */
export class X12SegmentWriter {
  readonly d: X12WriteDelimiters;
  private readonly parts: string[] = [];
  private count = 0;

  constructor(delimiters?: Partial<X12WriteDelimiters>) {
    this.d = resolve(delimiters);
  }

  private value(v: string | number | null | undefined, tag: string, n: number): string {
    if (v === null || v === undefined) return '';
    const s = String(v);
    const d = this.d;
    for (const c of s) {
      if (c === d.element || c === d.component || c === d.repetition || c === d.segment || c === '\r' || c === '\n') {
        throw new X12WriteError(`${tag}${pad2(n)} "${s}" contains the delimiter "${c}" (X12 cannot escape it)`);
      }
    }
    return s;
  }

  /** Formats one segment (without writing it). */
  format(seg: X12SegmentData): string {
    const [tag, ...els] = seg;
    if (!/^[A-Z][A-Z0-9]{1,2}$/.test(tag)) throw new X12WriteError(`Invalid segment tag "${tag}"`);
    const out = els.map((e, i) => (Array.isArray(e) ? (e as readonly (string | number | null | undefined)[]).map((c) => this.value(c, tag, i + 1)).join(this.d.component).replace(new RegExp(`${escapeRe(this.d.component)}+$`), '') : this.value(e as string | number | null | undefined, tag, i + 1)));
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return [tag, ...out].join(this.d.element);
  }

  write(seg: X12SegmentData): void {
    this.writeRaw(this.format(seg));
  }

  /** Writes an already formatted segment (the ISA, whose blanks must not be trimmed). */
  writeRaw(formatted: string): void {
    this.parts.push(formatted + this.d.segment + this.d.suffix);
    this.count++;
  }

  get segments(): number {
    return this.count;
  }

  toString(): string {
    return this.parts.join('');
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function fixed(value: string, width: number, what: string): string {
  if (value.length > width) throw new X12WriteError(`${what} "${value}" is longer than ${width}`);
  return value.padEnd(width, ' ');
}

/** The ISA segment up to ISA16: 105 characters, 106 with its terminator. */
export function formatIsa(h: X12InterchangeHeader, d: X12WriteDelimiters): string {
  const version = h.version ?? '00501';
  if (!/^\d{5}$/.test(version)) throw new X12WriteError(`ISA12 "${version}" must be 5 digits`);
  for (const [q, what] of [
    [h.senderQualifier, 'ISA05'],
    [h.receiverQualifier, 'ISA07'],
  ] as const) {
    if (!/^[A-Z0-9]{2}$/.test(q)) throw new X12WriteError(`${what} "${q}" must be a 2-character qualifier`);
  }
  for (const [id, what] of [
    [h.senderId, 'ISA06'],
    [h.receiverId, 'ISA08'],
  ] as const) {
    if (id.trim() === '') throw new X12WriteError(`${what} is empty`);
    for (const c of id) if (c === d.element || c === d.component || c === d.segment || c === d.repetition) throw new X12WriteError(`${what} "${id}" contains a delimiter`);
  }
  const repetition = version >= '00402' ? d.repetition : 'U';
  const elements = [
    'ISA',
    '00',
    ' '.repeat(10),
    '00',
    ' '.repeat(10),
    h.senderQualifier,
    fixed(h.senderId, 15, 'ISA06'),
    h.receiverQualifier,
    fixed(h.receiverId, 15, 'ISA08'),
    x12Date6(h.date),
    x12Time(h.date),
    repetition,
    version,
    interchangeControl(h.controlNumber),
    h.ackRequested ? '1' : '0',
    h.usage ?? 'P',
    d.component,
  ];
  const isa = elements.join(d.element);
  if (isa.length !== 105) throw new X12WriteError(`internal: ISA is ${isa.length} characters`);
  return isa;
}

function groupControl(n: number, what: string): string {
  if (!Number.isInteger(n) || n < 1 || n > 999_999_999) throw new X12WriteError(`${what} ${n} outside 1..999999999`);
  return String(n);
}

function setControl(v: string | number): string {
  const s = typeof v === 'number' ? String(v).padStart(4, '0') : v;
  if (!/^[A-Za-z0-9]{4,9}$/.test(s)) throw new X12WriteError(`ST02 "${s}" must be 4..9 alphanumerics`);
  return s;
}

/**
 * A whole interchange: ISA, service segments, each GS … GE with its ST … SE sets, IEA.
 * SE01 counts ST to SE inclusive, GE01 the sets of the group, IEA01 the groups.
 */
export function writeX12Interchange(data: X12InterchangeData): string {
  const w = new X12SegmentWriter(data.delimiters);
  const h = data.header;
  w.writeRaw(formatIsa(h, w.d));
  for (const s of data.serviceSegments ?? []) w.write(s);
  for (const g of data.groups) {
    const gh = g.header;
    const gs06 = groupControl(gh.controlNumber, 'GS06');
    w.write(['GS', gh.functionalId, gh.senderCode, gh.receiverCode, x12Date8(h.date), x12Time(h.date), gs06, gh.agency ?? 'X', gh.version]);
    for (const set of g.sets) {
      const st02 = setControl(set.controlNumber);
      const before = w.segments;
      w.write(['ST', set.code, st02, set.implementationRef]);
      for (const seg of set.body) w.write(seg);
      w.write(['SE', w.segments - before + 1, st02]);
    }
    w.write(['GE', g.sets.length, gs06]);
  }
  w.write(['IEA', data.groups.length, interchangeControl(h.controlNumber)]);
  return w.toString();
}
