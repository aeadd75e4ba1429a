import { validateDetailed } from 'node-cron';
import type { ScheduleConfig } from '../config/schema.js';
import { describeIssues } from '../jobs/execute.js';
import type { JobRegistry } from '../jobs/registry.js';

/**
 * Everything wrong with the schedules, one human-readable line per problem (empty when all
 * is well). `dealer-hub check` prints these; the daemon refuses to start on any of them.
 */
export function validateSchedules(schedules: Record<string, ScheduleConfig>, registry: JobRegistry): string[] {
  const problems: string[] = [];
  for (const [name, schedule] of Object.entries(schedules)) {
    const where = `schedule "${name}"`;
    const cron = validateDetailed(schedule.cron);
    if (!cron.valid) {
      const reasons = cron.errors.map((error) => error.message).join('; ');
      problems.push(`${where}: invalid cron expression "${schedule.cron}": ${reasons}`);
    }
    if (!isTimeZone(schedule.timezone)) problems.push(`${where}: unknown timezone "${schedule.timezone}"`);
    if (!registry.has(schedule.job)) {
      problems.push(`${where}: unknown job "${schedule.job}" (known: ${registry.names().join(', ') || 'none'})`);
      continue;
    }
    const payload = registry.get(schedule.job).payload.safeParse(schedule.payload);
    if (!payload.success) {
      problems.push(`${where}: invalid payload for job "${schedule.job}": ${describeIssues(payload.error).join('; ')}`);
    }
  }
  return problems;
}

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
