/**
 * Sell-through EDI through POST /v1/edi: X12 852 and EDIFACT SLSRPT/INVRPT interchanges are
 * dispatched here by src/edi/intake.ts (when every document in the file is one of those) and
 * stored like POST /v1/sell-through rows. Partners and item cross-references are the same as
 * for orders (edi.partners). Each document is stored all-or-nothing; a resent interchange
 * simply stores the same figures again (the upsert is idempotent), so no duplicate check is
 * needed — the interchange is still recorded in edi_interchanges with its results.
 */
import type { Store } from '../../core/db/index.js';
import { ForbiddenError, UserError } from '../../core/errors.js';
import { storeSellThrough, type SellThroughRow, type SellThroughSource } from '../../replenishment/sell-through.js';
import { readEdifact } from '../edifact/envelope.js';
import type { DocumentResult, IntakeInput, IntakeResult, InterchangeResult } from '../intake.js';
import { candidateSkus, partnerForSender, skuForLine, type EdiPartner, type EdiSyntax, type InterchangeSender } from '../partners.js';
import type { PurchaseOrderLine } from '../types.js';
import { parseX12 } from '../x12/envelope.js';
import { reportFromEdifact } from './edifact-reports.js';
import type { ActivityReport } from './report.js';
import { reportFrom852 } from './x12-852.js';

interface ReportInterchange {
  syntax: EdiSyntax;
  controlNumber: string;
  sender: InterchangeSender;
  receiver: string;
  reports: ActivityReport[];
}

const SOURCE: Record<ActivityReport['documentType'], SellThroughSource> = { '852': 'x12-852', SLSRPT: 'edifact-slsrpt', INVRPT: 'edifact-invrpt' };

/** The file's interchanges when every document in it is a sell-through report; null otherwise (or unreadable: the order intake reports that). */
export function readReports(body: Uint8Array, syntax: EdiSyntax): ReportInterchange[] | null {
  const head = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  if (syntax === 'x12' ? !/ST.852/.test(head) : !/SLSRPT|INVRPT/.test(head)) return null;
  try {
    if (syntax === 'x12') {
      const doc = parseX12(body);
      const sets = doc.interchanges.flatMap((ic) => ic.groups.flatMap((g) => g.sets));
      if (sets.length === 0 || sets.some((s) => s.code !== '852')) return null;
      return doc.interchanges.map((ic) => ({
        syntax,
        controlNumber: ic.controlNumber,
        sender: { qualifier: ic.sender.qualifier || null, id: ic.sender.id },
        receiver: ic.receiver.id,
        reports: ic.groups.flatMap((g) => g.sets.map(reportFrom852)),
      }));
    }
    const ics = readEdifact(body);
    const messages = ics.flatMap((ic) => ic.messages);
    if (messages.length === 0 || messages.some((m) => m.type !== 'SLSRPT' && m.type !== 'INVRPT')) return null;
    return ics.map((ic) => ({ syntax, controlNumber: ic.controlRef.trim(), sender: { qualifier: ic.senderQualifier, id: ic.sender }, receiver: ic.receiver, reports: ic.messages.map(reportFromEdifact) }));
  } catch {
    return null;
  }
}

async function storeReport(store: Store, input: IntakeInput, partner: EdiPartner, syntax: EdiSyntax, report: ActivityReport, index: number, today: string): Promise<DocumentResult> {
  const base = { index, documentType: report.documentType, transaction: report.transaction, poNumber: report.reference, purpose: null, position: report.position };
  const lines: PurchaseOrderLine[] = report.rows.map((r) => ({ lineNo: r.ref, items: r.items, qty: 0, unit: null, unitPrice: null, requestedDate: null }));
  const candidates = candidateSkus(partner, syntax, lines);
  const { rows: known } = await store.query<{ sku: string }>('SELECT sku FROM products WHERE sku = ANY($1::text[])', [candidates]);
  const knownSkus = new Set(known.map((k) => k.sku));
  const unknown: string[] = [];
  const rows: SellThroughRow[] = [];
  report.rows.forEach((r, i) => {
    const sku = skuForLine(partner, syntax, lines[i]!, knownSkus);
    if (!sku) unknown.push(`${r.ref}: ${r.items.map((it) => `${it.qualifier || '?'} ${it.id}`).join(', ') || 'no item id'}`);
    rows.push({ ref: r.ref, date: r.date ?? '(no report date)', store: r.store, sku: sku ?? '', quantitySold: r.quantitySold, onHand: r.onHand });
  });
  if (unknown.length > 0) {
    return { ...base, status: 'failed', error: { code: 'edi_unknown_item', message: `no product for ${unknown.join('; ')} (not in partner ${partner.id}'s items.xref, and no preferred id is one of our SKUs)`, lines: unknown } };
  }
  try {
    await storeSellThrough(store, input.dealer.dealerId, rows, SOURCE[report.documentType], today);
    return { ...base, status: 'created' };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { ...base, status: 'failed', error: { code: error.code, message: error.message } };
  }
}

export async function receiveSellThroughEdi(store: Store, input: IntakeInput, syntax: EdiSyntax, today: string): Promise<IntakeResult | null> {
  const interchanges = readReports(input.body, syntax);
  if (!interchanges) return null;
  const results: InterchangeResult[] = [];
  // Every sender is checked before anything is stored, as for orders.
  const partners = interchanges.map((ic) => {
    const partner = partnerForSender(input.partners, ic.syntax, ic.sender);
    const who = `${ic.syntax === 'x12' ? 'ISA05/06' : 'UNB sender'} ${ic.sender.qualifier ? `${ic.sender.qualifier}:` : ''}${ic.sender.id}`;
    if (!partner) throw new UserError(`interchange ${ic.controlNumber}: sender ${who} is not a configured trading partner (edi.partners)`, { code: 'edi_unknown_partner' });
    if (partner.dealer !== input.dealer.dealerCode) throw new ForbiddenError(`interchange ${ic.controlNumber}: sender ${who} is trading partner ${partner.id}, which reports for another dealer; post it with that dealer's token`);
    return partner;
  });
  for (const [i, ic] of interchanges.entries()) {
    const partner = partners[i]!;
    const documents: DocumentResult[] = [];
    for (const [index, report] of ic.reports.entries()) documents.push(await storeReport(store, input, partner, ic.syntax, report, index, today));
    const summary = count(documents);
    await store.query(
      `INSERT INTO edi_interchanges (partner, control_number, received_at, dealer_id, standard, document_type, sender, receiver, direction, status, finished_at, summary, errors, results)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'in', 'processed', now(), $9::jsonb, $10::jsonb, $11::jsonb)
       ON CONFLICT (partner, direction, control_number) DO UPDATE
         SET received_at = EXCLUDED.received_at, status = 'processed', finished_at = now(), document_type = EXCLUDED.document_type,
             summary = EXCLUDED.summary, errors = EXCLUDED.errors, results = EXCLUDED.results`,
      [
        partner.id, ic.controlNumber, input.now, input.dealer.dealerId, ic.syntax, ic.reports[0]?.documentType ?? null, `${ic.sender.qualifier ?? ''}:${ic.sender.id}`, ic.receiver,
        JSON.stringify(summary), JSON.stringify(documents.filter((d) => d.error).map((d) => ({ index: d.index, status: d.status, position: d.position, ...d.error }))), JSON.stringify(documents),
      ],
    );
    results.push({ syntax: ic.syntax, controlNumber: ic.controlNumber, sender: ic.sender, receiver: ic.receiver, partner: partner.id, status: 'processed', documents });
  }
  const all = count(results.flatMap((r) => r.documents));
  return { syntax, summary: { interchanges: results.length, duplicates: 0, ...all }, interchanges: results, warnings: [] };
}

function count(documents: readonly DocumentResult[]) {
  const n = (s: DocumentResult['status']) => documents.filter((d) => d.status === s).length;
  return { documents: documents.length, created: n('created'), replayed: n('replayed'), failed: n('failed'), held: n('held_for_manual_handling') };
}
