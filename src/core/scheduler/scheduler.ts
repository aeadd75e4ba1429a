import { createTask, type Logger as CronLogger, type ScheduledTask, type TaskContext } from 'node-cron';
import type { ScheduleConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import type { JobRegistry } from '../jobs/registry.js';
import type { JobRunner } from '../jobs/types.js';
import type { Logger } from '../logger.js';
import { validateSchedules } from './validate-schedules.js';

export interface SchedulerSettings {
  schedules: Record<string, ScheduleConfig>;
  registry: JobRegistry;
  runner: JobRunner;
  logger: Logger;
}

export interface ScheduleInfo {
  name: string;
  cron: string;
  job: string;
  timezone: string;
  enabled: boolean;
  /** Null for a disabled schedule. */
  nextRun: Date | null;
}

export interface Scheduler {
  /** Throws ConfigError if an enabled schedule is invalid. */
  start(): void;
  /** Stops ticking and waits for ticks that are still enqueueing. */
  stop(): Promise<void>;
  describe(): ScheduleInfo[];
}

/**
 * The job id of one tick: `<job>:<schedule>:<slot>`, the slot being the tick's planned time
 * (node-cron's `ctx.date`, not when the timer fired) in ISO UTC to the second. Every replica
 * computes the same id for the same tick, so the runner keeps one job per tick.
 */
export function slotJobId(job: string, schedule: string, planned: Date): string {
  const slot = new Date(Math.floor(planned.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return `${job}:${schedule}:${slot}`;
}

/** How late a tick may fire and still run (bounded further by the next tick, see taskFor). */
export const LATE_TICK_TOLERANCE_MS = 60_000;

/**
 * Cron only enqueues. node-cron fires in every replica that runs the scheduler role; the
 * deterministic job id (see slotJobId) is what makes each tick run once.
 */
export function createScheduler(settings: SchedulerSettings): Scheduler {
  const { schedules, registry, runner } = settings;
  const logger = settings.logger.child({ component: 'scheduler' });
  const tasks = new Map<string, ScheduledTask>();
  const ticking = new Set<Promise<void>>();

  async function tick(name: string, schedule: ScheduleConfig, ctx: TaskContext): Promise<void> {
    const jobId = slotJobId(schedule.job, name, ctx.date);
    try {
      const result = await runner.enqueue(schedule.job, schedule.payload, { jobId });
      logger.debug({ schedule: name, jobId, deduplicated: result.deduplicated }, 'schedule tick');
    } catch (error) {
      // Swallowed: the next tick tries again, and node-cron would only print it.
      logger.error({ err: error, schedule: name, jobId }, 'schedule tick could not enqueue');
    }
  }

  function taskFor(name: string, schedule: ScheduleConfig): ScheduledTask {
    return createTask(
      schedule.cron,
      (ctx) => {
        const run = tick(name, schedule, ctx).finally(() => ticking.delete(run));
        ticking.add(run);
        return run;
      },
      // node-cron drops a tick whose timer fires over 1 s late (a busy host: every replica late
      // together, so the tick never runs). A late tick is safe to run — its job id is its slot —
      // so it runs as long as the next tick has not come yet (node-cron also requires that).
      { name: `schedule:${name}`, timezone: schedule.timezone, noOverlap: true, missedExecutionTolerance: LATE_TICK_TOLERANCE_MS, logger: cronLogger(logger.child({ schedule: name })) },
    );
  }

  return {
    start() {
      if (tasks.size > 0) return;
      const enabled = Object.fromEntries(Object.entries(schedules).filter(([, schedule]) => schedule.enabled));
      const problems = validateSchedules(enabled, registry);
      if (problems.length > 0) throw new ConfigError(`invalid schedules:\n  - ${problems.join('\n  - ')}`, { problems });
      for (const [name, schedule] of Object.entries(enabled)) {
        const task = taskFor(name, schedule);
        tasks.set(name, task);
        void task.start();
        logger.info({ schedule: name, cron: schedule.cron, job: schedule.job, timezone: schedule.timezone }, 'schedule started');
      }
    },

    async stop() {
      // destroy() also drops the task from node-cron's process-wide registry.
      await Promise.all([...tasks.values()].map((task) => task.destroy()));
      tasks.clear();
      await Promise.all([...ticking]);
    },

    describe() {
      return Object.entries(schedules).map(([name, schedule]) => ({
        name,
        cron: schedule.cron,
        job: schedule.job,
        timezone: schedule.timezone,
        enabled: schedule.enabled,
        nextRun: schedule.enabled ? nextRun(tasks.get(name), name, schedule) : null,
      }));
    },
  };

  function nextRun(task: ScheduledTask | undefined, name: string, schedule: ScheduleConfig): Date | null {
    if (task) return task.getNextRun();
    // Not started (e.g. `dealer-hub check`): a throwaway task answers, then leaves node-cron's registry.
    let probe: ScheduledTask | undefined;
    try {
      probe = taskFor(name, schedule);
      return probe.getNextRuns(1)[0] ?? null;
    } catch {
      return null; // invalid cron or timezone; validateSchedules says why
    } finally {
      void probe?.destroy();
    }
  }
}

/** node-cron's own logger prints ANSI stack traces to the console; send its lines to pino instead. */
function cronLogger(logger: Logger): CronLogger {
  const write = (level: 'debug' | 'error', message: string | Error, error?: Error) => {
    if (message instanceof Error) logger[level]({ err: message }, message.message);
    else if (error) logger[level]({ err: error }, message);
    else logger[level](message);
  };
  return {
    info: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
    error: (message, error) => write('error', message, error),
    debug: (message, error) => write('debug', message, error),
  };
}
