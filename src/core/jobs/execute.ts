import type { z } from 'zod';
import { UserError, isRetryable } from '../errors.js';
import type { Logger } from '../logger.js';
import type { JobDefaults, JobDefinition, JobEvent } from './types.js';

/** Validates a payload against its job's schema; the UserError names every bad field. */
export function parsePayload<P>(def: JobDefinition<P>, payload: unknown): P {
  const result = def.payload.safeParse(payload);
  if (result.success) return result.data;
  const problems = describeIssues(result.error);
  throw new UserError(`invalid payload for job "${def.name}": ${problems.join('; ')}`, {
    job: def.name,
    issues: result.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
  });
}

export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

/**
 * Payloads travel as JSON on BullMQ; the in-process runner round-trips them the same way so
 * a handler sees identical data in both modes (and a non-serialisable payload fails early).
 */
export function toStoredPayload(payload: unknown): unknown {
  return payload === undefined ? undefined : JSON.parse(JSON.stringify(payload));
}

const SECRET_KEY = /password|token|secret/i;

/** A copy fit for a log line: values under keys like password/token/secret are masked, at any depth. */
export function redactPayload(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactPayload(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) ? '[redacted]' : redactPayload(item, depth + 1)]),
  );
}

export function settingsFor(def: JobDefinition<unknown>, defaults: JobDefaults) {
  return {
    attempts: def.attempts ?? defaults.attempts,
    backoffMs: def.backoffMs ?? defaults.backoffMs,
    concurrency: def.concurrency ?? defaults.concurrency,
  };
}

/** Delay before the next attempt after attempt `attempt` (1-based) failed, in ms — BullMQ's exponential formula. */
export function backoffDelay(backoffMs: number, attempt: number): number {
  return Math.round(backoffMs * 2 ** (attempt - 1));
}

export type AttemptOutcome = { ok: true } | { ok: false; error: unknown; message: string; retry: boolean };

export interface AttemptInput {
  def: JobDefinition<unknown>;
  storedPayload: unknown;
  jobId: string;
  attempt: number;
  attempts: number;
  logger: Logger;
  signal: AbortSignal;
  onEvent: ((event: JobEvent) => void) | undefined;
}

/**
 * Runs one attempt of a job and decides what happens next. Both runners call this, so the
 * retry rule (retryable per `isRetryable` and attempts left), the log lines and the events
 * are the same in both modes; the runner only carries the decision out.
 */
export async function runAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const { def, jobId, attempt, attempts } = input;
  const logger = input.logger.child({ job: def.name, jobId, attempt });
  const started = performance.now();
  let outcome: AttemptOutcome;
  try {
    // Parsed again here: defaults and coercions apply to what was stored as JSON.
    const payload = parsePayload(def, input.storedPayload);
    logger.debug('job started');
    await def.handle(payload, { jobId, attempt, logger, signal: input.signal });
    outcome = { ok: true };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outcome = { ok: false, error, message, retry: isRetryable(error) && attempt < attempts };
  }
  const durationMs = Math.round(performance.now() - started);
  if (outcome.ok) {
    logger[def.quiet ? 'debug' : 'info']({ durationMs }, 'job completed');
    emit(input, { name: def.name, id: jobId, outcome: 'completed', durationMs });
    return outcome;
  }
  const fields = { durationMs, err: outcome.error, payload: redactPayload(input.storedPayload) };
  if (outcome.retry) logger.warn(fields, 'job attempt failed; will retry');
  else logger.error({ ...fields, attempts }, 'job failed');
  const eventOutcome = outcome.retry ? 'retrying' : 'failed';
  emit(input, { name: def.name, id: jobId, outcome: eventOutcome, durationMs, error: outcome.message });
  return outcome;
}

/** A listener's bug must not change a job's outcome. */
function emit(input: AttemptInput, event: JobEvent): void {
  try {
    input.onEvent?.(event);
  } catch (error) {
    input.logger.error({ err: error }, 'job event listener threw');
  }
}
