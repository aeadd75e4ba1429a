/**
 * X12 997 functional acknowledgement for one received functional group, and TA1 interchange
 * acknowledgement for a broken envelope (issue 7). Pure: the caller describes what it received
 * and what it found, and passes our own control numbers.
 *
 * 997 layout: AK1 (GS01, GS06[, GS08 from 005010]); per received set AK2 (ST01, ST02[, ST03]),
 * AK3/AK4 for segment and element errors, AK5 (A accepted / E accepted, errors noted /
 * R rejected, with up to five 718 syntax error codes); AK9 (A / E / P partially accepted /
 * R, GE01 as received, sets received, sets accepted, up to five 716 group error codes).
 */
import { interchangeControl, x12Date6, x12Text, x12Time, writeX12Interchange, type X12GroupHeader, type X12InterchangeHeader, type X12SegmentData, type X12WriteDelimiters } from './x12-writer.js';

/** AK3: a segment in error (segment id, position in the set counting ST as 1, loop id, 720 code). */
export interface SegmentError {
  tag: string;
  position: number;
  loopId?: string;
  code?: string;
  elements?: ElementError[];
}

/** AK4: an element in error (position, optional component position, 723 code, a copy of the bad data). */
export interface ElementError {
  position: number;
  component?: number;
  dataElementRef?: string;
  code: string;
  badData?: string;
}

export interface ReceivedSetResult {
  /** ST01, ST02, ST03 as received. */
  code: string;
  controlNumber: string;
  implementationRef?: string;
  /**
   * accepted: AK5 A. accepted_with_errors: AK5 E (the set is processed). rejected: AK5 R.
   * `errors` are 718 codes (1 not supported, 2 trailer missing, 3 control number mismatch,
   * 4 included segment count wrong, 5 segments in error …).
   */
  status: 'accepted' | 'accepted_with_errors' | 'rejected';
  errors?: string[];
  segmentErrors?: SegmentError[];
}

export interface ReceivedGroup {
  /** GS01, GS06, GS08 as received. */
  functionalId: string;
  controlNumber: string;
  version?: string;
  /** GE01 as received (the count the sender declared); defaults to `sets.length`. */
  declaredSets?: number;
  sets: ReceivedSetResult[];
  /** 716 group error codes (e.g. 4 group control number mismatch, 5 set count wrong); they reject the group. */
  groupErrors?: string[];
}

export interface Ack997Options {
  interchange: X12InterchangeHeader;
  group: Omit<X12GroupHeader, 'functionalId'>;
  /** ST02 of the 997. */
  setControlNumber: string | number;
  delimiters?: Partial<X12WriteDelimiters>;
}

const AK5: Record<ReceivedSetResult['status'], string> = { accepted: 'A', accepted_with_errors: 'E', rejected: 'R' };

/** AK901: R when the group itself is in error or no set was accepted; P when some were; E when errors were noted; else A. */
export function groupAckCode(g: ReceivedGroup): 'A' | 'E' | 'P' | 'R' {
  const accepted = g.sets.filter((s) => s.status !== 'rejected').length;
  if ((g.groupErrors?.length ?? 0) > 0 || accepted === 0) return 'R';
  if (accepted < g.sets.length) return 'P';
  if (g.sets.some((s) => s.status === 'accepted_with_errors')) return 'E';
  return 'A';
}

/** The 997 body (AK1 … AK9), without ST/SE. */
export function build997Body(g: ReceivedGroup, d?: Partial<X12WriteDelimiters>): X12SegmentData[] {
  const body: X12SegmentData[] = [['AK1', g.functionalId, g.controlNumber, g.version]];
  for (const s of g.sets) {
    body.push(['AK2', s.code, s.controlNumber, s.implementationRef]);
    for (const se of s.segmentErrors ?? []) {
      body.push(['AK3', se.tag, se.position, se.loopId, se.code]);
      for (const ee of se.elements ?? []) {
        body.push(['AK4', ee.component ? [ee.position, ee.component] : ee.position, ee.dataElementRef, ee.code, ee.badData === undefined ? undefined : x12Text(ee.badData, d).slice(0, 99)]);
      }
    }
    const errors = (s.errors ?? []).slice(0, 5);
    if (s.status === 'rejected' && errors.length === 0) {
      throw new Error(`AK5 R for set ${s.controlNumber} needs at least one error code`);
    }
    body.push(['AK5', AK5[s.status], ...errors]);
  }
  const accepted = g.sets.filter((s) => s.status !== 'rejected').length;
  body.push(['AK9', groupAckCode(g), g.declaredSets ?? g.sets.length, g.sets.length, accepted, ...(g.groupErrors ?? []).slice(0, 5)]);
  return body;
}

/** A complete 997 interchange acknowledging one received group. */
export function write997(received: ReceivedGroup, o: Ack997Options): string {
  return writeX12Interchange({
    header: o.interchange,
    delimiters: o.delimiters,
    groups: [{ header: { ...o.group, functionalId: 'FA' }, sets: [{ code: '997', controlNumber: o.setControlNumber, body: build997Body(received, o.delimiters) }] }],
  });
}

export interface BrokenInterchange {
  /** ISA13 of the received interchange (numeric). */
  controlNumber: string;
  /** ISA09 / ISA10 as received (YYMMDD, HHMM). */
  date: string;
  time: string;
  /** TA104: A accepted, E accepted with errors, R rejected (default R). */
  ackCode?: 'A' | 'E' | 'R';
  /**
   * TA105 interchange note code (I18): 000 no error, 001 control numbers in ISA and IEA do not
   * match, 021 invalid number of included groups, 022 invalid control structure, 024 invalid
   * interchange content (e.g. an invalid GS) …
   */
  noteCode: string;
}

/** The TA1 segment. */
export function buildTa1(b: BrokenInterchange): X12SegmentData {
  const ctl = b.controlNumber.trim();
  if (!/^\d{1,9}$/.test(ctl)) throw new Error(`TA101 "${b.controlNumber}" must be numeric`);
  if (!/^\d{6}$/.test(b.date) || !/^\d{4}$/.test(b.time)) throw new Error(`TA102/TA103 must be YYMMDD and HHMM, got "${b.date}" "${b.time}"`);
  if (!/^\d{3}$/.test(b.noteCode)) throw new Error(`TA105 "${b.noteCode}" must be a 3-digit note code`);
  return ['TA1', interchangeControl(Number(ctl)), b.date, b.time, b.ackCode ?? 'R', b.noteCode];
}

/** An interchange that carries only a TA1 (no functional group: IEA01 = 0). */
export function writeTa1(b: BrokenInterchange, o: { interchange: X12InterchangeHeader; delimiters?: Partial<X12WriteDelimiters> }): string {
  return writeX12Interchange({ header: o.interchange, delimiters: o.delimiters, serviceSegments: [buildTa1(b)], groups: [] });
}

/** TA102/TA103 for an interchange whose ISA could only be partly read: today's values. */
export function ta1DateTime(d: Date): { date: string; time: string } {
  return { date: x12Date6(d), time: x12Time(d) };
}
