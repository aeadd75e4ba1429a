import { z } from 'zod';

const scheduleSchema = z
  .object({
    cron: z.string().regex(/^\S+( \S+){4,5}$/, 'expected a cron expression with 5 or 6 fields').default('30 2 * * *'),
    timezone: z.string().default('Asia/Shanghai'),
    enabled: z.boolean().default(true),
  })
  .strict();

/** Replenishment suggestions (issue 8): forecast horizon, lead time, review period, service level, nightly schedule. */
export const replenishmentSchema = z
  .object({
    leadTimeDays: z.number().int().min(0).max(365).default(14).describe('Days from placing an order to having the goods on the shelf (one figure for every dealer and SKU).'),
    reviewPeriodDays: z.number().int().min(1).max(365).default(7).describe('Days between two ordering decisions; a suggestion covers lead time + review period.'),
    serviceLevel: z.number().gt(0.5).lt(1).default(0.95).describe('Probability of not running out before the next delivery; sets z of the safety stock (0.95 → z 1.645).'),
    bucket: z.enum(['week', 'month']).default('week').describe('Demand bucket: weeks (season 52) or 30-day months (season 12).'),
    historyBuckets: z.number().int().min(8).max(260).default(104).describe('Buckets of history read per dealer × SKU (104 weeks = two years).'),
    horizon: z.number().int().min(1).max(26).default(4).describe('Buckets ahead each backtest origin scores when the method is chosen.'),
    schedule: scheduleSchema.default(scheduleSchema.parse({}))
      .describe('When the nightly job precomputes every dealer’s suggestions (job replenishment.compute).'),
  })
  .strict();

export type ReplenishmentConfig = z.output<typeof replenishmentSchema>;
