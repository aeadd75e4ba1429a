import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NotFoundError, UserError } from '../../src/core/errors.js';
import { createBullmqRunner, createInProcessRunner, createJobRegistry, decodeJobId, defineJob, encodeJobId } from '../../src/core/jobs/index.js';
import type { JobDefinition, JobEvent, JobRunner } from '../../src/core/jobs/index.js';
import { REDIS_URL, deleteKeysWithPrefix } from '../support/redis.js';
import { describeWith, uniqueName } from '../support/services.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const defaults = { concurrency: 5, attempts: 3, backoffMs: 20, keepHours: 1 };
const empty = z.object({});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

interface Harness {
  runner(defs: JobDefinition<any>[], onEvent?: (event: JobEvent) => void): JobRunner;
  cleanup(): Promise<void>;
}

/** The behaviour both runners must share; `harness` gives each test a fresh runner and cleans up after it. */
function jobRunnerContract(harness: () => Harness) {
  let current: Harness | undefined;
  afterEach(async () => current?.cleanup());
  const start = (defs: JobDefinition<any>[], onEvent?: (event: JobEvent) => void) => (current = harness()).runner(defs, onEvent);

  it('runs a job with its payload, only once workers start', async () => {
    const seen: unknown[] = [];
    const echo = defineJob({
      name: 'echo',
      payload: z.object({ sku: z.string(), qty: z.number().int() }),
      handle: async (payload, ctx) => void seen.push({ payload, jobId: ctx.jobId, attempt: ctx.attempt }),
    });
    const runner = start([echo]);
    await runner.ping();
    const { id, deduplicated } = await runner.enqueue(echo, { sku: 'A-1', qty: 3 });
    expect(deduplicated).toBe(false);
    await sleep(50);
    expect(seen).toEqual([]);
    await runner.startWorkers();
    await waitFor(async () => (await runner.counts()).echo?.completed === 1);
    expect(seen).toEqual([{ payload: { sku: 'A-1', qty: 3 }, jobId: id, attempt: 1 }]);
  });

  it('retries a flaky job with growing backoff, then succeeds', async () => {
    const runs: Array<{ attempt: number; at: number }> = [];
    const events: JobEvent[] = [];
    const flaky = defineJob({
      name: 'flaky',
      payload: empty,
      attempts: 4,
      backoffMs: 50,
      async handle(_payload, ctx) {
        runs.push({ attempt: ctx.attempt, at: performance.now() });
        if (ctx.attempt < 3) throw new Error(`flake ${ctx.attempt}`);
      },
    });
    const runner = start([flaky], (event) => events.push(event));
    await runner.startWorkers();
    await runner.enqueue(flaky, {});
    await waitFor(() => events.some((event) => event.outcome === 'completed'));
    expect(runs.map((run) => run.attempt)).toEqual([1, 2, 3]);
    const [first, second, third] = runs.map((run) => run.at) as [number, number, number];
    // backoffMs * 2^(attempt-1): ~50 ms, then ~100 ms
    expect(second - first).toBeGreaterThanOrEqual(45);
    expect(third - second).toBeGreaterThanOrEqual(95);
    expect(third - second).toBeGreaterThan(second - first);
    expect(events.map((event) => [event.outcome, event.error])).toEqual([['retrying', 'flake 1'], ['retrying', 'flake 2'], ['completed', undefined]]);
  });

  it('keeps a job that always fails, and retryFailed runs it again', async () => {
    let failing = true;
    let calls = 0;
    const broken = defineJob({
      name: 'broken',
      payload: z.object({ order: z.string() }),
      async handle() {
        calls += 1;
        if (failing) throw new Error('ERP unavailable');
      },
    });
    const runner = start([broken]);
    await runner.startWorkers();
    await runner.enqueue(broken, { order: 'SO-1' }, { jobId: 'push:SO-1' });
    await waitFor(async () => (await runner.listFailed('broken')).length === 1);
    const [failed] = await runner.listFailed();
    expect(failed).toMatchObject({ name: 'broken', id: 'push:SO-1', payload: { order: 'SO-1' }, attemptsMade: 3, error: 'ERP unavailable' });
    expect(failed?.failedAt).toBeInstanceOf(Date);
    expect(calls).toBe(3);
    expect((await runner.counts()).broken).toMatchObject({ failed: 1, completed: 0 });

    await expect(runner.retryFailed('broken', 'push:SO-2')).rejects.toBeInstanceOf(NotFoundError);
    failing = false;
    await runner.retryFailed('broken', 'push:SO-1');
    await waitFor(async () => (await runner.counts()).broken?.completed === 1);
    expect(calls).toBe(4);
    expect(await runner.listFailed('broken')).toEqual([]);
    await expect(runner.retryFailed('broken', 'push:SO-1')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('fails a non-retryable error on the first attempt', async () => {
    let calls = 0;
    const strict = defineJob({
      name: 'strict',
      payload: empty,
      attempts: 5,
      async handle() {
        calls += 1;
        throw new UserError('dealer D-9 is blocked');
      },
    });
    const runner = start([strict]);
    await runner.startWorkers();
    await runner.enqueue(strict, {});
    await waitFor(async () => (await runner.listFailed()).length === 1);
    expect((await runner.listFailed('strict'))[0]).toMatchObject({ attemptsMade: 1, error: 'dealer D-9 is blocked' });
    await sleep(100);
    expect(calls).toBe(1);
  });

  it('runs a job id once and reports the duplicates', async () => {
    const ran: string[] = [];
    const sync = defineJob({ name: 'sync', payload: z.object({ stream: z.string() }), handle: async (_p, ctx) => void ran.push(ctx.jobId) });
    const runner = start([sync]);
    const jobId = 'sync:sap:products:2026-11-24T10:00:00Z'; // BullMQ needs these colons encoded
    const results = await Promise.all([1, 2, 3, 4].map(() => runner.enqueue(sync, { stream: 'products' }, { jobId })));
    expect(results.filter((result) => !result.deduplicated)).toHaveLength(1);
    expect(results.every((result) => result.id === jobId)).toBe(true);
    await runner.startWorkers();
    await waitFor(() => ran.length === 1);
    expect(await runner.enqueue(sync, { stream: 'products' }, { jobId })).toEqual({ id: jobId, deduplicated: true });
    await sleep(100);
    expect(ran).toEqual([jobId]);
  });

  it('rejects an invalid payload, job id or job name on enqueue', async () => {
    const typed = defineJob({ name: 'typed', payload: z.object({ dealer: z.string() }).strict(), handle: async () => undefined });
    const runner = start([typed]);
    await expect(runner.enqueue('typed', { dealer: 42 } as never)).rejects.toBeInstanceOf(UserError);
    await expect(runner.enqueue('typed', { dealer: 42 } as never)).rejects.toThrow(/dealer/);
    await expect(runner.enqueue('typed', { dealer: 'D-1' }, { jobId: '42' })).rejects.toBeInstanceOf(UserError);
    await expect(runner.enqueue('nope', {})).rejects.toBeInstanceOf(NotFoundError);
    expect((await runner.counts()).typed?.waiting).toBe(0);
  });

  it('honours delayMs and per-job concurrency', async () => {
    let active = 0;
    let peak = 0;
    const startedAt: number[] = [];
    const slow = defineJob({
      name: 'slow',
      payload: empty,
      concurrency: 2,
      async handle() {
        startedAt.push(Date.now());
        peak = Math.max(peak, ++active);
        await sleep(100);
        active -= 1;
      },
    });
    const runner = start([slow]);
    await runner.startWorkers();
    const enqueuedAt = Date.now();
    await runner.enqueue(slow, {}, { delayMs: 300 });
    await waitFor(() => startedAt.length === 1);
    expect(startedAt[0]! - enqueuedAt).toBeGreaterThanOrEqual(290);
    await Promise.all([1, 2, 3, 4].map(() => runner.enqueue(slow, {})));
    await waitFor(async () => (await runner.counts()).slow?.completed === 5);
    expect(peak).toBe(2);
  });

  it('close() waits for an in-flight handler', async () => {
    const progress = { started: false, finished: false };
    const long = defineJob({
      name: 'long',
      payload: empty,
      async handle() {
        progress.started = true;
        await sleep(300);
        progress.finished = true;
      },
    });
    const runner = start([long]);
    await runner.startWorkers();
    await runner.enqueue(long, {});
    await waitFor(() => progress.started);
    await runner.close();
    expect(progress.finished).toBe(true);
    await expect(runner.enqueue(long, {})).rejects.toThrow(/closed/);
  });
}

describe('job ids', () => {
  it('encode reversibly into what BullMQ accepts', () => {
    for (const id of ['sync:sap:products:2026-11-24T10:00:00Z', 'a%3Ab', '%', 'plain', 'x::y%25']) {
      expect(encodeJobId(id)).not.toContain(':');
      expect(decodeJobId(encodeJobId(id))).toBe(id);
    }
  });
});

describe('in-process job runner', () => {
  jobRunnerContract(() => {
    let runner: JobRunner | undefined;
    return {
      runner: (defs, onEvent) => (runner = createInProcessRunner({ registry: createJobRegistry(defs), logger, defaults, onEvent })),
      cleanup: async () => runner?.close(),
    };
  });
});

describeWith(['redis'], 'bullmq job runner', () => {
  jobRunnerContract(() => {
    const prefix = uniqueName('dh_jobs');
    let runner: JobRunner | undefined;
    return {
      runner: (defs, onEvent) =>
        (runner = createBullmqRunner({ registry: createJobRegistry(defs), logger, defaults, onEvent, redisUrl: REDIS_URL, prefix })),
      cleanup: async () => {
        await runner?.close();
        await deleteKeysWithPrefix(prefix);
      },
    };
  });

  it('ping() rejects when Redis is unreachable', async () => {
    const prefix = uniqueName('dh_jobs');
    const runner = createBullmqRunner({ registry: createJobRegistry([]), logger, defaults, redisUrl: 'redis://127.0.0.1:1', prefix });
    try {
      await expect(runner.ping()).rejects.toThrow(/redis/);
    } finally {
      await runner.close();
    }
  });
});
