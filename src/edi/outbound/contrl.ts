/**
 * EDIFACT CONTRL (syntax and service report, UN CONTRL D:3) for a received interchange
 * (issue 7). Pure; our own UNB/UNH references come from the caller.
 *
 * Action codes, data element 0083 (UN service code list, syntax version 3 and 4):
 *   4 = this level and all lower levels rejected,
 *   7 = this level acknowledged, lower levels acknowledged unless explicitly rejected,
 *   8 = interchange received (receipt only, UCI).
 * So an accepted message is 7 and a rejected one 4 (there is no "accepted = 4"). 0085 syntax
 * error codes (e.g. 12 invalid value, 13 missing, 16 too many constituents, 18 unspecified
 * error, 28 references do not match, 29 control count does not match) go with 4.
 *
 * UCI: 0020 reference, S002 sender, S003 recipient of the received interchange, 0083, 0085,
 * and for a fault in a service segment (UNA, UNB, UNG, UNE, UNZ) its tag (0013) and element (S011).
 * UCM per reported message: 0062, S009, 0083, 0085, 0013/S011 for a fault in UNH or UNT;
 * UCS/UCD for segment and element errors in the message body.
 */
import { writeEdifactInterchange, type EdifactInterchangeHeader, type EdifactSegmentData, type EdifactWriteDelimiters } from './edifact-writer.js';

/** 0013 service segment tag and S011 (0098 element position, 0104 component position) of a service segment fault. */
export interface ServiceSegmentError {
  tag: string;
  element?: number;
  component?: number;
}

export interface ReceivedMessageResult {
  /** UNH 0062 and S009 of the received message. */
  ref: string;
  type: string;
  version: string;
  release: string;
  agency: string;
  association?: string | null;
  status: 'accepted' | 'rejected';
  /** 0085 for the message. */
  errorCode?: string;
  /** UCS: segment position in the message (UNH = 1), 0085; UCD: 0085 and element position. */
  segmentErrors?: Array<{ position: number; errorCode?: string; elements?: Array<{ errorCode: string; element: number; component?: number }> }>;
  /** A fault in the message's own UNH or UNT. */
  serviceSegment?: ServiceSegmentError;
}

export interface ReceivedInterchange {
  controlRef: string;
  sender: string;
  senderQualifier?: string | null;
  recipient: string;
  recipientQualifier?: string | null;
  /** rejected: the whole interchange (UCI 4) — e.g. an envelope fault; receipt: UCI 8 only. */
  status: 'acknowledged' | 'rejected' | 'received';
  errorCode?: string;
  /** A fault in an interchange-level service segment (UNA, UNB, UNG, UNE, UNZ). */
  serviceSegment?: ServiceSegmentError;
  messages: ReceivedMessageResult[];
}

const s011 = (e: ServiceSegmentError | undefined) => (e?.element ? (e.component ? [e.element, e.component] : [e.element]) : undefined);

const ACTION = { accepted: '7', rejected: '4', acknowledged: '7', received: '8' } as const;

export function buildContrlBody(r: ReceivedInterchange): EdifactSegmentData[] {
  const uciStatus = r.status === 'rejected' ? '4' : ACTION[r.status];
  const body: EdifactSegmentData[] = [
    ['UCI', r.controlRef, [r.sender, r.senderQualifier], [r.recipient, r.recipientQualifier], uciStatus, r.status === 'rejected' ? (r.errorCode ?? '18') : r.errorCode, r.serviceSegment?.tag, s011(r.serviceSegment)],
  ];
  if (r.status === 'received') return body;
  for (const m of r.messages) {
    // Under an acknowledged interchange (7), accepted messages are implied; they are still listed
    // so that the partner sees each message answered explicitly.
    body.push(['UCM', m.ref, [m.type, m.version, m.release, m.agency, m.association], ACTION[m.status], m.status === 'rejected' ? (m.errorCode ?? '18') : m.errorCode, m.serviceSegment?.tag, s011(m.serviceSegment)]);
    for (const s of m.segmentErrors ?? []) {
      body.push(['UCS', s.position, s.errorCode]);
      for (const e of s.elements ?? []) body.push(['UCD', e.errorCode, e.component ? [e.element, e.component] : [e.element]]);
    }
  }
  return body;
}

export interface ContrlOptions {
  interchange: EdifactInterchangeHeader;
  /** Our UNH 0062. */
  messageRef: string;
  delimiters?: Partial<EdifactWriteDelimiters>;
}

export function writeContrl(r: ReceivedInterchange, o: ContrlOptions): string {
  return writeEdifactInterchange(o.interchange, [{ ref: o.messageRef, type: 'CONTRL', version: 'D', release: '3', agency: 'UN', body: buildContrlBody(r) }], o.delimiters);
}
