/**
 * Found by the scale-out test on a busy host: node-cron drops a tick whose timer fires more than
 * 1 s late, and on an overloaded machine every replica is late together, so the tick never ran.
 * The scheduler now runs a late tick while the next one has not come (its job id is its slot, so
 * running it late cannot run it twice). Here the event loop is blocked for almost 3 s across a 5-second
 * tick: the tick still enqueues, under its own slot.
 */
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { createInProcessRunner, createJobRegistry, defineJob } from '../../src/core/jobs/index.js';
import { createScheduler, slotJobId, type Scheduler } from '../../src/core/scheduler/index.js';

const logger = pino({ level: 'silent' });
let scheduler: Scheduler | undefined;
afterEach(async () => scheduler?.stop());

it('runs a tick that fires over 2 s late (event loop blocked), under its planned slot', { timeout: 20_000 }, async () => {
  const ran: string[] = [];
  const job = defineJob({ name: 'tick', payload: z.object({}).strict(), handle: async (_p, ctx) => void ran.push(ctx.jobId) });
  const registry = createJobRegistry([job]);
  const runner = createInProcessRunner({ registry, logger, defaults: { concurrency: 1, attempts: 1, backoffMs: 10, keepHours: 1 } });
  await runner.startWorkers();
  scheduler = createScheduler({ schedules: { late: { cron: '*/5 * * * * *', job: 'tick', payload: {}, timezone: 'UTC', enabled: true } }, registry, runner, logger });
  scheduler.start();
  // Block from 0.5 s before the next 5-second boundary to 2.3 s after it (node-cron compares whole seconds).
  const boundary = Math.ceil((Date.now() + 1_000) / 5_000) * 5_000;
  await new Promise((resolve) => setTimeout(resolve, boundary - 500 - Date.now()));
  while (Date.now() < boundary + 2_300) {
    // busy: the timers of this process cannot fire
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await runner.close();
  expect(ran).toContain(slotJobId('tick', 'late', new Date(boundary)));
});
