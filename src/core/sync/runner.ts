import type { ConnectorInstance, Cursor, StreamSpec } from '../../connectors/contract.js';
import type { Store } from '../db/index.js';
import { ConflictError } from '../errors.js';
import type { Logger } from '../logger.js';
import { mapPage, type RecordMapper, type SyncIssue } from './page-mapping.js';
import { readAhead } from './read-ahead.js';
import { SINKS } from './sinks.js';
import { writePage } from './write-page.js';

export interface SyncTarget {
  connector: string;
  instance: ConnectorInstance;
  spec: StreamSpec;
  mapper: RecordMapper;
}

export interface SyncCounts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  disappeared: number;
  pages: number;
}

export interface SyncReport {
  runId: number;
  connector: string;
  stream: string;
  status: 'succeeded' | 'failed';
  counts: SyncCounts;
  /** The first MAX_STORED_ISSUES issues; `counts.rejected` says how many records had any. */
  issues: SyncIssue[];
  durationMs: number;
  error?: string;
  /** The original error of a failed run (for job retry decisions); not stored. */
  cause?: unknown;
}

export interface RunSyncOptions {
  store: Store;
  target: SyncTarget;
  trigger: string;
  logger: Logger;
  signal?: AbortSignal;
  /** How often a long run logs its progress, in ms. */
  progressEveryMs?: number;
}

const MAX_STORED_ISSUES = 500;
/** Namespace of the two-key advisory locks that keep one run per (connector, stream). */
const SYNC_LOCK_CLASS = 7201;
/** Embedded mode has one database session, where advisory locks are re-entrant; guard in-process too. */
const runningHere = new Set<string>();

interface StateRow {
  cursor: Cursor | null;
  complete: boolean;
}

/**
 * One sync run: read pages → map → upsert set-based → save the cursor in the same transaction
 * as the page, so a crash re-reads at most one page and a re-run of the same data changes
 * nothing. A completed snapshot then marks rows it no longer reports as gone.
 */
export async function runSync(options: RunSyncOptions): Promise<SyncReport> {
  const { store, target } = options;
  const { connector, spec } = target;
  const scopeKey = `${connector}/${spec.name}`;
  if (runningHere.has(scopeKey)) throw new ConflictError(`a sync of ${scopeKey} is already running`, { connector, stream: spec.name });
  runningHere.add(scopeKey);
  try {
    return await store.session(async (session) => {
      const { rows } = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [SYNC_LOCK_CLASS, scopeKey]);
      if (!rows[0]?.locked) throw new ConflictError(`a sync of ${scopeKey} is already running in another process`, { connector, stream: spec.name });
      try {
        return await runLocked(options, scopeKey);
      } finally {
        await session.query('SELECT pg_advisory_unlock($1, hashtext($2))', [SYNC_LOCK_CLASS, scopeKey]);
      }
    });
  } finally {
    runningHere.delete(scopeKey);
  }
}

async function runLocked(options: RunSyncOptions, scopeKey: string): Promise<SyncReport> {
  const { store, target, logger, trigger } = options;
  const { connector, spec } = target;
  const sink = SINKS[spec.entity];
  const started = performance.now();
  const counts: SyncCounts = { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, disappeared: 0, pages: 0 };
  const issues: SyncIssue[] = [];
  const keep = (issue: SyncIssue) => {
    if (issues.length < MAX_STORED_ISSUES) issues.push(issue);
  };

  const state = (
    await store.query<StateRow>('SELECT cursor, complete FROM sync_state WHERE connector = $1 AND stream = $2', [connector, spec.name])
  ).rows[0];
  const snapshot = spec.mode === 'snapshot';
  // A snapshot starts over unless the previous one stopped half-way; an incremental stream always resumes.
  const fresh = snapshot && (!state || state.complete);
  const startCursor = fresh ? null : (state?.cursor ?? null);
  const runId = (
    await store.query<{ id: number }>(
      `INSERT INTO sync_runs (connector, stream, trigger, status, resumed_from) VALUES ($1, $2, $3, 'running', $4::jsonb) RETURNING id`,
      [connector, spec.name, trigger, JSON.stringify(startCursor)],
    )
  ).rows[0]!.id;
  if (fresh) await store.query('DELETE FROM sync_seen WHERE scope = $1', [scopeKey]);
  const log = logger.child({ connector, stream: spec.name, runId });
  log.info({ trigger, mode: spec.mode, resumeFrom: startCursor }, 'sync started');

  const finish = async (status: 'succeeded' | 'failed', error?: unknown): Promise<SyncReport> => {
    const durationMs = Math.round(performance.now() - started);
    const message = error ? (error as Error).message : undefined;
    await store.query(`UPDATE sync_runs SET status = $2, finished_at = now(), counts = $3::jsonb, issues = $4::jsonb, error = $5 WHERE id = $1`, [
      runId,
      status,
      JSON.stringify({ ...counts, durationMs }),
      JSON.stringify(issues),
      message ?? null,
    ]);
    log[status === 'succeeded' ? 'info' : 'error']({ counts, durationMs, issues: counts.rejected, error: message }, `sync ${status}`);
    return { runId, connector, stream: spec.name, status, counts, issues, durationMs, ...(error ? { error: message, cause: error } : {}) };
  };

  let lastProgress = performance.now();
  try {
    const pages = target.instance.read(spec.name, startCursor, options.signal ?? new AbortController().signal);
    for await (const { page, mapped } of readAhead(pages, (page) => ({ page, mapped: mapPage(spec.entity, page, target.mapper) }))) {
      await store.tx(async (q) => {
        const written = await writePage(q, sink, mapped.records, snapshot ? scopeKey : null);
        for (const [index, field, value] of written.unresolved) {
          const origin = mapped.origins[index];
          keep({ file: origin?.file, row: origin?.row, key: origin?.file ? undefined : origin?.key, field, message: `unknown ${field} "${String(value)}"`, value });
        }
        const pageRead = page.records.length + (page.rejected?.length ?? 0);
        counts.read += pageRead;
        counts.inserted += written.inserted;
        counts.updated += written.updated;
        counts.rejected += mapped.rejected + written.unresolved.length;
        counts.unchanged += mapped.records.length - written.unresolved.length - written.inserted - written.updated;
        counts.pages++;
        mapped.issues.forEach(keep);
        await q.query(
          `INSERT INTO sync_state (connector, stream, cursor, complete, run_id, last_run_at) VALUES ($1, $2, $3::jsonb, false, $4, now())
           ON CONFLICT (connector, stream) DO UPDATE SET cursor = EXCLUDED.cursor, complete = false, run_id = EXCLUDED.run_id, last_run_at = now()`,
          [connector, spec.name, JSON.stringify(page.cursor), runId],
        );
        await q.query('UPDATE sync_runs SET counts = $2::jsonb WHERE id = $1', [runId, JSON.stringify(counts)]);
      });
      if (performance.now() - lastProgress > (options.progressEveryMs ?? 5_000)) {
        lastProgress = performance.now();
        const seconds = (lastProgress - started) / 1000;
        log.info({ read: counts.read, rowsPerSecond: Math.round(counts.read / seconds) }, 'sync progress');
      }
    }
    await store.tx(async (q) => {
      if (snapshot && sink.onDisappeared) {
        counts.disappeared = (await q.query(sink.onDisappeared, [scopeKey])).rowCount;
        await q.query('DELETE FROM sync_seen WHERE scope = $1', [scopeKey]);
      }
      await q.query(
        `INSERT INTO sync_state (connector, stream, cursor, complete, run_id, last_run_at, stats) VALUES ($1, $2, $3::jsonb, true, $4, now(), $5::jsonb)
         ON CONFLICT (connector, stream) DO UPDATE SET complete = true, run_id = EXCLUDED.run_id, last_run_at = now(), stats = EXCLUDED.stats`,
        [connector, spec.name, JSON.stringify(startCursor), runId, JSON.stringify(counts)],
      );
    });
    return await finish('succeeded');
  } catch (error) {
    return finish('failed', error);
  }
}
