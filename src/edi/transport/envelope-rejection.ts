/**
 * TA1 for an X12 interchange whose envelope we refused (issue 7). The intake rejects the whole
 * file before any partner is known; here the ISA is read just far enough (fixed width: the
 * element separator is its 4th character) to find the sender and, when it is a partner with
 * outbound acknowledgements, a TA1 (TA104 R) is written and queued in one transaction.
 * A file with no readable ISA, or from an unknown sender, gets no TA1 — only the error answer.
 */
import type { Store } from '../../core/db/index.js';
import { writeTa1 } from '../outbound/x12-997.js';
import { partnerForSender, type EdiPartner } from '../partners.js';
import { envelopeFor, queueX12, type QueuedDocument } from './queue.js';

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

/** Writes the TA1 when the sender is one of `dealerCode`'s partners that takes acknowledgements; the error itself is the caller's to answer. */
export async function queueEnvelopeRejection(store: Store, partners: readonly EdiPartner[], dealerCode: string, body: Uint8Array, error: unknown, now: Date): Promise<QueuedDocument | null> {
  const details = (error as { details?: { code?: unknown; ediCode?: unknown } } | null)?.details;
  if (details?.code !== 'edi_envelope') return null;
  const ediCode = typeof details.ediCode === 'string' ? details.ediCode : undefined;
  const isa = readIsaHead(body);
  if (!isa) return null;
  const partner = partnerForSender(partners, 'x12', isa.sender);
  const env = partner && partner.dealer === dealerCode ? envelopeFor(partner, 'x12', isa.sender) : null;
  if (!env?.send.ack) return null;
  const noteCode = NOTE[ediCode ?? ''] ?? '022';
  return store.tx((q) =>
    queueX12(q, env, { type: 'TA1', inbound: isa.control, now }, (c) =>
      writeTa1({ controlNumber: isa.control, date: isa.date, time: isa.time, ackCode: 'R', noteCode }, { interchange: c.interchange }),
    ),
  );
}
