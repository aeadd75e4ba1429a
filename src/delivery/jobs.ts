/**
 * The delivery jobs (and `delivery.confirm`, confirm.ts). `delivery.relay` (on its schedule, and kicked after orders are placed,
 * cancelled or delivered) claims due outbox rows and queues one `delivery.deliver` job per claim,
 * with the claim in the job id, so queueing the same claim twice is a no-op. Neither job is
 * retried by the runner: a failed delivery is scheduled again on its outbox row (attempts,
 * next_attempt_at), which survives restarts in both runners and shows on GET /admin/outbox.
 */
import { z } from 'zod';
import type { ConnectorHub } from '../connectors/hub.js';
import type { Store } from '../core/db/index.js';
import { defineJob, type EnqueueOptions, type EnqueueResult } from '../core/jobs/index.js';
import type { Logger } from '../core/logger.js';
import { claimDue, deliverJobId } from './claim.js';
import { confirmJob } from './confirm.js';
import { deliverClaim, type DeliveryObservation } from './deliver.js';
import type { DeliverySettings } from './settings.js';
import type { EdiDeliver } from '../edi/transport/deliver.js';

export const RELAY_JOB = 'delivery.relay';
export const DELIVER_JOB = 'delivery.deliver';
/** The relay's schedule name when the config names none (see daemon.ts). */
export const RELAY_SCHEDULE = 'delivery.relay';

export type Enqueue = (job: string, payload: unknown, options?: EnqueueOptions) => Promise<EnqueueResult>;

export interface DeliveryJobDeps {
  store: Store;
  logger: Logger;
  connectors: Pick<ConnectorHub, 'orderTarget'> & Partial<Pick<ConnectorHub, 'shipmentTarget' | 'creditTarget'>>;
  settings: DeliverySettings;
  /** The job runner's enqueue; bound late, as the runner is built from these jobs. */
  enqueue?: Enqueue;
  observe?: (observation: DeliveryObservation) => void;
  /** Carries EDI documents (outbox target edi). */
  edi?: EdiDeliver;
}

/**
 * A relay run soon, coalesced: kicks within `delayMs` share one run, which starts after the
 * last of them (each kick comes after its transaction committed, so that run sees them all).
 */
export function relayKicker(enqueue: Enqueue | undefined, logger: Logger, delayMs = 50): () => void {
  let timer: NodeJS.Timeout | undefined;
  return () => {
    if (!enqueue || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      enqueue(RELAY_JOB, { trigger: 'kick' }).catch((error: unknown) => logger.debug({ err: error }, 'could not kick the outbox relay; its schedule will run it'));
    }, delayMs);
    timer.unref();
  };
}

/** A kicker over a job runner (HTTP routes kick after a commit that may have written outbox rows). */
export function runnerKicker(jobs: { enqueue: Enqueue }, logger: Logger): () => void {
  return relayKicker((job, payload, options) => jobs.enqueue(job, payload, options), logger);
}

export function deliveryJobs(deps: DeliveryJobDeps) {
  const { store, logger, settings, enqueue } = deps;
  const kick = relayKicker(enqueue, logger);
  const relayIn = (delayMs: number) =>
    void enqueue?.(RELAY_JOB, { trigger: 'retry' }, { delayMs: delayMs + 20 }).catch((error: unknown) => logger.debug({ err: error }, 'could not queue the retry relay run; the schedule will find the row'));
  const targets = Object.keys(settings.targets);

  const relay = defineJob({
    name: RELAY_JOB,
    payload: z.object({ trigger: z.string().max(40).default('schedule') }).strict(),
    attempts: 1,
    quiet: true,
    async handle(_payload, ctx) {
      if (targets.length === 0 || !enqueue) return { claimed: 0, expired: 0 };
      const { claimed, expired } = await claimDue(store, { targets, batchSize: settings.batchSize, leaseMs: settings.leaseMs, attempts: settings.attempts });
      if (expired > 0) ctx.logger.error({ expired }, 'outbox rows went dead: their last attempt never reported back within the lease');
      // A claim whose job could not be queued stays in flight until its lease runs out, then is claimed again.
      const queued = await Promise.allSettled(claimed.map((c) => enqueue(DELIVER_JOB, { outboxId: c.id, claim: c.claim }, { jobId: deliverJobId(c.id, c.claim) })));
      const failed = queued.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed.length > 0) ctx.logger.warn({ failed: failed.length, err: failed[0]!.reason }, 'could not queue some deliveries; they are claimed again when their lease runs out');
      if (claimed.length > 0) ctx.logger.debug({ claimed: claimed.map((c) => `${c.id}:${c.event}:${c.number}`) }, 'outbox rows claimed');
      if (claimed.length === settings.batchSize) kick(); // more are waiting
      return { claimed: claimed.length, expired };
    },
  });

  const deliver = defineJob({
    name: DELIVER_JOB,
    payload: z.object({ outboxId: z.number().int().positive(), claim: z.number().int().positive() }).strict(),
    attempts: 1,
    // deliverClaim logs each outcome with the order and the target.
    quiet: true,
    async handle({ outboxId, claim }, ctx) {
      const status = await deliverClaim({ store, connectors: deps.connectors, settings, logger: ctx.logger, observe: deps.observe, kick, relayIn, edi: deps.edi }, outboxId, claim, ctx.signal);
      return { status };
    },
  });

  // delivery.confirm: orders the ERP accepted without a number yet (confirm.ts).
  const confirm = confirmJob({ store, connectors: deps.connectors, settings });

  return [relay, deliver, confirm];
}
