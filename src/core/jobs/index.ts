import { createBullmqRunner } from './bullmq-runner.js';
import { createInProcessRunner } from './in-process-runner.js';
import type { JobRunner, RunnerSettings } from './types.js';

export interface JobRunnerSettings extends RunnerSettings {
  /** Set in server mode: jobs go through BullMQ. Unset: the in-process runner (embedded mode). */
  redisUrl?: string;
  /** BullMQ key prefix (config `redis.prefix`); unused in-process. */
  prefix: string;
}

/** BullMQ when a Redis URL is configured (server mode), the in-process runner otherwise (embedded mode). */
export function createJobRunner(settings: JobRunnerSettings): JobRunner {
  const { redisUrl, prefix, ...common } = settings;
  return redisUrl ? createBullmqRunner({ ...common, redisUrl, prefix }) : createInProcessRunner(common);
}

export { createBullmqRunner, type BullmqRunnerSettings } from './bullmq-runner.js';
export { createInProcessRunner } from './in-process-runner.js';
export { createJobRegistry, type JobRegistry } from './registry.js';
export { assertValidJobId, decodeJobId, encodeJobId } from './job-id.js';
export { describeIssues, parsePayload, redactPayload } from './execute.js';
export * from './types.js';
