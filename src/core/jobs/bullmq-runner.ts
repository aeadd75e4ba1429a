import { randomUUID } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { NotFoundError, TransientError } from '../errors.js';
import { parsePayload, runAttempt, settingsFor, toStoredPayload } from './execute.js';
import { assertValidJobId, decodeJobId, encodeJobId } from './job-id.js';
import type { EnqueueOptions, EnqueueResult, FailedJob, JobCounts, JobDefinition, JobRunner, RunnerSettings } from './types.js';

export interface BullmqRunnerSettings extends RunnerSettings {
  redisUrl: string;
  /** BullMQ key prefix: every key is `<prefix>:<job name>:...`, so deployments can share a Redis. */
  prefix: string;
}

/** What is stored as a BullMQ job's data. */
interface StoredData {
  payload: unknown;
  /** Unique per enqueue call: the only way to tell whether our add created the job (see enqueue). */
  enqueueToken: string;
}

const PING_TIMEOUT_MS = 2_000;

/** The server-mode runner: one BullMQ queue per job name; workers only where startWorkers() is called. */
export function createBullmqRunner(settings: BullmqRunnerSettings): JobRunner {
  const { registry, logger, defaults, onEvent, redisUrl, prefix } = settings;
  const keepSeconds = Math.max(1, Math.round(defaults.keepHours * 3_600));
  // Queues only add and read, so they share one connection. Workers block on Redis; BullMQ
  // opens (and closes) their own connections, which need maxRetriesPerRequest: null.
  const connection = new Redis(redisUrl);
  connection.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const queues = new Map<string, Queue>();
  for (const name of registry.names()) {
    const queue = new Queue(name, { connection, prefix });
    // The connection's own listener already logs these; without a listener they would throw.
    queue.on('error', (error) => logger.debug({ err: error, job: name }, 'job queue error'));
    queues.set(name, queue);
  }
  const workers: Worker[] = [];
  let closing: Promise<void> | undefined;

  function queueOf(name: string): Queue {
    registry.get(name); // NotFoundError for an unknown name
    return queues.get(name)!;
  }

  async function processJob(def: JobDefinition<unknown>, job: Job<StoredData>, signal: AbortSignal | undefined): Promise<void> {
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? settingsFor(def, defaults).attempts;
    const outcome = await runAttempt({
      def,
      storedPayload: job.data.payload,
      jobId: decodeJobId(job.id ?? ''),
      attempt,
      attempts,
      logger,
      signal: signal ?? new AbortController().signal,
      onEvent,
    });
    if (outcome.ok) return;
    // Attempts are left but the error says retrying cannot help: tell BullMQ not to retry.
    if (!outcome.retry && attempt < attempts) throw new UnrecoverableError(outcome.message);
    throw outcome.error instanceof Error ? outcome.error : new Error(outcome.message);
  }

  function toFailed(job: Job<StoredData>): FailedJob {
    return {
      name: job.name,
      id: decodeJobId(job.id ?? ''),
      payload: job.data?.payload,
      attemptsMade: job.attemptsMade,
      error: job.failedReason ?? '',
      failedAt: new Date(job.finishedOn ?? job.timestamp),
    };
  }

  return {
    kind: 'bullmq',

    async enqueue<P>(job: JobDefinition<P> | string, payload: P, options: EnqueueOptions = {}): Promise<EnqueueResult> {
      if (closing) throw new Error('job runner is closed');
      const name = typeof job === 'string' ? job : job.name;
      const queue = queueOf(name);
      const def = registry.get(name);
      parsePayload(def, payload);
      if (options.jobId !== undefined) assertValidJobId(options.jobId);
      const { attempts, backoffMs } = settingsFor(def, defaults);
      const data: StoredData = { payload: toStoredPayload(payload), enqueueToken: randomUUID() };
      const jobOptions: JobsOptions = {
        attempts,
        backoff: { type: 'exponential', delay: backoffMs },
        // Age-based removal is lazy: BullMQ prunes when later jobs finish, so ids can outlive keepHours a little.
        removeOnComplete: { age: keepSeconds },
        removeOnFail: { age: keepSeconds },
      };
      if (options.jobId !== undefined) jobOptions.jobId = encodeJobId(options.jobId);
      if (options.delayMs && options.delayMs > 0) jobOptions.delay = options.delayMs;
      const added = await queue.add(name, data, jobOptions);
      const storedId = added.id ?? '';
      if (options.jobId === undefined) return { id: storedId, deduplicated: false };
      // For an existing id BullMQ silently keeps the old job yet returns a Job built from our
      // arguments, so the returned object cannot tell. The stored token can: exactly one of
      // N concurrent callers finds its own token (a job deleted in between counts as ours).
      const stored = (await queue.getJob(storedId)) as Job<StoredData> | undefined;
      const deduplicated = stored !== undefined && stored.data?.enqueueToken !== data.enqueueToken;
      return { id: options.jobId, deduplicated };
    },

    async startWorkers() {
      if (closing) throw new Error('job runner is closed');
      if (workers.length > 0) return;
      for (const name of registry.names()) {
        const def = registry.get(name);
        // Three parameters: BullMQ passes the cancellation signal only to processors declaring it.
        const processor = (job: Job<StoredData>, _token: string | undefined, signal?: AbortSignal) => processJob(def, job, signal);
        const worker = new Worker<StoredData>(name, processor, {
          connection: { url: redisUrl, maxRetriesPerRequest: null },
          prefix,
          concurrency: settingsFor(def, defaults).concurrency,
        });
        worker.on('error', (error) => logger.warn({ err: error, job: name }, 'job worker error'));
        workers.push(worker);
      }
      await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    },

    async listFailed(name?: string, limit = 50): Promise<FailedJob[]> {
      if (limit <= 0) return []; // getFailed(0, -1) would mean "all"
      const names = name === undefined ? registry.names() : [name];
      const lists = await Promise.all(names.map((each) => queueOf(each).getFailed(0, limit - 1)));
      return lists
        .flat()
        .filter((job): job is Job<StoredData> => Boolean(job))
        .map(toFailed)
        .sort((a, b) => b.failedAt.getTime() - a.failedAt.getTime())
        .slice(0, limit);
    },

    async retryFailed(name: string, id: string) {
      const job = await queueOf(name).getJob(encodeJobId(id));
      const notFound = () => new NotFoundError(`no failed job "${name}" with id "${id}"`, { job: name, id });
      if (!job || (await job.getState()) !== 'failed') throw notFound();
      try {
        // A manual retry is a fresh start: full attempts and backoff again.
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      } catch (error) {
        if ((await job.getState()) !== 'failed') throw notFound(); // someone else retried it first
        throw error;
      }
    },

    async counts() {
      const entries = await Promise.all(
        [...queues].map(async ([name, queue]) => {
          const raw = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
          const counts: JobCounts = {
            waiting: raw.waiting ?? 0,
            active: raw.active ?? 0,
            delayed: raw.delayed ?? 0,
            failed: raw.failed ?? 0,
            completed: raw.completed ?? 0,
          };
          return [name, counts] as const;
        }),
      );
      return Object.fromEntries(entries);
    },

    async ping() {
      // While Redis is down ioredis parks commands in its offline queue; don't wait for it.
      const reply = connection.ping();
      reply.catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TransientError(`redis did not answer within ${PING_TIMEOUT_MS} ms (${connection.status})`)), PING_TIMEOUT_MS);
      });
      try {
        await Promise.race([reply, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    close() {
      closing ??= (async () => {
        // worker.close() stops fetching and waits for the handlers it is running.
        await Promise.all(workers.map((worker) => worker.close()));
        await Promise.all([...queues.values()].map((queue) => queue.close()));
        // QUIT would sit in ioredis' offline queue while Redis is unreachable; just drop the socket then.
        if (connection.status === 'ready') await connection.quit().catch(() => connection.disconnect());
        else connection.disconnect();
      })();
      return closing;
    },
  };
}
