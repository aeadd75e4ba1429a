export { createScheduler, slotJobId, type Scheduler, type ScheduleInfo, type SchedulerSettings } from './scheduler.js';
export { validateSchedules } from './validate-schedules.js';
