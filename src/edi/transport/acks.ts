/**
 * The acknowledgement of a received interchange (997 per functional group for X12, CONTRL for
 * EDIFACT), decided from how the readers parsed each document. Pure, except `queueAcks`, which
 * the intake calls in the transaction that takes the interchange for processing — so the 997
 * goes out before (with a lower control number than) the 855s of its orders.
 *
 * An acknowledgement is about syntax, not business: a document the readers could not read
 * (a missing segment or element, a bad number, an unsupported transaction set) is rejected with
 * the segment and element at fault; a document read correctly is accepted even when it becomes no
 * order (unknown item, credit hold …) — the 855/ORDRSP carries that answer.
 */
import type { Queryable } from '../../core/db/index.js';
import type { EdifactInterchange } from '../edifact/model.js';
import type { ParsedDocument, ParsedInterchange } from '../intake.js';
import { writeContrl, type ReceivedInterchange, type ReceivedMessageResult } from '../outbound/contrl.js';
import { write997, type ReceivedGroup, type ReceivedSetResult } from '../outbound/x12-997.js';
import type { X12Interchange } from '../x12/envelope.js';
import { stSegmentIndex } from '../x12/segment.js';
import { queueEdifact, queueX12, type OutboundEnvelope, type QueuedDocument } from './queue.js';

const isSyntaxError = (d: ParsedDocument) => d.kind === 'error' && /^(X12|EDIFACT)_/.test(d.code);
const isUnsupported = (d: ParsedDocument) => d.kind === 'error' && d.code === 'edi_unsupported_document';
const codeOf = (d: ParsedDocument) => (d.kind === 'error' ? d.code : '');

/** 997 input for each received group; documents are in set order across the groups, as the intake reads them. */
export function x12AckGroups(ic: X12Interchange, documents: readonly ParsedDocument[]): ReceivedGroup[] {
  let k = 0;
  return ic.groups.map((g) => ({
    functionalId: g.functionalId,
    controlNumber: g.controlNumber,
    version: g.version.startsWith('005') ? g.version : undefined,
    sets: g.sets.map((set): ReceivedSetResult => {
      const doc = documents[k++];
      const base = { code: set.code, controlNumber: set.controlNumber, implementationRef: set.implementationRef ?? undefined };
      if (!doc) return { ...base, status: 'accepted' };
      if (isUnsupported(doc)) return { ...base, status: 'rejected', errors: ['1'] };
      if (!isSyntaxError(doc)) return { ...base, status: 'accepted' };
      const stAt = stSegmentIndex(set);
      const p = doc.position;
      const code = codeOf(doc);
      const segmentErrors = p
        ? [{
            tag: p.tag,
            position: Math.max(1, p.segment - stAt + 1),
            // 720: 3 mandatory segment missing, 8 segment has data element errors.
            code: /MISSING_(BEG|SEGMENT)/.test(code) ? '3' : '8',
            elements: p.element ? [{ position: p.element, code: /MISSING/.test(code) ? '1' : /NUMBER|NUMERIC/.test(code) ? '6' : '7' }] : undefined,
          }]
        : undefined;
      return { ...base, status: 'rejected', errors: ['5'], segmentErrors };
    }),
  }));
}

/** CONTRL input: the interchange acknowledged (7), each message accepted (7) or rejected (4) with the segment at fault. */
export function edifactAck(ic: EdifactInterchange, documents: readonly ParsedDocument[]): ReceivedInterchange {
  const messages = ic.messages.map((m, i): ReceivedMessageResult => {
    const doc = documents[i];
    const base = { ref: m.ref, type: m.type, version: m.version, release: m.release, agency: m.agency, association: m.association };
    if (!doc || (!isSyntaxError(doc) && !isUnsupported(doc))) return { ...base, status: 'accepted' };
    // 0085: 12 invalid value, 13 missing, 18 unspecified (an unsupported message type).
    if (isUnsupported(doc)) return { ...base, status: 'rejected', errorCode: '18' };
    const code = codeOf(doc);
    const errorCode = /MISSING/.test(code) ? '13' : '12';
    const p = doc.position;
    const segmentErrors = p && p.segment >= m.position.segment
      ? [{ position: p.segment - m.position.segment + 1, errorCode, elements: p.element ? [{ errorCode, element: p.element }] : undefined }]
      : undefined;
    return { ...base, status: 'rejected', errorCode, segmentErrors };
  });
  return { controlRef: ic.controlRef.trim(), sender: ic.sender, senderQualifier: ic.senderQualifier, recipient: ic.receiver, recipientQualifier: ic.receiverQualifier, status: 'acknowledged', messages };
}

/** Writes the acknowledgement(s) of one processed interchange (a 997 per group, or one CONTRL). */
export async function queueAcks(q: Queryable, env: OutboundEnvelope, ic: ParsedInterchange, now: Date): Promise<QueuedDocument[]> {
  const documents = ic.documents;
  const meta = { inbound: ic.controlNumber, now };
  if (ic.syntax === 'x12') {
    const out: QueuedDocument[] = [];
    for (const group of x12AckGroups(ic.source as X12Interchange, documents)) {
      out.push(await queueX12(q, env, { ...meta, type: '997' }, (c) => write997(group, c)));
    }
    return out;
  }
  const received = edifactAck(ic.source as EdifactInterchange, documents);
  return [await queueEdifact(q, env, { ...meta, type: 'CONTRL' }, (c) => writeContrl(received, c))];
}
