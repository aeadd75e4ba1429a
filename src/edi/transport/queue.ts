/**
 * Writing an outbound document, inside the transaction of the state change that causes it
 * (outbox pattern): our control numbers are taken, the document is rendered with them, stored in
 * `edi_outbound` exactly as it will be sent, and an outbox row (target `edi`) is written for the
 * relay (src/delivery) to carry it to the partner's folder and/or endpoint (deliver.ts).
 *
 * Outbox rows of one partner share the aggregate `edi_partner:<id>`, so the relay hands them over
 * in the order they were written: the partner sees our control numbers increase.
 */
import type { Queryable } from '../../core/db/index.js';
import type { EdiOutboundConfig } from '../../core/config/schema-edi-transport.js';
import type { EdifactInterchangeHeader } from '../outbound/edifact-writer.js';
import type { X12GroupHeader, X12InterchangeHeader } from '../outbound/x12-writer.js';
import type { EdiPartner, EdiSyntax, InterchangeSender } from '../partners.js';
import { takeControlNumbers } from './control-numbers.js';

export const EDI_TARGET = 'edi';
export const EDI_EVENT = 'edi.document';

/** Who we answer and how: taken from the partner's config and the interchange it sent. */
export interface OutboundEnvelope {
  partner: string;
  syntax: EdiSyntax;
  send: EdiOutboundConfig['send'];
  x12?: NonNullable<EdiOutboundConfig['x12']>;
  edifact?: NonNullable<EdiOutboundConfig['edifact']>;
  /** The partner's interchange sender: our receiver unless the config names one. */
  partnerId: InterchangeSender;
}

/** Null when the partner has no outbound config, or no ids of ours for this syntax. */
export function envelopeFor(partner: EdiPartner, syntax: EdiSyntax, sender: InterchangeSender): OutboundEnvelope | null {
  const out = partner.outbound;
  if (!out || !out[syntax]) return null;
  return { partner: partner.id, syntax, send: out.send, x12: out.x12, edifact: out.edifact, partnerId: { qualifier: sender.qualifier, id: sender.id.trim() } };
}

export type DocumentType = '997' | 'TA1' | '855' | '856' | 'CONTRL' | 'ORDRSP' | 'DESADV';

export interface DocumentMeta {
  type: DocumentType;
  orderId?: string | null;
  /** The inbound interchange control number this answers. */
  inbound?: string | null;
  now: Date;
}

export interface X12Controls {
  interchange: X12InterchangeHeader;
  group: Omit<X12GroupHeader, 'functionalId'>;
  setControlNumber: number;
}

export interface EdifactControls {
  interchange: EdifactInterchangeHeader;
  messageRef: string;
}

export interface QueuedDocument {
  id: string;
  fileName: string;
  controlNumber: string;
  content: string;
}

/** The file name the partner sees: partner, document type and our interchange control number. */
export function documentFileName(partner: string, type: DocumentType, syntax: EdiSyntax, control: number): string {
  return `${partner}_${type}_${String(control).padStart(9, '0')}.${syntax === 'x12' ? 'x12' : 'edi'}`;
}

export async function queueX12(q: Queryable, env: OutboundEnvelope, meta: DocumentMeta, render: (c: X12Controls) => string): Promise<QueuedDocument> {
  const ids = env.x12;
  if (!ids) throw new Error(`partner ${env.partner} has no outbound.x12 ids`);
  // A TA1 travels without a group or set: it takes only an interchange number.
  const c = await takeControlNumbers(q, env.partner, meta.type === 'TA1' ? ['x12.isa'] : ['x12.isa', 'x12.gs', 'x12.st']);
  const receiverId = ids.receiverId ?? env.partnerId.id;
  const controls: X12Controls = {
    interchange: {
      senderQualifier: ids.senderQualifier, senderId: ids.senderId, receiverQualifier: ids.receiverQualifier ?? (env.partnerId.qualifier || 'ZZ'), receiverId,
      controlNumber: c['x12.isa'], date: meta.now, version: ids.version, usage: ids.usage,
    },
    group: { senderCode: ids.applicationSenderCode ?? ids.senderId, receiverCode: receiverId, controlNumber: c['x12.gs'] ?? 0, version: ids.groupVersion },
    setControlNumber: c['x12.st'] ?? 0,
  };
  const content = render(controls);
  return insertDocument(q, env, meta, { interchange: c['x12.isa'], group: c['x12.gs'] ?? null, set: c['x12.st'] ?? null }, content);
}

export async function queueEdifact(q: Queryable, env: OutboundEnvelope, meta: DocumentMeta, render: (c: EdifactControls) => string): Promise<QueuedDocument> {
  const ids = env.edifact;
  if (!ids) throw new Error(`partner ${env.partner} has no outbound.edifact ids`);
  const c = await takeControlNumbers(q, env.partner, ['edifact.unb', 'edifact.unh']);
  const recipient = ids.recipient ?? { id: env.partnerId.id, qualifier: env.partnerId.qualifier ?? undefined };
  const controls: EdifactControls = {
    interchange: { syntaxId: ids.syntaxId, sender: ids.sender, recipient, date: meta.now, controlRef: String(c['edifact.unb']), test: ids.test },
    messageRef: String(c['edifact.unh']),
  };
  const content = render(controls);
  return insertDocument(q, env, meta, { interchange: c['edifact.unb'], group: null, set: c['edifact.unh'] }, content);
}

async function insertDocument(q: Queryable, env: OutboundEnvelope, meta: DocumentMeta, c: { interchange: number; group: number | null; set: number | null }, content: string): Promise<QueuedDocument> {
  const fileName = documentFileName(env.partner, meta.type, env.syntax, c.interchange);
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO edi_outbound (partner, syntax, document_type, interchange_control, group_control, set_control, order_id, inbound_interchange, file_name, content)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id::text`,
    [env.partner, env.syntax, meta.type, String(c.interchange), c.group === null ? null : String(c.group), c.set === null ? null : String(c.set), meta.orderId ?? null, meta.inbound ?? null, fileName, content],
  );
  const id = rows[0]!.id;
  await q.query(`INSERT INTO outbox (event, aggregate_type, aggregate_id, target, payload) VALUES ($1, 'edi_partner', $2, $3, $4::jsonb)`, [
    EDI_EVENT,
    env.partner,
    EDI_TARGET,
    JSON.stringify({ documentId: Number(id), number: fileName }),
  ]);
  return { id, fileName, controlNumber: String(c.interchange), content };
}
