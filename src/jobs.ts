import { z } from 'zod';
import type { ConnectorHub } from './connectors/hub.js';
import { deliverySchema, orderingSchema } from './core/config/schema.js';
import type { Store } from './core/db/index.js';
import { DealerHubError, TransientError } from './core/errors.js';
import { defineJob, type JobDefinition } from './core/jobs/index.js';
import type { Logger } from './core/logger.js';
import { runSync } from './core/sync/index.js';
import type { DeliveryObservation } from './delivery/deliver.js';
import { deliveryJobs, type Enqueue } from './delivery/jobs.js';
import { deliverySettings, type DeliverySettings } from './delivery/settings.js';
import { trackingPollJob } from './delivery/tracking-poll.js';
import { reconcileJob } from './reconciliation/job.js';

export interface JobDeps {
  store: Store;
  logger: Logger;
  connectors: ConnectorHub;
  /**
   * Outbox delivery. Without it (or without a target connector in its settings) the delivery
   * jobs exist but the relay claims nothing.
   */
  delivery?: {
    settings: DeliverySettings;
    /** The runner's enqueue, bound late (the runner is built from these jobs). */
    enqueue: Enqueue;
    observe?: (observation: DeliveryObservation) => void;
  };
}

const NO_DELIVERY = deliverySettings({ delivery: deliverySchema.parse({}), ordering: orderingSchema.parse({}) });

/**
 * Runs one stream's sync (scheduled from YAML, or queued by POST /admin/connectors/…/sync).
 * A failed run is recorded either way; the job fails too, and is retried only when the cause
 * was transient (network, timeouts) — a malformed file or a rejected query waits for a person.
 */
export function syncJob({ store, logger, connectors }: JobDeps) {
  return defineJob({
    name: 'sync',
    payload: z.object({ connector: z.string().min(1), stream: z.string().min(1), trigger: z.string().default('schedule') }).strict(),
    async handle({ connector, stream, trigger }, ctx) {
      const target = connectors.stream(connector, stream);
      const report = await runSync({ store, target, trigger, logger, signal: ctx.signal });
      if (report.status === 'failed') {
        const cause = report.cause;
        if (cause instanceof DealerHubError && !(cause instanceof TransientError)) throw cause;
        throw new TransientError(`sync ${connector}/${stream} failed: ${report.error}`, {}, { cause });
      }
      return { runId: report.runId, counts: report.counts };
    },
  });
}

/**
 * After bulk syncs the planner's statistics go stale and set-based upserts pick bad plans;
 * a nightly ANALYZE of the canonical tables keeps them honest.
 */
export function analyzeStoreJob({ store }: JobDeps) {
  return defineJob({
    name: 'maintenance.analyze',
    payload: z.object({ tables: z.array(z.string().regex(/^[a-z_]+$/)).optional() }).strict(),
    async handle({ tables }) {
      const targets = tables ?? ['stock_lots', 'prices', 'products', 'dealers', 'orders', 'order_lines', 'reservations', 'outbox'];
      for (const table of targets) await store.query(`ANALYZE ${table}`);
      return { analyzed: targets.length };
    },
  });
}

/** Every job the daemon knows, in one explicit list (name → payload → handler). */
export function JOBS(deps: JobDeps): JobDefinition<any>[] {
  const delivery = deliveryJobs({
    store: deps.store,
    logger: deps.logger,
    connectors: deps.connectors,
    settings: deps.delivery?.settings ?? NO_DELIVERY,
    enqueue: deps.delivery?.enqueue,
    observe: deps.delivery?.observe,
  });
  const reconcile = reconcileJob({ store: deps.store, logger: deps.logger, connectors: deps.connectors, erpConnector: deps.delivery?.settings.targets.erp });
  const trackingPoll = trackingPollJob({ store: deps.store, connectors: deps.connectors });
  return [syncJob(deps), analyzeStoreJob(deps), ...delivery, reconcile, trackingPoll];
}
