/** The EDIFACT envelope's data model: what `readEdifact` returns, and small accessors. */
import type { EdiError, EdiPosition } from '../types.js';
import type { Charset } from './charset.js';

export interface EdifactDelimiters {
  component: string;
  element: string;
  decimal: string;
  /** null when the UNA says "not used" (a space). */
  release: string | null;
  /** Only meaningful from syntax version 4; null when not used. */
  repetition: string | null;
  segment: string;
}

export interface EdifactSegment {
  tag: string;
  /** elements[0] is the tag's element; elements[i] are the components of data element i. */
  elements: string[][];
  /** For an element sent with repetitions (syntax 4): every repetition, keyed by element index. */
  repeats?: Record<number, string[][]>;
  /** 1-based index of the segment within the file (UNA not counted). */
  index: number;
  /** Byte offset of the segment's first byte in the input. */
  offset: number;
}

export interface EdifactMessage {
  /** UNH 0062, message reference number. */
  ref: string;
  /** S009: type (0065), version (0052), release (0054), agency (0051), association code (0057). */
  type: string;
  version: string;
  release: string;
  agency: string;
  association: string | null;
  /** UNH … UNT inclusive. */
  segments: EdifactSegment[];
  group: EdifactGroup | null;
  position: EdiPosition;
}

export interface EdifactGroup {
  /** UNG 0048. */
  ref: string;
  functionalId: string;
  sender: string;
  receiver: string;
  messageCount: number;
  position: EdiPosition;
}

export interface EdifactInterchange {
  una: boolean;
  delimiters: EdifactDelimiters;
  /** UNB S001: syntax identifier (UNOA … UNOY) and version number. */
  syntaxId: string;
  syntaxVersion: string;
  /** The charset the values were decoded with, which differs from the declared one when the
   * interchange declares a single-byte set but its bytes are valid UTF-8 (a common partner fault). */
  charset: Charset;
  declaredCharset: Charset;
  sender: string;
  senderQualifier: string | null;
  receiver: string;
  receiverQualifier: string | null;
  date: string;
  time: string;
  /** UNB 0020. */
  controlRef: string;
  groups: EdifactGroup[];
  messages: EdifactMessage[];
  /** Control mismatches tolerated under `controls: 'warn'`. */
  warnings: EdiError[];
  position: EdiPosition;
}

export interface ReadOptions {
  /** 'strict' (default) rejects count/reference mismatches; 'warn' records them in `warnings`. */
  controls?: 'strict' | 'warn';
  /** Check element shapes (lengths, numeric values, component counts) of common segments. Default true. */
  validateSegments?: boolean;
}

/** Component `c` of data element `e` ("" when absent). */
export function el(seg: EdifactSegment, e: number, c = 0): string {
  return seg.elements[e]?.[c] ?? '';
}

export function posOf(seg: EdifactSegment, element?: number): EdiPosition {
  return element === undefined ? { segment: seg.index, tag: seg.tag } : { segment: seg.index, tag: seg.tag, element };
}
