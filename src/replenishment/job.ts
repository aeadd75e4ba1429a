/**
 * `replenishment.compute`: recomputes the stored plans — every active dealer's (the nightly
 * schedule, replenishment.schedule in the config) or one dealer's (payload { dealer: code }).
 * Each dealer's plan is replaced in its own transaction, so a failure part-way leaves every
 * dealer with either yesterday's plan or today's, never a mixture.
 */
import { z } from 'zod';
import type { ScheduleConfig } from '../core/config/schema.js';
import type { ReplenishmentConfig } from '../core/config/schema-replenishment.js';
import type { Store } from '../core/db/index.js';
import { NotFoundError } from '../core/errors.js';
import { defineJob } from '../core/jobs/index.js';
import { computePlans, type ReplenishmentSettings } from './plan.js';

export const REPLENISHMENT_JOB = 'replenishment.compute';
export const REPLENISHMENT_SCHEDULE = 'replenishment-nightly';

export function replenishmentJob(deps: { store: Store; settings: ReplenishmentSettings; now?: () => Date }) {
  return defineJob({
    name: REPLENISHMENT_JOB,
    payload: z.object({ dealer: z.string().min(1).optional(), trigger: z.string().default('schedule') }).strict(),
    concurrency: 1,
    async handle({ dealer, trigger }) {
      let dealerId: number | null = null;
      if (dealer) {
        const { rows } = await deps.store.query<{ id: number }>('SELECT id FROM dealers WHERE code = $1', [dealer]);
        if (!rows[0]) throw new NotFoundError(`dealer ${dealer} does not exist`);
        dealerId = Number(rows[0].id);
      }
      return computePlans(deps.store, deps.settings, { dealerId, now: deps.now?.() ?? new Date(), trigger });
    },
  });
}

/** The nightly schedule the daemon adds (a schedule of the same name in `schedules` wins). */
export function replenishmentSchedule(config: ReplenishmentConfig): Record<string, ScheduleConfig> {
  const { cron, timezone, enabled } = config.schedule;
  return enabled ? { [REPLENISHMENT_SCHEDULE]: { cron, job: REPLENISHMENT_JOB, payload: {}, timezone, enabled } } : {};
}
