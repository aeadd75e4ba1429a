import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ScheduleConfig } from '../../src/core/config/schema.js';
import { ConfigError } from '../../src/core/errors.js';
import { createBullmqRunner, createInProcessRunner, createJobRegistry, defineJob, type JobRunner } from '../../src/core/jobs/index.js';
import { createScheduler, slotJobId, validateSchedules, type Scheduler } from '../../src/core/scheduler/index.js';
import { REDIS_URL, deleteKeysWithPrefix } from '../support/redis.js';
import { describeWith, uniqueName } from '../support/services.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const defaults = { concurrency: 5, attempts: 3, backoffMs: 20, keepHours: 1 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function schedule(overrides: Partial<ScheduleConfig> = {}): ScheduleConfig {
  return { cron: '* * * * * *', job: 'tick', payload: { stream: 'stock' }, timezone: 'Asia/Shanghai', enabled: true, ...overrides };
}

/** A job that counts how often each tick's id ran. */
function tickJob() {
  const runsPerSlot = new Map<string, number>();
  const job = defineJob({
    name: 'tick',
    payload: z.object({ stream: z.string() }).strict(),
    async handle(_payload, ctx) {
      runsPerSlot.set(ctx.jobId, (runsPerSlot.get(ctx.jobId) ?? 0) + 1);
    },
  });
  return { job, runsPerSlot };
}

async function drained(runner: JobRunner): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    const counts = Object.values(await runner.counts());
    if (counts.every((c) => c.waiting + c.active + c.delayed === 0)) return;
    await sleep(20);
  }
  throw new Error('jobs did not drain');
}

function expectEachSlotOnce(runsPerSlot: Map<string, number>, minSlots: number): void {
  expect(runsPerSlot.size).toBeGreaterThanOrEqual(minSlots);
  for (const [slot, runs] of runsPerSlot) {
    expect(slot).toMatch(/^tick:every-second:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect({ slot, runs }).toEqual({ slot, runs: 1 });
  }
}

const schedulers: Scheduler[] = [];
const runners: JobRunner[] = [];
const prefixes: string[] = [];
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((scheduler) => scheduler.stop()));
  await Promise.all(runners.splice(0).map((runner) => runner.close()));
  await Promise.all(prefixes.splice(0).map((prefix) => deleteKeysWithPrefix(prefix)));
});

describe('slotJobId', () => {
  it('uses the planned time, to the second, in UTC', () => {
    expect(slotJobId('sync', 'sap.products', new Date('2026-11-24T18:00:00.731+08:00'))).toBe('sync:sap.products:2026-11-24T10:00:00Z');
  });
});

describe('validateSchedules', () => {
  const registry = createJobRegistry([tickJob().job]);

  it('accepts valid schedules', () => {
    expect(validateSchedules({ ok: schedule(), daily: schedule({ cron: '0 30 2 * * *' }) }, registry)).toEqual([]);
  });

  it('names every problem with its schedule', () => {
    const problems = validateSchedules(
      {
        'bad-cron': schedule({ cron: '61 * * * *' }),
        'no-job': schedule({ job: 'sync.unknown' }),
        'bad-payload': schedule({ payload: { stream: 7 } }),
        'bad-zone': schedule({ timezone: 'Mars/Olympus' }),
      },
      registry,
    );
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/schedule "bad-cron": invalid cron expression "61 \* \* \* \*"/);
    expect(problems[1]).toMatch(/schedule "no-job": unknown job "sync.unknown" \(known: tick\)/);
    expect(problems[2]).toMatch(/schedule "bad-payload": invalid payload for job "tick": stream:/);
    expect(problems[3]).toMatch(/schedule "bad-zone": unknown timezone "Mars\/Olympus"/);
  });

  it('stops start() on an invalid enabled schedule, ignores disabled ones', () => {
    const runner = createInProcessRunner({ registry, logger, defaults });
    runners.push(runner);
    const bad = createScheduler({ schedules: { x: schedule({ job: 'missing' }) }, registry, runner, logger });
    expect(() => bad.start()).toThrow(ConfigError);
    const off = createScheduler({ schedules: { x: schedule({ job: 'missing', enabled: false }) }, registry, runner, logger });
    schedulers.push(off);
    expect(() => off.start()).not.toThrow();
  });
});

describe('scheduler with the in-process runner', () => {
  it('enqueues one job per tick and describes its schedules', async () => {
    const { job, runsPerSlot } = tickJob();
    const registry = createJobRegistry([job]);
    const runner = createInProcessRunner({ registry, logger, defaults });
    runners.push(runner);
    await runner.startWorkers();
    const scheduler = createScheduler({
      schedules: { 'every-second': schedule(), paused: schedule({ enabled: false }) },
      registry,
      runner,
      logger,
    });
    schedulers.push(scheduler);
    const before = scheduler.describe();
    expect(before.find((s) => s.name === 'every-second')?.nextRun).toBeInstanceOf(Date);
    scheduler.start();
    const described = scheduler.describe();
    expect(described.map(({ name, job: jobName, enabled }) => ({ name, jobName, enabled }))).toEqual([
      { name: 'every-second', jobName: 'tick', enabled: true },
      { name: 'paused', jobName: 'tick', enabled: false },
    ]);
    const next = described[0]!.nextRun!.getTime() - Date.now();
    expect(next).toBeGreaterThan(0);
    expect(next).toBeLessThanOrEqual(1_000);
    expect(described[1]!.nextRun).toBeNull();
    await sleep(2_600);
    await scheduler.stop();
    await drained(runner);
    expectEachSlotOnce(runsPerSlot, 2);
  });
});

describeWith(['redis'], 'scheduler on BullMQ with three replicas', () => {
  it('runs every tick exactly once across three schedulers', async () => {
    const { job, runsPerSlot } = tickJob();
    const prefix = uniqueName('dh_sched');
    prefixes.push(prefix);
    const replicas = [1, 2, 3].map(() => {
      // Each replica has its own registry, runner and scheduler, as separate processes would.
      const registry = createJobRegistry([job]);
      const runner = createBullmqRunner({ registry, logger, defaults, redisUrl: REDIS_URL, prefix });
      runners.push(runner);
      const scheduler = createScheduler({ schedules: { 'every-second': schedule() }, registry, runner, logger });
      schedulers.push(scheduler);
      return { runner, scheduler };
    });
    await Promise.all(replicas.map(({ runner }) => runner.startWorkers()));
    for (const { scheduler } of replicas) scheduler.start();
    await sleep(4_000);
    await Promise.all(replicas.map(({ scheduler }) => scheduler.stop()));
    await drained(replicas[0]!.runner);
    expectEachSlotOnce(runsPerSlot, 3);
    const counts = await replicas[0]!.runner.counts();
    expect(counts.tick?.completed).toBe(runsPerSlot.size);
  });
});
