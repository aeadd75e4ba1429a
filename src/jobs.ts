import { z } from 'zod';
import type { Store } from './core/db/index.js';
import { defineJob, type JobDefinition } from './core/jobs/index.js';
import type { Logger } from './core/logger.js';

export interface JobDeps {
  store: Store;
  logger: Logger;
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
  return [analyzeStoreJob(deps)];
}
