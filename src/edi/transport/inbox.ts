/**
 * Per-partner inbox folders (job `edi.inbox`, scheduled per partner as `edi.inbox:<partner>` on
 * its `inbox.cron`): every file in the folder goes through the same intake as POST /v1/edi,
 * then moves to `done/` or `failed/` with `<name>.report.json` beside it.
 *
 * A file is handled once, keyed by partner and content digest (`edi_inbox_files`):
 * - the row is taken before the intake runs; another worker that finds it `processing` leaves
 *   the file alone until `staleMs` has passed (the first worker died), then takes it over: the
 *   file's interchanges left `processing` are marked failed so the intake takes them again
 *   (orders are idempotent on partner + PO, so nothing is placed twice), and interchanges that
 *   were finished are reported from what was stored;
 * - the outcome is stored before the file moves, so a stop between the two only finishes the
 *   move at the next run; the same content dropped again is moved with the first report.
 * failed/ takes files the intake refused (envelope, unknown partner, duplicate interchange) and
 * files with a document that failed; done/ the rest.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Store } from '../../core/db/index.js';
import { DealerHubError } from '../../core/errors.js';
import { defineJob } from '../../core/jobs/index.js';
import type { Logger } from '../../core/logger.js';
import type { OrderingSettings } from '../../orders/place-order.js';
import { detectSyntax, parseInterchanges, receiveEdi, type IntakeResult } from '../intake.js';
import type { EdiPartner } from '../partners.js';
import { queueEnvelopeRejection } from './envelope-rejection.js';
import { intakeOutbound } from './responses.js';

export const INBOX_JOB = 'edi.inbox';

export interface InboxDeps {
  store: Store;
  partners: readonly EdiPartner[];
  ordering: OrderingSettings;
  /** Asks the outbox relay to run (acknowledgements and orders were written). */
  kick?: () => void;
  /** A `processing` file older than this is taken over (its worker died). Default 10 minutes. */
  staleMs?: number;
  now?: () => Date;
}

export interface InboxReport {
  file: string;
  partner: string;
  sha256: string;
  status: 'done' | 'failed';
  handledAt: string;
  resumed: boolean;
  summary?: IntakeResult['summary'];
  interchanges?: Array<IntakeResult['interchanges'][number] & { earlier?: unknown }>;
  warnings?: IntakeResult['warnings'];
  /** The whole file was refused: code, message and, for envelope errors, the segment and element. */
  error?: { code: string; message: string; position?: unknown };
  /** Set when this content was handled before (the same file dropped again, or moved late). */
  handledBefore?: string;
}

export function inboxJob(deps: InboxDeps) {
  return defineJob({
    name: INBOX_JOB,
    payload: z.object({ partner: z.string().min(1).optional() }).strict(),
    attempts: 1,
    quiet: true,
    async handle({ partner }, ctx) {
      const partners = deps.partners.filter((p) => p.inbox && (!partner || p.id === partner));
      if (partner && partners.length === 0) throw new Error(`partner ${partner} has no edi.partners[].inbox`);
      const handled: Record<string, number> = {};
      for (const p of partners) handled[p.id] = (await pollInbox(deps, p, ctx.logger)).length;
      return { handled };
    },
  });
}

/** Handles every file now in the partner's inbox; the reports, in file name order. */
export async function pollInbox(deps: InboxDeps, partner: EdiPartner, logger: Logger): Promise<InboxReport[]> {
  const folder = partner.inbox!.folder;
  await Promise.all([mkdir(join(folder, 'done'), { recursive: true }), mkdir(join(folder, 'failed'), { recursive: true })]);
  const { rows } = await deps.store.query<{ id: number }>(`SELECT id FROM dealers WHERE code = $1`, [partner.dealer]);
  if (!rows[0]) throw new Error(`partner ${partner.id}: dealer ${partner.dealer} does not exist`);
  const dealer = { dealerId: Number(rows[0].id), dealerCode: partner.dealer };
  const names = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).sort();
  const reports: InboxReport[] = [];
  for (const name of names) {
    const report = await handleFile(deps, partner, dealer, name, logger);
    if (report) reports.push(report);
  }
  return reports;
}

async function handleFile(deps: InboxDeps, partner: EdiPartner, dealer: { dealerId: number; dealerCode: string }, name: string, logger: Logger): Promise<InboxReport | null> {
  const { store } = deps;
  const folder = partner.inbox!.folder;
  const path = join(folder, name);
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch {
    return null; // moved by another worker meanwhile
  }
  const sha256 = createHash('sha256').update(body).digest('hex');
  const claim = await claimFile(deps, partner.id, sha256, name);
  if (claim.kind === 'busy') return null;
  if (claim.kind === 'finished') {
    const report = { ...claim.report, file: name, handledBefore: claim.report.handledAt };
    await moveWithReport(folder, name, report);
    return report;
  }
  const now = deps.now?.() ?? new Date();
  const resumed = claim.kind === 'resume';
  let report: InboxReport;
  try {
    if (resumed) await releaseStuckInterchanges(store, partner.id, body);
    // A resumed file's finished interchanges come back as duplicates of themselves: no refusal is sent for those.
    const outbound = resumed ? { ...intakeOutbound, interchangeDuplicate: undefined } : intakeOutbound;
    const result = await receiveEdi(store, { dealer, partners: deps.partners, body, actor: `edi-inbox:${partner.id}`, now, outbound }, deps.ordering);
    const interchanges = await Promise.all(result.interchanges.map(async (ic) => (resumed && ic.status === 'duplicate' ? { ...ic, earlier: await storedResults(store, partner.id, ic.controlNumber) } : ic)));
    const refused = interchanges.some((ic) => ic.status === 'duplicate' && !('earlier' in ic && ic.earlier));
    const status = refused || result.summary.failed > 0 ? 'failed' : 'done';
    report = { file: name, partner: partner.id, sha256, status, handledAt: now.toISOString(), resumed, summary: result.summary, interchanges, warnings: result.warnings };
  } catch (error) {
    if (!(error instanceof DealerHubError)) {
      // Not the file's fault (the store is down …): the file stays for the next run.
      await store.query(`DELETE FROM edi_inbox_files WHERE partner = $1 AND sha256 = $2 AND status = 'processing'`, [partner.id, sha256]);
      throw error;
    }
    await queueEnvelopeRejection(store, deps.partners, partner.dealer, body, error, now);
    const code = typeof error.details?.code === 'string' ? error.details.code : error.code;
    const position = error.details?.position ?? undefined;
    report = { file: name, partner: partner.id, sha256, status: 'failed', handledAt: now.toISOString(), resumed, error: { code, message: error.message, ...(position ? { position } : {}) } };
  }
  // Stored before the move: a stop in between only leaves the move for the next run.
  await store.query(`UPDATE edi_inbox_files SET status = $3, report = $4::jsonb, finished_at = now() WHERE partner = $1 AND sha256 = $2`, [partner.id, sha256, report.status, JSON.stringify(report)]);
  await moveWithReport(folder, name, report);
  deps.kick?.();
  logger.info({ partner: partner.id, file: name, status: report.status, summary: report.summary, error: report.error?.message }, `EDI inbox file ${name} → ${report.status}/`);
  return report;
}

type Claim = { kind: 'new' | 'resume' | 'busy' } | { kind: 'finished'; report: InboxReport };

async function claimFile(deps: InboxDeps, partner: string, sha256: string, name: string): Promise<Claim> {
  const inserted = await deps.store.query(
    `INSERT INTO edi_inbox_files (partner, sha256, file_name, status) VALUES ($1, $2, $3, 'processing') ON CONFLICT (partner, sha256) DO NOTHING RETURNING 1`,
    [partner, sha256, name],
  );
  if (inserted.rows.length > 0) return { kind: 'new' };
  const { rows } = await deps.store.query<{ status: string; report: InboxReport | null }>(`SELECT status, report FROM edi_inbox_files WHERE partner = $1 AND sha256 = $2`, [partner, sha256]);
  const row = rows[0];
  if (row && row.status !== 'processing' && row.report) return { kind: 'finished', report: row.report };
  // Taken over only when its worker has not been heard of for staleMs; one statement, so one taker.
  const taken = await deps.store.query(
    `UPDATE edi_inbox_files SET started_at = now(), file_name = $3::text
      WHERE partner = $1::text AND sha256 = $2::text AND status = 'processing' AND started_at <= now() - $4::int * interval '1 millisecond' RETURNING 1`,
    [partner, sha256, name, deps.staleMs ?? 600_000],
  );
  return { kind: taken.rows.length > 0 ? 'resume' : 'busy' };
}

/** Interchanges of this file a dead worker left `processing` become `failed`, which the intake takes again. */
async function releaseStuckInterchanges(store: Store, partner: string, body: Buffer): Promise<void> {
  let controls: string[];
  try {
    controls = parseInterchanges(body, detectSyntax(body)).interchanges.map((ic) => ic.controlNumber);
  } catch {
    return; // the intake reports the broken file
  }
  await store.query(`UPDATE edi_interchanges SET status = 'failed' WHERE partner = $1 AND direction = 'in' AND status = 'processing' AND control_number = ANY($2::text[])`, [partner, controls]);
}

async function storedResults(store: Store, partner: string, control: string): Promise<unknown> {
  const { rows } = await store.query<{ results: unknown }>(`SELECT results FROM edi_interchanges WHERE partner = $1 AND direction = 'in' AND control_number = $2 AND status = 'processed'`, [partner, control]);
  return rows[0]?.results ?? null;
}

/** The report first (temp + rename), then the file; a name already taken in done/ or failed/ gets a time prefix. */
async function moveWithReport(folder: string, name: string, report: InboxReport): Promise<void> {
  const dir = join(folder, report.status);
  await mkdir(dir, { recursive: true });
  let target = name;
  if (await exists(join(dir, target))) target = `${report.handledAt.replace(/[-:.]/g, '')}-${name}`;
  const temp = join(dir, `.${target}.report.json.tmp`);
  await writeFile(temp, `${JSON.stringify({ ...report, file: target }, null, 2)}\n`);
  await rename(temp, join(dir, `${target}.report.json`));
  await rename(join(folder, name), join(dir, target));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
