/**
 * Inbound EDI → orders (issue 7). One file may hold several interchanges (X12 or EDIFACT,
 * detected from the first ISA / UNA / UNB). For each interchange: the partner is found by the
 * interchange sender and must belong to the authenticated dealer; a control number the partner
 * sent before (within its duplicate window) is refused without creating orders; every purchase
 * order then goes through `placeOrder` (channel 'edi', externalRef = PO number, idempotency key
 * `edi:<partner>:<PO>`), except cancels and changes, which are held for manual handling.
 * Each interchange is recorded in `edi_interchanges` with its per-document results.
 */
import type { Queryable, Store } from '../core/db/index.js';
import { DealerHubError, ForbiddenError, UserError } from '../core/errors.js';
import type { DealerRef } from '../orders/facts.js';
import { placeOrder, type OrderingSettings, type OrderRequest } from '../orders/place-order.js';
import { orderRequest } from '../api/v1/order-schemas.js';
import { readEdifact } from './edifact/envelope.js';
import type { EdifactInterchange } from './edifact/model.js';
import { ordersToPurchaseOrder } from './edifact/orders.js';
import { candidateSkus, chooseShipTo, describeItems, partnerForSender, skuForLine, type EdiPartner, type EdiSyntax, type InterchangeSender } from './partners.js';
import { EdiError, type EdiPosition, type PurchaseOrder } from './types.js';
import { parseX12, type X12Interchange } from './x12/envelope.js';
import { purchaseOrderFrom850 } from './x12/850.js';
import { stSegmentIndex } from './x12/segment.js';
import { receiveSellThroughEdi } from './sell-through/receive.js';
import { businessDate } from '../orders/evaluate.js';

export type DocumentStatus = 'created' | 'replayed' | 'failed' | 'held_for_manual_handling';

export interface DocumentResult {
  /** 0-based position of the document within its interchange. */
  index: number;
  documentType: string;
  /** ST02 / UNH 0062. */
  transaction: string;
  poNumber: string | null;
  purpose: PurchaseOrder['purpose'] | null;
  position: EdiPosition | null;
  status: DocumentStatus;
  order?: { id: string; number: string; status: string };
  /** Why a document failed or is held; `line` names the PO line (PO101 / LIN 1082) when one is at fault. */
  error?: { code: string; message: string; lines?: string[] };
}

export interface InterchangeResult {
  syntax: EdiSyntax;
  controlNumber: string;
  sender: InterchangeSender;
  receiver: string;
  partner: string;
  status: 'processed' | 'duplicate';
  /** For a duplicate: when the earlier one arrived. */
  message?: string;
  documents: DocumentResult[];
}

export interface IntakeSummary {
  interchanges: number;
  duplicates: number;
  documents: number;
  created: number;
  replayed: number;
  failed: number;
  held: number;
}

export interface IntakeResult {
  syntax: EdiSyntax;
  summary: IntakeSummary;
  interchanges: InterchangeResult[];
  warnings: Array<{ code: string; message: string }>;
}

export interface IntakeInput {
  dealer: DealerRef;
  partners: readonly EdiPartner[];
  body: Uint8Array;
  actor: string;
  now: Date;
  /** Outbound EDI (src/edi/transport): acknowledgements and order responses, each in the transaction it answers. */
  outbound?: IntakeOutbound;
}

export interface IntakeOutbound {
  orderPlaced(q: Queryable, c: { partner: EdiPartner; interchange: ParsedInterchange; po: PurchaseOrder; orderId: string; now: Date }): Promise<void>;
  /** In the transaction that takes the interchange for processing (not for a duplicate): the acknowledgement, which is about syntax only. */
  interchangeReceived(q: Queryable, c: { partner: EdiPartner; interchange: ParsedInterchange; now: Date }): Promise<void>;
  /** In the transaction that counts a duplicate interchange: the partner is told it was refused (TA1 025 / CONTRL 26). */
  interchangeDuplicate?(q: Queryable, c: { partner: EdiPartner; interchange: ParsedInterchange; now: Date }): Promise<void>;
}

/** A document as parsed: a purchase order, or the reason it could not be read. */
export type ParsedDocument =
  | { kind: 'po'; po: PurchaseOrder; documentType: string; transaction: string; position: EdiPosition | null }
  | { kind: 'error'; documentType: string; transaction: string; position: EdiPosition | null; code: string; message: string };

export interface ParsedInterchange {
  syntax: EdiSyntax;
  /** The envelope as read (groups, sets, messages), for the acknowledgement. */
  source: X12Interchange | EdifactInterchange;
  controlNumber: string;
  sender: InterchangeSender;
  receiver: string;
  documents: ParsedDocument[];
}

/** First ISA (X12) or UNA/UNB (EDIFACT) in the first 64 KiB, whichever comes first. */
export function detectSyntax(body: Uint8Array): EdiSyntax {
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 65_536)).toString('latin1');
  const find = (re: RegExp) => {
    const m = re.exec(head);
    return m ? m.index : -1;
  };
  const isa = find(/ISA[^A-Za-z0-9\s]/);
  const unx = find(/UN[AB][^A-Za-z0-9]/);
  if (isa < 0 && unx < 0) {
    if (/\u00c9\u00e2\u00c1|\u00e4\u00d5[\u00c1\u00c2]/.test(head)) {
      throw new UserError('unsupported encoding: the file looks like EBCDIC; send ASCII, Latin-1 or UTF-8', { code: 'edi_unsupported_encoding' });
    }
    throw new UserError('no EDI interchange found: the body holds neither an X12 ISA nor an EDIFACT UNA/UNB segment', { code: 'edi_no_interchange' });
  }
  if (isa < 0) return 'edifact';
  if (unx < 0) return 'x12';
  return isa < unx ? 'x12' : 'edifact';
}

function envelopeError(error: unknown): never {
  if (error instanceof EdiError) {
    throw new UserError(`EDI envelope rejected: ${error.message}`, { code: 'edi_envelope', ediCode: error.code, position: error.position });
  }
  throw error;
}

function documentError(error: unknown): { code: string; message: string; position: EdiPosition | null } {
  if (error instanceof EdiError) return { code: error.code, message: error.message, position: error.position };
  throw error;
}

export function parseInterchanges(body: Uint8Array, syntax: EdiSyntax): { interchanges: ParsedInterchange[]; warnings: IntakeResult['warnings'] } {
  if (syntax === 'x12') {
    let doc;
    try {
      doc = parseX12(body);
    } catch (error) {
      envelopeError(error);
    }
    if (doc.interchanges.length === 0) throw new UserError('no X12 interchange found', { code: 'edi_no_interchange' });
    const interchanges = doc.interchanges.map((ic): ParsedInterchange => {
      const documents: ParsedDocument[] = [];
      for (const group of ic.groups) {
        for (const set of group.sets) {
          const position = { segment: stSegmentIndex(set), tag: 'ST' };
          if (set.code !== '850') {
            documents.push({ kind: 'error', documentType: set.code, transaction: set.controlNumber, position, code: 'edi_unsupported_document', message: `transaction set ${set.code} is not accepted here; send 850 purchase orders` });
            continue;
          }
          try {
            const { order } = purchaseOrderFrom850(set, group, ic);
            documents.push({ kind: 'po', po: order, documentType: '850', transaction: set.controlNumber, position: order.position });
          } catch (error) {
            documents.push({ kind: 'error', documentType: '850', transaction: set.controlNumber, ...documentError(error) });
          }
        }
      }
      return { syntax, source: ic, controlNumber: ic.controlNumber, sender: { qualifier: ic.sender.qualifier || null, id: ic.sender.id }, receiver: ic.receiver.id, documents };
    });
    return { interchanges, warnings: doc.warnings.map((w) => ({ code: w.code, message: w.message })) };
  }
  let ics;
  try {
    ics = readEdifact(body);
  } catch (error) {
    envelopeError(error);
  }
  const warnings: IntakeResult['warnings'] = [];
  const interchanges = ics.map((ic): ParsedInterchange => {
    for (const w of ic.warnings) warnings.push({ code: w.code, message: w.message });
    const documents: ParsedDocument[] = ic.messages.map((msg): ParsedDocument => {
      if (msg.type !== 'ORDERS') {
        return { kind: 'error', documentType: msg.type, transaction: msg.ref, position: msg.position, code: 'edi_unsupported_document', message: `message ${msg.type} is not accepted here; send ORDERS` };
      }
      try {
        const po = ordersToPurchaseOrder(ic, msg);
        return { kind: 'po', po, documentType: 'ORDERS', transaction: msg.ref, position: msg.position };
      } catch (error) {
        return { kind: 'error', documentType: 'ORDERS', transaction: msg.ref, ...documentError(error) };
      }
    });
    return { syntax, source: ic, controlNumber: ic.controlRef.trim(), sender: { qualifier: ic.senderQualifier, id: ic.sender }, receiver: ic.receiver, documents };
  });
  return { interchanges, warnings };
}

const PURPOSE_LABEL: Record<PurchaseOrder['purpose'], string> = { original: 'original', cancel: 'cancellation', change: 'change', other: 'unrecognised purpose' };

async function toRequest(store: Store, partner: EdiPartner, po: PurchaseOrder): Promise<{ ok: true; request: OrderRequest } | { ok: false; code: string; message: string; lines?: string[] }> {
  const shipTo = chooseShipTo(partner, po);
  if (!shipTo.ok) return { ok: false, code: 'edi_unknown_ship_to', message: shipTo.message };
  const candidates = candidateSkus(partner, po.syntax, po.lines);
  const known = new Set<string>();
  if (candidates.length > 0) {
    const { rows } = await store.query<{ sku: string }>('SELECT sku FROM products WHERE sku = ANY($1::text[])', [candidates]);
    for (const r of rows) known.add(r.sku);
  }
  const unknown: string[] = [];
  const badQty: string[] = [];
  const lines = [];
  for (const line of po.lines) {
    const sku = skuForLine(partner, po.syntax, line, known);
    if (!sku) unknown.push(`line ${line.lineNo}: ${describeItems(line)}`);
    else if (!Number.isInteger(line.qty) || line.qty <= 0) badQty.push(`line ${line.lineNo}: quantity ${line.qty}`);
    else lines.push({ sku, qty: line.qty });
  }
  if (unknown.length > 0) {
    return { ok: false, code: 'edi_unknown_item', message: `no product for ${unknown.join('; ')} (not in partner ${partner.id}'s items.xref, and no preferred id is one of our SKUs)`, lines: unknown };
  }
  if (badQty.length > 0) return { ok: false, code: 'edi_bad_quantity', message: `quantities must be whole numbers of at least 1: ${badQty.join('; ')}`, lines: badQty };
  const request = { externalRef: po.poNumber, shipTo: shipTo.shipTo, lines, note: `EDI ${po.documentType} from ${partner.id}` };
  // The note is part of the request digest: nothing interchange-specific in it, so a resent PO replays.
  const parsed = orderRequest.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, code: 'edi_invalid_order', message: `${issue.path.join('.') || 'order'}: ${issue.message}` };
  }
  return { ok: true, request: parsed.data };
}

async function handleDocument(store: Store, input: IntakeInput, partner: EdiPartner, ic: ParsedInterchange, doc: ParsedDocument, index: number, settings: OrderingSettings): Promise<DocumentResult> {
  const base = { index, documentType: doc.documentType, transaction: doc.transaction, position: doc.position };
  if (doc.kind === 'error') return { ...base, poNumber: null, purpose: null, status: 'failed', error: { code: doc.code, message: doc.message } };
  const { po } = doc;
  const head = { ...base, poNumber: po.poNumber, purpose: po.purpose };
  if (po.purpose !== 'original') {
    const { rows } = await store.query<{ number: string; status: string }>(
      `SELECT number, status FROM orders WHERE dealer_id = $1 AND external_ref = $2 ORDER BY created_at DESC LIMIT 1`,
      [input.dealer.dealerId, po.poNumber],
    );
    const earlier = rows[0] ? `; the original is order ${rows[0].number} (${rows[0].status})` : '; no order exists for this PO yet';
    const code = po.syntax === 'x12' ? `BEG01 ${po.purposeCode}` : `BGM 1225 ${po.purposeCode || '(none)'}`;
    return {
      ...head,
      status: 'held_for_manual_handling',
      error: { code: `edi_${po.purpose}_held`, message: `${code} (${PURPOSE_LABEL[po.purpose]}) for purchase order ${po.poNumber} is not applied automatically: no order was created or changed, handle it by hand${earlier}` },
    };
  }
  const mapped = await toRequest(store, partner, po);
  if (!mapped.ok) return { ...head, status: 'failed', error: { code: mapped.code, message: mapped.message, ...(mapped.lines ? { lines: mapped.lines } : {}) } };
  try {
    const placed = await placeOrder(store, { dealer: input.dealer, channel: 'edi', request: mapped.request, idempotencyKey: `edi:${partner.id}:${po.poNumber}`, actor: input.actor, now: input.now, within: input.outbound && ((q, orderId) => input.outbound!.orderPlaced(q, { partner, interchange: ic, po, orderId, now: input.now })) }, settings);
    return { ...head, status: placed.replayed ? 'replayed' : 'created', order: { id: placed.order.id, number: placed.order.number, status: placed.order.status } };
  } catch (error) {
    if (!(error instanceof DealerHubError)) throw error;
    const code = typeof error.details?.code === 'string' ? error.details.code : error.code;
    return { ...head, status: 'failed', error: { code, message: error.message } };
  }
}

/** Refuses the whole file before anything is written when one interchange is not this dealer's partner's. */
function partnersOf(input: IntakeInput, interchanges: ParsedInterchange[]): EdiPartner[] {
  return interchanges.map((ic) => {
    const partner = partnerForSender(input.partners, ic.syntax, ic.sender);
    const who = `${ic.syntax === 'x12' ? 'ISA05/06' : 'UNB sender'} ${ic.sender.qualifier ? `${ic.sender.qualifier}:` : ''}${ic.sender.id}`;
    if (!partner) throw new UserError(`interchange ${ic.controlNumber}: sender ${who} is not a configured trading partner (edi.partners)`, { code: 'edi_unknown_partner' });
    if (partner.dealer !== input.dealer.dealerCode) {
      throw new ForbiddenError(`interchange ${ic.controlNumber}: sender ${who} is trading partner ${partner.id}, which orders for another dealer; post it with that dealer's token`);
    }
    return partner;
  });
}

export async function receiveEdi(store: Store, input: IntakeInput, settings: OrderingSettings): Promise<IntakeResult> {
  const syntax = detectSyntax(input.body);
  // Sell-through reports (852, SLSRPT, INVRPT) are not orders: src/edi/sell-through stores them.
  const sellThrough = await receiveSellThroughEdi(store, input, syntax, businessDate(input.now, settings.timeZone));
  if (sellThrough) return sellThrough;
  const { interchanges, warnings } = parseInterchanges(input.body, syntax);
  const partners = partnersOf(input, interchanges);
  const results: InterchangeResult[] = [];
  for (const [i, ic] of interchanges.entries()) {
    const partner = partners[i]!;
    const head = { syntax: ic.syntax, controlNumber: ic.controlNumber, sender: ic.sender, receiver: ic.receiver, partner: partner.id };
    const claim = await claimInterchange(store, input, partner, ic);
    if (claim.earlier) {
      const at = new Date(claim.earlier.receivedAt).toISOString();
      results.push({ ...head, status: 'duplicate', message: `interchange ${ic.controlNumber} from partner ${partner.id} was already received at ${at}; nothing was created (send a new interchange control number to resubmit)`, documents: [] });
      continue;
    }
    const documents: DocumentResult[] = [];
    try {
      for (const [index, doc] of ic.documents.entries()) documents.push(await handleDocument(store, input, partner, ic, doc, index, settings));
    } catch (error) {
      await store.query(`UPDATE edi_interchanges SET status = 'failed', finished_at = now(), errors = $2::jsonb, results = $3::jsonb WHERE id = $1`, [
        claim.id, JSON.stringify([{ code: 'internal', message: error instanceof Error ? error.message : String(error) }]), JSON.stringify(documents),
      ]);
      throw error;
    }
    const counts = countDocuments(documents);
    const errors = documents.filter((d) => d.error).map((d) => ({ index: d.index, poNumber: d.poNumber, status: d.status, position: d.position, ...d.error }));
    await store.query(`UPDATE edi_interchanges SET status = 'processed', finished_at = now(), summary = $2::jsonb, errors = $3::jsonb, results = $4::jsonb WHERE id = $1`, [
      claim.id, JSON.stringify(counts), JSON.stringify(errors), JSON.stringify(documents),
    ]);
    results.push({ ...head, status: 'processed', documents });
  }
  const all = results.flatMap((r) => r.documents);
  const c = countDocuments(all);
  return {
    syntax,
    summary: { interchanges: results.length, duplicates: results.filter((r) => r.status === 'duplicate').length, ...c },
    interchanges: results,
    warnings,
  };
}

/**
 * Takes the interchange for processing, or reports the earlier one it duplicates. The row is
 * unique per partner, direction and control number (0001), so two concurrent posts of the same
 * interchange cannot both get through: the loser's insert does nothing and it is a duplicate.
 */
async function claimInterchange(store: Store, input: IntakeInput, partner: EdiPartner, ic: ParsedInterchange): Promise<{ id: string; earlier?: { receivedAt: Date } }> {
  return store.tx(async (q) => {
    const taken = await takeInterchange(q, input, partner, ic);
    if (!taken.earlier) await input.outbound?.interchangeReceived(q, { partner, interchange: ic, now: input.now });
    else await input.outbound?.interchangeDuplicate?.(q, { partner, interchange: ic, now: input.now });
    return taken;
  });
}

async function takeInterchange(q: Queryable, input: IntakeInput, partner: EdiPartner, ic: ParsedInterchange): Promise<{ id: string; earlier?: { receivedAt: Date } }> {
  const fields = [partner.id, ic.controlNumber, input.now, input.dealer.dealerId, ic.syntax, ic.documents[0]?.documentType ?? null, `${ic.sender.qualifier ?? ''}:${ic.sender.id}`, ic.receiver];
  const { rows } = await q.query<{ id: string; status: string; received_at: Date; current: boolean }>(
    `SELECT id, status, received_at, received_at > $3::timestamptz - make_interval(days => $4::int) AS current
       FROM edi_interchanges WHERE partner = $1 AND direction = 'in' AND control_number = $2 FOR UPDATE`,
    [partner.id, ic.controlNumber, input.now, partner.duplicateWindowDays],
  );
  const earlier = rows[0];
  if (earlier && earlier.current && earlier.status !== 'failed') {
    await q.query('UPDATE edi_interchanges SET duplicates = duplicates + 1, last_duplicate_at = $2 WHERE id = $1', [earlier.id, input.now]);
    return { id: earlier.id, earlier: { receivedAt: earlier.received_at } };
  }
  if (earlier) {
    // Outside the window, or a resend after an unexpected failure: the row serves the new interchange.
    await q.query(
      `UPDATE edi_interchanges SET status = 'processing', received_at = $3, dealer_id = $4, standard = $5, document_type = $6, sender = $7, receiver = $8,
              finished_at = NULL, summary = '{}', errors = '[]', results = '[]', duplicates = 0, last_duplicate_at = NULL
        WHERE id = $9 AND partner = $1 AND control_number = $2`,
      [...fields, earlier.id],
    );
    return { id: earlier.id };
  }
  const inserted = await q.query<{ id: string }>(
    `INSERT INTO edi_interchanges (partner, control_number, received_at, dealer_id, standard, document_type, sender, receiver, direction, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'in', 'processing')
     ON CONFLICT (partner, direction, control_number) DO NOTHING RETURNING id`,
    fields,
  );
  if (inserted.rows[0]) return { id: inserted.rows[0].id };
  return { id: '', earlier: { receivedAt: input.now } };
}

function countDocuments(documents: DocumentResult[]) {
  const n = (s: DocumentStatus) => documents.filter((d) => d.status === s).length;
  return { documents: documents.length, created: n('created'), replayed: n('replayed'), failed: n('failed'), held: n('held_for_manual_handling') };
}
