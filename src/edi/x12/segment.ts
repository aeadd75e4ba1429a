/**
 * X12 segments as the envelope reader keeps them: the raw segment text, its tag and position, and
 * the elements split only when asked for.
 *
 * Why lazy: a 10 MB file holds ~200,000 segments and ~2,000,000 elements. Splitting every segment
 * up front and keeping the arrays alive until the document is decoded makes the garbage collector
 * copy all of them out of the young generation; that cost more than the parsing itself. The
 * envelope needs only the tags and a handful of control segments, and the document decoders read
 * each segment once (`fieldsOf`, not cached), so most element arrays die young or never exist.
 */

/** A segment: `elements[0]` is the tag, `elements[n]` the n-th element (X12 numbering). */
export interface X12Segment {
  readonly index: number;
  readonly elements: string[];
}

export interface X12TransactionSet {
  /** ST01, e.g. "850". */
  code: string;
  /** ST02. */
  controlNumber: string;
  /** ST03 (005010+), else null. */
  implementationRef: string | null;
  /** ST … SE inclusive. */
  segments: X12Segment[];
}

/** The ST segment's index, without making the set's segment objects when the set is table-backed. */
export function stSegmentIndex(set: X12TransactionSet): number {
  return set instanceof X12TableSet ? set.index(0) : set.segments[0]!.index;
}

/** Segments by position k (0 = ST) without a segment object each: what document decoders read. */
export interface SegmentRun {
  readonly length: number;
  tag(k: number): string;
  index(k: number): number;
  /** The elements, split afresh (not kept). */
  fields(k: number): string[];
}

/** The reader's segment: `elements` is split from `raw` on first use and then kept. */
export class X12RawSegment implements X12Segment {
  #elements: string[] | null;

  constructor(
    readonly index: number,
    /** Elements[0], interned (the same string object for every segment with this tag). */
    readonly tag: string,
    /** The segment's text without terminator, leading blanks and wrap newlines. */
    readonly raw: string,
    private readonly separator: string,
    elements: string[] | null = null,
  ) {
    this.#elements = elements;
  }

  get elements(): string[] {
    return (this.#elements ??= this.raw.split(this.separator));
  }

  /** The shape the reader had before segments were lazy (and that callers may log). */
  toJSON(): { index: number; elements: string[] } {
    return { index: this.index, elements: this.elements };
  }

  /** The elements without caching them: for readers that look at each segment once. */
  fields(): string[] {
    return this.#elements ?? this.raw.split(this.separator);
  }
}

/**
 * One interchange's segments as offsets into the text: the reader records a row per segment and
 * makes segment objects only for the envelope, for segments it validates and on demand.
 */
export class SegmentTable {
  /** Row r is text[starts[r], ends[r]) with tag TAGS[keys[r]]; typed arrays, so nothing to scan for the GC. */
  starts: Int32Array;
  ends: Int32Array;
  keys: Uint16Array;
  length = 0;
  /** Rows whose text is not a slice of `text` (hard-wrapped: the newlines removed). */
  readonly cleaned = new Map<number, string>();

  constructor(
    readonly text: string,
    readonly separator: string,
    /** The segment index of row 0. */
    readonly firstIndex: number,
  ) {
    // Doubled as needed: a file may hold thousands of small interchanges, one table each.
    const n = 256;
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.keys = new Uint16Array(n);
  }

  add(start: number, end: number, key: number, cleaned: string | null): number {
    const row = this.length++;
    if (row === this.starts.length) this.grow();
    this.starts[row] = start;
    this.ends[row] = end;
    this.keys[row] = key;
    if (cleaned !== null) this.cleaned.set(row, cleaned);
    return row;
  }

  private grow(): void {
    const n = this.starts.length * 2;
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    const keys = new Uint16Array(n);
    starts.set(this.starts);
    ends.set(this.ends);
    keys.set(this.keys);
    this.starts = starts;
    this.ends = ends;
    this.keys = keys;
  }

  tag(row: number): string {
    return TAGS[this.keys[row]!]!;
  }

  /** Whether the row's text is text[starts[row], ends[row]) as is. */
  isSlice(row: number): boolean {
    return this.cleaned.size === 0 || !this.cleaned.has(row);
  }

  raw(row: number): string {
    if (this.cleaned.size > 0) {
      const c = this.cleaned.get(row);
      if (c !== undefined) return c;
    }
    return this.text.slice(this.starts[row], this.ends[row]);
  }

  segment(row: number): X12RawSegment {
    return new X12RawSegment(this.firstIndex + row, this.tag(row), this.raw(row), this.separator);
  }
}

/** A transaction set over table rows `from` (ST) … `to` (SE); `segments` made on first use. */
export class X12TableSet implements X12TransactionSet, SegmentRun {
  to: number;
  #segments: X12Segment[] | null = null;

  constructor(
    readonly code: string,
    readonly controlNumber: string,
    readonly implementationRef: string | null,
    readonly table: SegmentTable,
    readonly from: number,
  ) {
    this.to = from;
  }

  get length(): number {
    return this.to - this.from + 1;
  }

  get segments(): X12Segment[] {
    if (this.#segments === null) {
      const out: X12Segment[] = [];
      for (let row = this.from; row <= this.to; row++) out.push(this.table.segment(row));
      this.#segments = out;
    }
    return this.#segments;
  }

  tag(k: number): string {
    return this.table.tag(this.from + k);
  }

  index(k: number): number {
    return this.table.firstIndex + this.from + k;
  }

  fields(k: number): string[] {
    return this.table.raw(this.from + k).split(this.table.separator);
  }

  toJSON(): X12TransactionSet {
    return { code: this.code, controlNumber: this.controlNumber, implementationRef: this.implementationRef, segments: this.segments };
  }
}

/** A set's segments as a run: the table's rows when the reader made it, else its array. */
export function runOf(set: X12TransactionSet): SegmentRun {
  if (set instanceof X12TableSet) return set;
  const segs = set.segments;
  return { length: segs.length, tag: (k) => tagOf(segs[k]!), index: (k) => segs[k]!.index, fields: (k) => fieldsOf(segs[k]!) };
}

/** The elements of any segment; a reader's segment is split afresh unless already split. */
export function fieldsOf(s: X12Segment): string[] {
  return s instanceof X12RawSegment ? s.fields() : s.elements;
}

export function tagOf(s: X12Segment): string {
  return s instanceof X12RawSegment ? s.tag : s.elements[0]!;
}

/**
 * What `String.prototype.trimStart` removes (ECMAScript WhiteSpace + LineTerminator), by char code,
 * so leading blanks can be skipped by index instead of trimming a copied string.
 */
export function isJsWhitespace(c: number): boolean {
  if (c > 32 && c < 160) return false;
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** A-Z → 1..26, 0-9 → 27..36, anything else → -1. */
function tagChar(c: number): number {
  if (c >= 65 && c <= 90) return c - 64;
  if (c >= 48 && c <= 57) return c - 21;
  return -1;
}

/** Interned tags by (c0, c1, c2) code; 26 × 37 × 37 slots, filled as tags are met. */
const TAGS: Array<string | undefined> = new Array(26 * 37 * 37);

/**
 * The tag of the segment text s[start, end) when it is a valid X12 tag (/^[A-Z][A-Z0-9]{1,2}$/ up
 * to the first element separator or the end) as a key into the interned tags (`tagName`); -1
 * when it is not. `sep` is the separator's char code, never a
 * letter or digit (the ISA reader refuses those).
 */
export function readTag(s: string, start: number, end: number, sep: number): number {
  const n = end - start;
  if (n < 2) return -1;
  const c0 = s.charCodeAt(start);
  if (!(c0 >= 65 && c0 <= 90)) return -1;
  const k1 = tagChar(s.charCodeAt(start + 1));
  if (k1 < 0) return -1;
  let len = 2;
  let k2 = 0;
  if (n > 2 && s.charCodeAt(start + 2) !== sep) {
    k2 = tagChar(s.charCodeAt(start + 2));
    if (k2 < 0 || (n > 3 && s.charCodeAt(start + 3) !== sep)) return -1;
    len = 3;
  }
  const key = (c0 - 65) * 1369 + k1 * 37 + k2;
  TAGS[key] ??= s.slice(start, start + len);
  return key;
}

/** The tag of a key from `readTag`. */
export function tagName(key: number): string {
  return TAGS[key]!;
}

/** Short codes by up to three [A-Z0-9] characters; 37³ slots, filled as codes are met. */
const CODES: Array<string | undefined> = new Array(37 * 37 * 37);

/**
 * The same string object for every equal short code (units, qualifiers, line numbers up to 999):
 * decoded orders keep ~10 strings per line, and sharing the repetitive ones keeps the retained
 * heap (what the garbage collector copies) small. Other strings come back as they are.
 */
export function intern(v: string): string {
  const n = v.length;
  if (n === 0 || n > 3) return v;
  let key = 0;
  for (let k = 0; k < n; k++) {
    const c = tagChar(v.charCodeAt(k));
    if (c < 0) return v;
    key = key * 37 + c;
  }
  return (CODES[key] ??= v);
}

/** `intern(text.slice(start, end))` without making the slice when the code is already known. */
export function internSlice(text: string, start: number, end: number): string {
  const n = end - start;
  if (n === 0 || n > 3) return text.slice(start, end);
  let key = 0;
  for (let k = start; k < end; k++) {
    const c = tagChar(text.charCodeAt(k));
    if (c < 0) return text.slice(start, end);
    key = key * 37 + c;
  }
  return (CODES[key] ??= text.slice(start, end));
}
