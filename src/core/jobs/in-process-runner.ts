import { NotFoundError } from '../errors.js';
import { backoffDelay, parsePayload, runAttempt, settingsFor, toStoredPayload } from './execute.js';
import { assertValidJobId } from './job-id.js';
import type { EnqueueOptions, EnqueueResult, FailedJob, JobCounts, JobDefinition, JobRunner, RunnerSettings } from './types.js';

type State = keyof JobCounts;

interface Entry {
  id: string;
  payload: unknown;
  state: State;
  attemptsMade: number;
  error?: string;
  /** ms since epoch; set once completed or failed, drives keepHours. */
  finishedAt?: number;
  timer?: NodeJS.Timeout;
}

interface Lane {
  def: JobDefinition<unknown>;
  settings: ReturnType<typeof settingsFor>;
  entries: Map<string, Entry>;
  ready: Entry[];
  active: number;
}

/**
 * The embedded-mode runner: BullMQ's semantics (per-name concurrency, exponential backoff,
 * deduplicating ids, failed jobs kept for keepHours) held in memory. Nothing survives a
 * restart: queued and delayed jobs are lost, which embedded mode accepts.
 */
export function createInProcessRunner(settings: RunnerSettings): JobRunner {
  const { registry, logger, defaults, onEvent } = settings;
  const keepMs = defaults.keepHours * 3_600_000;
  const lanes = new Map<string, Lane>();
  for (const name of registry.names()) {
    const def = registry.get(name);
    lanes.set(name, { def, settings: settingsFor(def, defaults), entries: new Map(), ready: [], active: 0 });
  }
  const inFlight = new Set<Promise<void>>();
  // Generated ids are integers like BullMQ's; custom ids may not be, so they never collide.
  let lastId = 0;
  let started = false;
  let closed = false;

  function laneOf(name: string): Lane {
    registry.get(name); // NotFoundError for an unknown name
    return lanes.get(name)!;
  }

  function prune(lane: Lane): void {
    const now = Date.now();
    for (const entry of lane.entries.values()) {
      if (entry.finishedAt !== undefined && now - entry.finishedAt > keepMs) lane.entries.delete(entry.id);
    }
  }

  function makeReady(lane: Lane, entry: Entry): void {
    entry.state = 'waiting';
    entry.timer = undefined;
    lane.ready.push(entry);
    pump(lane);
  }

  function delay(lane: Lane, entry: Entry, ms: number): void {
    entry.state = 'delayed';
    entry.timer = setTimeout(() => makeReady(lane, entry), ms);
  }

  function pump(lane: Lane): void {
    while (started && !closed && lane.active < lane.settings.concurrency) {
      const entry = lane.ready.shift();
      if (!entry) return;
      const run = runEntry(lane, entry).finally(() => inFlight.delete(run));
      inFlight.add(run);
    }
  }

  async function runEntry(lane: Lane, entry: Entry): Promise<void> {
    lane.active += 1;
    entry.state = 'active';
    const outcome = await runAttempt({
      def: lane.def,
      storedPayload: entry.payload,
      jobId: entry.id,
      attempt: entry.attemptsMade + 1,
      attempts: lane.settings.attempts,
      logger,
      // Nothing cancels an in-process job; the signal is there so handlers need not care which runner runs them.
      signal: new AbortController().signal,
      onEvent,
    });
    entry.attemptsMade += 1;
    lane.active -= 1;
    if (outcome.ok) {
      entry.state = 'completed';
      entry.finishedAt = Date.now();
    } else if (outcome.retry) {
      delay(lane, entry, backoffDelay(lane.settings.backoffMs, entry.attemptsMade));
    } else {
      entry.state = 'failed';
      entry.error = outcome.message;
      entry.finishedAt = Date.now();
    }
    pump(lane);
  }

  return {
    kind: 'in-process',

    async enqueue<P>(job: JobDefinition<P> | string, payload: P, options: EnqueueOptions = {}): Promise<EnqueueResult> {
      if (closed) throw new Error('job runner is closed');
      const lane = laneOf(typeof job === 'string' ? job : job.name);
      parsePayload(lane.def, payload);
      if (options.jobId !== undefined) assertValidJobId(options.jobId);
      const id = options.jobId ?? String(++lastId);
      prune(lane);
      if (lane.entries.has(id)) return { id, deduplicated: true };
      const entry: Entry = { id, payload: toStoredPayload(payload), state: 'waiting', attemptsMade: 0 };
      lane.entries.set(id, entry);
      if (options.delayMs && options.delayMs > 0) delay(lane, entry, options.delayMs);
      else makeReady(lane, entry);
      return { id, deduplicated: false };
    },

    async startWorkers() {
      started = true;
      for (const lane of lanes.values()) pump(lane);
    },

    async listFailed(name?: string, limit = 50): Promise<FailedJob[]> {
      const chosen = name === undefined ? [...lanes.values()] : [laneOf(name)];
      const failed: FailedJob[] = [];
      for (const lane of chosen) {
        prune(lane);
        for (const entry of lane.entries.values()) {
          if (entry.state !== 'failed') continue;
          failed.push({
            name: lane.def.name,
            id: entry.id,
            payload: entry.payload,
            attemptsMade: entry.attemptsMade,
            error: entry.error ?? '',
            failedAt: new Date(entry.finishedAt ?? 0),
          });
        }
      }
      return failed.sort((a, b) => b.failedAt.getTime() - a.failedAt.getTime()).slice(0, limit);
    },

    async retryFailed(name: string, id: string) {
      const lane = laneOf(name);
      prune(lane);
      const entry = lane.entries.get(id);
      if (!entry || entry.state !== 'failed') throw new NotFoundError(`no failed job "${name}" with id "${id}"`);
      entry.attemptsMade = 0;
      entry.error = undefined;
      entry.finishedAt = undefined;
      makeReady(lane, entry);
    },

    async counts() {
      const result: Record<string, JobCounts> = {};
      for (const [name, lane] of lanes) {
        prune(lane);
        const counts: JobCounts = { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 };
        for (const entry of lane.entries.values()) counts[entry.state] += 1;
        result[name] = counts;
      }
      return result;
    },

    async ping() {},

    async close() {
      closed = true;
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      for (const lane of lanes.values()) {
        for (const entry of lane.entries.values()) if (entry.timer) clearTimeout(entry.timer);
      }
    },
  };
}
