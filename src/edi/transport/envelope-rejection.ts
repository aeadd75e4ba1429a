/**
 * Refusals of a whole interchange (issue 7): a TA1 (X12) or a CONTRL with UCI 4 (EDIFACT) for an
 * envelope we could not read, and for an interchange control number the partner sent before.
 *
 * Broken envelope: the intake rejects the whole file before any partner is known; here the ISA
 * (fixed width: the element separator is its 4th character) or the UNB (edifact-rejection.ts) is
 * read just far enough to find the sender and, when it is a partner with outbound
 * acknowledgements, the refusal is written and queued in one transaction. A file with no readable
 * ISA/UNB, or from an unknown sender, gets none — only the error answer.
 *
 * Duplicate: `queueDuplicateNotice`, in the intake's transaction that counts the duplicate.
 */
import type { Queryable, Store } from '../../core/db/index.js';
import type { EdifactInterchange } from '../edifact/model.js';
import { detectSyntax, type ParsedInterchange } from '../intake.js';
import { writeContrl } from '../outbound/contrl.js';
import { ta1DateTime, writeTa1 } from '../outbound/x12-997.js';
import { partnerForSender, type EdiPartner } from '../partners.js';
import type { EdiPosition } from '../types.js';
import type { X12Interchange } from '../x12/envelope.js';
import { EDIFACT_DUPLICATE, edifactRejection } from './edifact-rejection.js';
import { envelopeFor, queueEdifact, queueX12, type OutboundEnvelope, type QueuedDocument } from './queue.js';

/** TA105 025: duplicate interchange control number. */
const X12_DUPLICATE = '025';

/** TA105 (I18) for our envelope error codes; 022 "invalid control structure" for the rest. */
const NOTE: Record<string, string> = {
  X12_IEA_CONTROL: '001',
  X12_IEA_COUNT: '021',
  X12_MISSING_IEA: '023',
  X12_GE_CONTROL: '024',
  X12_GE_COUNT: '024',
  X12_MISSING_GE: '024',
  X12_MISSING_GS: '024',
  X12_BAD_DELIMITERS: '026',
};

interface IsaHead {
  sender: { qualifier: string; id: string };
  date: string;
  time: string;
  control: string;
}

/** ISA05/06, ISA09/10 and ISA13 of the first interchange, or null when no ISA can be read. */
export function readIsaHead(body: Uint8Array): IsaHead | null {
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 4096)).toString('latin1');
  const at = head.search(/ISA[^A-Za-z0-9\s]/);
  if (at < 0) return null;
  const sep = head[at + 3]!;
  const e = head.slice(at).split(sep);
  if (e.length < 14) return null;
  const [date, time, control] = [e[9]!.trim(), e[10]!.trim(), e[13]!.trim()];
  if (!/^\d{6}$/.test(date) || !/^\d{4}$/.test(time) || !/^\d{1,9}$/.test(control)) return null;
  return { sender: { qualifier: e[5]!.trim(), id: e[6]!.trim() }, date, time, control };
}

/** The partner's outbound envelope when the sender is one of `dealerCode`'s partners that takes acknowledgements. */
function ackEnvelope(partners: readonly EdiPartner[], dealerCode: string, syntax: 'x12' | 'edifact', sender: { qualifier: string | null; id: string }): OutboundEnvelope | null {
  const partner = partnerForSender(partners, syntax, sender);
  const env = partner && partner.dealer === dealerCode ? envelopeFor(partner, syntax, sender) : null;
  return env?.send.ack ? env : null;
}

/** Writes the TA1 or CONTRL when the sender is one of `dealerCode`'s partners that takes acknowledgements; the error itself is the caller's to answer. */
export async function queueEnvelopeRejection(store: Store, partners: readonly EdiPartner[], dealerCode: string, body: Uint8Array, error: unknown, now: Date): Promise<QueuedDocument | null> {
  const details = (error as { details?: { code?: unknown; ediCode?: unknown; position?: unknown } } | null)?.details;
  if (details?.code !== 'edi_envelope') return null;
  const ediCode = typeof details.ediCode === 'string' ? details.ediCode : undefined;
  let syntax;
  try {
    syntax = detectSyntax(body);
  } catch {
    return null;
  }
  if (syntax === 'edifact') {
    const found = edifactRejection(body, ediCode, (details.position ?? null) as EdiPosition | null);
    const env = found && ackEnvelope(partners, dealerCode, 'edifact', found.unb.sender);
    if (!found || !env) return null;
    return store.tx((q) => queueEdifact(q, env, { type: 'CONTRL', inbound: found.unb.controlRef, now }, (c) => writeContrl(found.received, c)));
  }
  const isa = readIsaHead(body);
  if (!isa) return null;
  const env = ackEnvelope(partners, dealerCode, 'x12', isa.sender);
  if (!env) return null;
  const noteCode = NOTE[ediCode ?? ''] ?? '022';
  return store.tx((q) =>
    queueX12(q, env, { type: 'TA1', inbound: isa.control, now }, (c) =>
      writeTa1({ controlNumber: isa.control, date: isa.date, time: isa.time, ackCode: 'R', noteCode }, { interchange: c.interchange }),
    ),
  );
}

/**
 * A duplicate interchange refused (TA1 R 025 / CONTRL UCI 4 with 0085 26), written in the
 * caller's transaction; null when the partner takes no acknowledgements.
 */
export async function queueDuplicateNotice(q: Queryable, partner: EdiPartner, ic: ParsedInterchange, now: Date): Promise<QueuedDocument | null> {
  const env = envelopeFor(partner, ic.syntax, ic.sender);
  if (!env?.send.ack) return null;
  const meta = { inbound: ic.controlNumber, now };
  if (ic.syntax === 'x12') {
    // The reader checked ISA13; ISA09/10 are taken as sent when well-formed, else today's (the TA1 must not fail the 409).
    if (!/^\d{1,9}$/.test(ic.controlNumber.trim())) return null;
    const header = (ic.source as X12Interchange).header.elements;
    const [date, time] = [header[9]?.trim() ?? '', header[10]?.trim() ?? ''];
    const when = /^\d{6}$/.test(date) && /^\d{4}$/.test(time) ? { date, time } : ta1DateTime(now);
    const broken = { controlNumber: ic.controlNumber, ...when, ackCode: 'R' as const, noteCode: X12_DUPLICATE };
    return queueX12(q, env, { ...meta, type: 'TA1' }, (c) => writeTa1(broken, { interchange: c.interchange }));
  }
  const src = ic.source as EdifactInterchange;
  const received = {
    controlRef: ic.controlNumber, sender: src.sender, senderQualifier: src.senderQualifier, recipient: src.receiver, recipientQualifier: src.receiverQualifier,
    status: 'rejected' as const, errorCode: EDIFACT_DUPLICATE, messages: [],
  };
  return queueEdifact(q, env, { ...meta, type: 'CONTRL' }, (c) => writeContrl(received, c));
}
