import { z } from 'zod';
import type { ConnectorHub } from './connectors/hub.js';
import { deliverySchema, orderingSchema } from './core/config/schema.js';
import type { Store } from './core/db/index.js';
import { DealerHubError, TransientError } from './core/errors.js';
import { defineJob, type JobDefinition } from './core/jobs/index.js';
import type { Logger } from './core/logger.js';
import { runSync } from './core/sync/index.js';
import type { DeliveryObservation } from './delivery/deliver.js';
import { deliveryJobs, relayKicker, type Enqueue } from './delivery/jobs.js';
import { ediDeliverer } from './edi/transport/deliver.js';
import { inboxJob } from './edi/transport/inbox.js';
import type { EdiPartner } from './edi/partners.js';
import type { OrderingSettings } from './orders/place-order.js';
import { deliverySettings, type DeliverySettings } from './delivery/settings.js';
import { trackingPollJob } from './delivery/tracking-poll.js';
import { reconcileJob } from './reconciliation/job.js';
import { creditReviewJob } from './credit/job.js';
import type { CreditReviewSettings } from './credit/review.js';
import { DEFAULT_INVENTORY, type InventoryConfig } from './core/config/schema-inventory.js';
import { expiryAlertsJob, type ExpiryAlert } from './inventory/expiry-alerts.js';
import { replenishmentSchema } from './core/config/schema-replenishment.js';
import { replenishmentJob } from './replenishment/job.js';
import { replenishmentSettings, type ReplenishmentSettings } from './replenishment/plan.js';

export interface JobDeps {
  /** EDI trading partners: outbound documents (outbox target edi) and inbox folders (job edi.inbox). */
  edi?: { partners: readonly EdiPartner[]; ordering: OrderingSettings; inboxStaleMs?: number };
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
  /** Expiry tiers and the alert webhook (config inventory); without it the alert job uses the defaults and posts nowhere. */
  /** Credit scoring settings (config credit, ordering.timeZone); without it the credit.review job uses the defaults. */
  credit?: CreditReviewSettings;
  inventory?: { config: InventoryConfig; timeZone: string; observe?: (alerts: ExpiryAlert[]) => void };
  /** Replenishment settings (config replenishment, ordering.timeZone); without it the nightly plans use the defaults. */
  replenishment?: ReplenishmentSettings;
}

const NO_DELIVERY = deliverySettings({ delivery: deliverySchema.parse({}), ordering: orderingSchema.parse({}) });
const DEFAULT_REPLENISHMENT = replenishmentSettings({ replenishment: replenishmentSchema.parse({}), ordering: orderingSchema.parse({}) });

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
    edi: ediDeliverer({ store: deps.store, partners: deps.edi?.partners ?? [] }),
  });
  const reconcile = reconcileJob({ store: deps.store, logger: deps.logger, connectors: deps.connectors, erpConnector: deps.delivery?.settings.targets.erp });
  const trackingPoll = trackingPollJob({ store: deps.store, connectors: deps.connectors });
  const expiryAlerts = expiryAlertsJob({
    store: deps.store,
    logger: deps.logger,
    config: deps.inventory?.config ?? DEFAULT_INVENTORY,
    timeZone: deps.inventory?.timeZone ?? 'Asia/Shanghai',
    observe: deps.inventory?.observe,
  });
  const ediInbox = deps.edi
    ? [inboxJob({ store: deps.store, partners: deps.edi.partners, ordering: deps.edi.ordering, staleMs: deps.edi.inboxStaleMs, kick: relayKicker(deps.delivery?.enqueue, deps.logger) })]
    : [];
  return [syncJob(deps), analyzeStoreJob(deps), ...delivery, reconcile, trackingPoll, expiryAlerts, creditReviewJob({ store: deps.store, settings: deps.credit }), ...ediInbox, replenishmentJob({ store: deps.store, settings: deps.replenishment ?? DEFAULT_REPLENISHMENT })];
}
