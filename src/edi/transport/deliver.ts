/**
 * Carrying one outbound document (edi_outbound) to its partner, as the outbox relay's `edi`
 * target (src/delivery/deliver.ts calls this for rows of target `edi`). The partner's current
 * config says where: its `outbound.folder` (written to a hidden temp file, then renamed, so a
 * partner's pick-up never sees half a file) and/or its `outbound.endpoint` (one POST). Each
 * destination is recorded on the document once done, so a retry after the endpoint failed does
 * not write the folder's file a second time. Failures are retried by the relay with its backoff;
 * an endpoint's 4xx answer (other than 408/429) is a refusal: the row is `rejected`.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TargetRejection } from '../../connectors/contract.js';
import type { Store } from '../../core/db/index.js';
import type { OwnedRow } from '../../delivery/claim.js';
import type { Outcome } from '../../delivery/record.js';
import { toEdifactBytes } from '../outbound/edifact-writer.js';
import type { EdiPartner } from '../partners.js';

export type EdiDeliver = (row: OwnedRow, signal: AbortSignal) => Promise<Outcome>;

interface StoredDocument {
  id: string;
  partner: string;
  syntax: 'x12' | 'edifact';
  documentType: string;
  fileName: string;
  content: string;
  writtenAt: Date | null;
  postedAt: Date | null;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function documentIdOf(payload: unknown): number {
  const id = (payload as { documentId?: unknown } | null)?.documentId;
  if (typeof id !== 'number' || !Number.isInteger(id)) throw new Error(`outbox payload names no EDI document: ${JSON.stringify(payload)}`);
  return id;
}

export function ediDeliverer(deps: { store: Store; partners: readonly EdiPartner[] }): EdiDeliver {
  return async (row, signal) => {
    const { rows } = await deps.store.query<StoredDocument>(
      `SELECT id::text, partner, syntax, document_type AS "documentType", file_name AS "fileName", content,
              written_to_folder_at AS "writtenAt", posted_at AS "postedAt"
         FROM edi_outbound WHERE id = $1`,
      [documentIdOf(row.payload)],
    );
    const doc = rows[0];
    if (!doc) throw new Error(`EDI document ${documentIdOf(row.payload)} does not exist`);
    const out = deps.partners.find((p) => p.id === doc.partner)?.outbound;
    if (!out) throw new Error(`partner ${doc.partner} has no edi.partners[].outbound any more; ${doc.fileName} waits for it`);
    const bytes = doc.syntax === 'edifact' ? toEdifactBytes(doc.content, out.edifact?.syntaxId) : Buffer.from(doc.content, 'utf8');
    const done: string[] = [];
    if (out.folder && !doc.writtenAt) {
      await writeAtomically(out.folder, doc.fileName, bytes);
      await deps.store.query(`UPDATE edi_outbound SET written_to_folder_at = now() WHERE id = $1`, [doc.id]);
      done.push(`written to ${join(out.folder, doc.fileName)}`);
    }
    if (out.endpoint && !doc.postedAt) {
      const status = await post(out.endpoint, doc, bytes, signal);
      await deps.store.query(`UPDATE edi_outbound SET posted_at = now() WHERE id = $1`, [doc.id]);
      done.push(`posted to ${out.endpoint.url} (${status})`);
    }
    return { kind: 'delivered', how: 'created', ref: null, message: `${doc.documentType} ${doc.fileName} ${done.length > 0 ? done.join('; ') : 'was delivered before'}` };
  };
}

async function writeAtomically(folder: string, name: string, bytes: Buffer): Promise<void> {
  await mkdir(folder, { recursive: true });
  const temp = join(folder, `.${name}.${process.pid}.tmp`);
  try {
    await writeFile(temp, bytes);
    await rename(temp, join(folder, name));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

type Endpoint = NonNullable<NonNullable<EdiPartner['outbound']>['endpoint']>;

async function post(endpoint: Endpoint, doc: StoredDocument, bytes: Buffer, signal: AbortSignal): Promise<number> {
  const headers: Record<string, string> = {
    'content-type': doc.syntax === 'x12' ? 'application/edi-x12' : 'application/edifact',
    // Lets the partner drop a resend of a document it already has (after a lost answer).
    'x-edi-file-name': doc.fileName,
    ...endpoint.headers,
  };
  if (endpoint.token) headers.authorization = `Bearer ${endpoint.token}`;
  let response: Response;
  try {
    response = await fetch(endpoint.url, { method: 'POST', headers, body: bytes, signal: AbortSignal.any([signal, AbortSignal.timeout(endpoint.timeoutMs)]) });
  } catch (error) {
    throw new Error(`POST ${endpoint.url} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const text = clip(await response.text().catch(() => ''), 500);
  if (response.ok) return response.status;
  const said = `POST ${endpoint.url} answered ${response.status}${text ? `: ${text}` : ''}`;
  if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
    throw new TargetRejection(`${doc.fileName}: ${said}`, text || `HTTP ${response.status}`);
  }
  throw new Error(said);
}
