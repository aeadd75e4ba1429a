/**
 * The `reconcile` job: one run with the settings of its payload (see settings.ts). Scheduled from
 * the config (`schedules: { <name>: { job: reconcile, cron, payload } }`) and queued by
 * POST /admin/reconciliation/run. Not retried by the runner: a failed run is recorded with its
 * error, and the next scheduled run starts afresh.
 */
import type { ConnectorHub } from '../connectors/hub.js';
import type { Store } from '../core/db/index.js';
import { DealerHubError } from '../core/errors.js';
import { defineJob } from '../core/jobs/index.js';
import type { Logger } from '../core/logger.js';
import { runReconciliation } from './reconcile.js';
import { reconcilePayload } from './settings.js';

export const RECONCILE_JOB = 'reconcile';

/** The run is recorded as failed (its error names the check); the job fails with it. */
export class ReconciliationFailed extends DealerHubError {
  readonly code = 'reconciliation_failed';
}

export interface ReconcileJobDeps {
  store: Store;
  logger: Logger;
  connectors: Pick<ConnectorHub, 'orderTarget' | 'stream'>;
  /** delivery.erp's connector: the ERP asked about orders unless the payload names another. */
  erpConnector?: string | undefined;
}

export function reconcileJob(deps: ReconcileJobDeps) {
  return defineJob({
    name: RECONCILE_JOB,
    payload: reconcilePayload,
    attempts: 1,
    concurrency: 1,
    async handle(settings, ctx) {
      const report = await runReconciliation({ ...deps, logger: ctx.logger }, settings, ctx.signal);
      if (report.status === 'failed') {
        throw new ReconciliationFailed(`reconciliation run #${report.runId} failed: ${report.error}`, { runId: report.runId });
      }
      return { runId: report.runId, findings: report.findings, durationMs: report.durationMs };
    },
  });
}
