/**
 * One reconciliation run: the checks in order (our orders in the ERP, the ERP's orders in ours,
 * stock and credit drift), each recorded on the run as done, skipped (with the reason) or failed
 * (with the error) — a check that cannot run does not stop the others. One run at a time across
 * replicas (an advisory lock held for the run); a run left `running` by a stopped worker is
 * marked failed by the next one.
 */
import type { ConnectorHub, StreamHandle } from '../connectors/hub.js';
import type { OrderTarget } from '../connectors/contract.js';
import type { Queryable, Store } from '../core/db/index.js';
import { ConflictError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { checkDrift } from './drift.js';
import { checkErpOrders } from './erp-orders.js';
import { countFindings, failAbandonedRuns, finishRun, saveChecks, settleReplays, startRun, type CheckReport, type FindingKind } from './findings.js';
import { checkOrders } from './orders.js';
import type { ReconcileSettings } from './settings.js';

export interface ReconcileDeps {
  store: Store;
  connectors: Pick<ConnectorHub, 'orderTarget' | 'stream'>;
  logger: Logger;
  /** The connector that takes the outbox target `erp` (delivery.erp), when there is one. */
  erpConnector?: string | undefined;
  now?: () => Date;
}

export interface ReconcileReport {
  runId: number;
  status: 'succeeded' | 'failed';
  findings: Record<FindingKind, number>;
  checks: Record<string, CheckReport | CheckReport[]>;
  error: string | null;
  durationMs: number;
}

/** The outbox target whose rows carry orders to the ERP (src/delivery/settings.ts). */
export const ERP_OUTBOX_TARGET = 'erp';

/** Namespace of the advisory lock that keeps one run at a time per schema (sync runs use 7201). */
const RUN_LOCK_CLASS = 7202;
/** Embedded mode has one database session, where advisory locks are re-entrant; guard in-process too. */
let runningHere = false;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function runReconciliation(deps: ReconcileDeps, settings: ReconcileSettings, signal: AbortSignal): Promise<ReconcileReport> {
  if (runningHere) throw new ConflictError('a reconciliation run is already in progress');
  runningHere = true;
  try {
    return await deps.store.session(async (session) => {
      const { rows } = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext(current_schema())) AS locked', [RUN_LOCK_CLASS]);
      if (!rows[0]?.locked) throw new ConflictError('a reconciliation run is already in progress in another process');
      try {
        return await runLocked(deps, settings, signal, session);
      } finally {
        await session.query('SELECT pg_advisory_unlock($1, hashtext(current_schema()))', [RUN_LOCK_CLASS]);
      }
    });
  } finally {
    runningHere = false;
  }
}

async function runLocked(deps: ReconcileDeps, settings: ReconcileSettings, signal: AbortSignal, session: Queryable): Promise<ReconcileReport> {
  const { store } = deps;
  const started = performance.now();
  const abandoned = await failAbandonedRuns(store);
  if (abandoned > 0) deps.logger.warn({ runs: abandoned }, 'reconciliation runs left running by a stopped worker are marked failed');
  await settleReplays(store);

  const windowTo = deps.now?.() ?? new Date();
  const windowFrom = new Date(windowTo.getTime() - settings.windowDays * 86_400_000);
  const erp = settings.erp ?? deps.erpConnector ?? null;
  const runId = await startRun(store, { trigger: settings.trigger, windowFrom, windowTo, erpConnector: erp, settings });
  const log = deps.logger.child({ reconciliationRun: runId });
  log.info({ trigger: settings.trigger, windowDays: settings.windowDays, erp, drift: settings.drift.map((d) => `${d.connector}/${d.stream}`) }, 'reconciliation started');

  const checks: ReconcileReport['checks'] = {};
  /** Runs a check; its failure is recorded on it, an abort ends the run. */
  const attempt = async (run: () => Promise<CheckReport>, base: Partial<CheckReport> = {}): Promise<CheckReport> => {
    try {
      return await run();
    } catch (error) {
      if (signal.aborted) throw error;
      log.error({ err: error, ...base }, 'reconciliation check failed');
      return { ...base, status: 'failed', reason: message(error) };
    }
  };

  let error: string | null = null;
  try {
    let target: OrderTarget | null = null;
    let noTarget = 'no connector takes orders (delivery.erp is not set, and the run names no erp)';
    if (erp !== null) {
      try {
        target = deps.connectors.orderTarget(erp);
      } catch (problem) {
        noTarget = message(problem);
      }
    }
    if (target === null) {
      checks.orders = { status: 'skipped', reason: noTarget };
      checks.erpOrders = { status: 'skipped', reason: noTarget };
    } else {
      const common = { store, runId, settings, target, connector: erp!, outboxTarget: ERP_OUTBOX_TARGET, windowFrom, signal };
      checks.orders = await attempt(() => checkOrders({ ...common, windowTo, logger: log }), { connector: erp! });
      await saveChecks(store, runId, checks);
      checks.erpOrders = await attempt(() => checkErpOrders(common), { connector: erp! });
    }
    await saveChecks(store, runId, checks);

    const drift: CheckReport[] = [];
    for (const [index, entry] of settings.drift.entries()) {
      signal.throwIfAborted();
      const base = { connector: entry.connector, stream: entry.stream };
      let stream: StreamHandle;
      try {
        stream = deps.connectors.stream(entry.connector, entry.stream);
      } catch (problem) {
        drift.push({ ...base, status: 'failed', reason: message(problem) });
        continue;
      }
      drift.push(await attempt(() => checkDrift({ session, runId, settings, stream, index, signal }), base));
      checks.drift = drift;
      await saveChecks(store, runId, checks);
    }
    checks.drift = drift;
    const failed = [checks.orders, checks.erpOrders, ...drift].filter((check): check is CheckReport => check?.status === 'failed');
    if (failed.length > 0) error = failed.map((check) => `${check.stream ? `${check.connector}/${check.stream}` : (check.connector ?? 'check')}: ${check.reason}`).join('; ');
  } catch (problem) {
    error = signal.aborted ? `cancelled: ${message(signal.reason ?? problem)}` : message(problem);
    log.error({ err: problem }, 'reconciliation stopped');
  }

  const findings = await countFindings(store, runId);
  const status = error === null ? 'succeeded' : 'failed';
  const durationMs = Math.round(performance.now() - started);
  await finishRun(store, runId, { status, checks, counts: { findings, durationMs }, error });
  log[status === 'succeeded' ? 'info' : 'error']({ findings, durationMs, error }, `reconciliation ${status}`);
  return { runId, status, findings, checks, error, durationMs };
}
