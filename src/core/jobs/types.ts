import type { z } from 'zod';
import type { Logger } from '../logger.js';
import type { JobRegistry } from './registry.js';

/** What a handler learns about the run it is part of. */
export interface JobContext {
  /** The id the job was enqueued with (as the caller passed it, never the encoded form). */
  jobId: string;
  /** 1-based; a manual retry of a failed job starts again at 1. */
  attempt: number;
  logger: Logger;
  /** Aborted when the job is cancelled (BullMQ `worker.cancelJob`); a long handler should stop early. */
  signal: AbortSignal;
}

/**
 * One kind of work. The name is also the queue name, so it may not contain ':' (BullMQ
 * forbids it in queue names; the registry enforces the same charset for both runners).
 */
export interface JobDefinition<P> {
  name: string;
  /** Validated on enqueue (a bad payload is a UserError naming the field) and again before handling. */
  payload: z.ZodType<P>;
  handle(payload: P, ctx: JobContext): Promise<unknown>;
  /** Override the `jobs` config defaults for this job. */
  attempts?: number;
  backoffMs?: number;
  concurrency?: number;
  /** Frequent housekeeping (every few seconds): its successful runs are logged at debug, not info. */
  quiet?: boolean;
}

export function defineJob<P>(def: JobDefinition<P>): JobDefinition<P> {
  return def;
}

/** The `jobs` section of the config: defaults every job can override. */
export interface JobDefaults {
  /** Handlers one process runs at once, per job name. */
  concurrency: number;
  attempts: number;
  /** First retry delay in ms; attempt n waits backoffMs * 2^(n-1) after failing. */
  backoffMs: number;
  /** How long completed and failed jobs stay listable and keep deduplicating their id. */
  keepHours: number;
}

export interface EnqueueOptions {
  /** Deduplicates: while a job with this id exists (any state, within keepHours) no second one is added. */
  jobId?: string;
  delayMs?: number;
}

export interface EnqueueResult {
  id: string;
  /** A job with that id already existed, so nothing new was queued. */
  deduplicated: boolean;
}

export interface FailedJob {
  name: string;
  id: string;
  payload: unknown;
  attemptsMade: number;
  error: string;
  failedAt: Date;
}

export interface JobEvent {
  name: string;
  id: string;
  outcome: 'completed' | 'retrying' | 'failed';
  durationMs: number;
  error?: string;
}

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

/** Runs jobs: in this process (embedded mode) or on BullMQ (server mode), same semantics. */
export interface JobRunner {
  readonly kind: 'in-process' | 'bullmq';
  enqueue<P>(job: JobDefinition<P> | string, payload: P, options?: EnqueueOptions): Promise<EnqueueResult>;
  /** Only processes with the `worker` role call this; before it, jobs just queue. */
  startWorkers(): Promise<void>;
  /** Newest first; `limit` defaults to 50. */
  listFailed(name?: string, limit?: number): Promise<FailedJob[]>;
  /** Re-queues a failed job with a fresh set of attempts; NotFoundError if there is no such failed job. */
  retryFailed(name: string, id: string): Promise<void>;
  counts(): Promise<Record<string, JobCounts>>;
  /** Rejects if the backend (Redis) is unreachable; the in-process runner always resolves. */
  ping(): Promise<void>;
  /** Graceful: stop taking jobs, wait for in-flight handlers to finish, close connections. */
  close(): Promise<void>;
}

/** Settings shared by both runners. */
export interface RunnerSettings {
  registry: JobRegistry;
  logger: Logger;
  defaults: JobDefaults;
  onEvent?: (event: JobEvent) => void;
}
