import { z } from 'zod';

/**
 * Dynamic credit (src/credit) and the review's risk rule (src/risk), issue 8. Every number here
 * is a default a site is expected to tune; the defaults are deliberately conservative: nothing
 * is held for risk without enough history, and limits move by at most 20 % per review.
 */
const decimal = z.union([z.string().regex(/^\d+(\.\d{1,2})?$/), z.number().nonnegative()]).transform((v) => String(v));

/** A factor's raw value is mapped linearly onto 0..1: `worst` → 0, `best` → 1, clamped. */
const range = (worst: number, best: number, weight: number, what: string) =>
  z
    .object({
      weight: z.number().min(0).default(weight).describe(`Weight of ${what} in the score (weights are normalised to sum 1).`),
      worst: z.number().default(worst).describe(`Raw value of ${what} that scores 0.`),
      best: z.number().default(best).describe(`Raw value of ${what} that scores 1.`),
    })
    .strict()
    .refine((r) => r.worst !== r.best, { message: 'worst and best must differ' })
    .default({ weight, worst, best });

const bandSchema = z
  .object({
    name: z.string().min(1),
    minScore: z.number().min(0).max(1).describe('Lowest score in this band.'),
    months: z.number().min(0).describe('Suggested limit = average monthly sales × months.'),
  })
  .strict();

const DEFAULT_BANDS = [
  { name: 'A', minScore: 0.8, months: 3 },
  { name: 'B', minScore: 0.6, months: 2 },
  { name: 'C', minScore: 0.4, months: 1.5 },
  { name: 'D', minScore: 0, months: 1 },
];

/** The relay's outbox target for credit-limit changes (src/delivery claims it when writeBack.connector is set). */
export const CREDIT_TARGET = 'credit';

/**
 * `connector`: the relay delivers the rows (target `credit`) to that connector's credit-limit
 * target. `target` (the older form): rows under that target name for some other consumer; the
 * relay does not deliver them. The parsed value always carries the row's `target`.
 */
const writeBackSchema = z
  .object({
    connector: z.string().min(1).optional().describe('Connector that applies limits in the ERP (sql or http with `creditLimits:`); the relay delivers the rows to it.'),
    target: z
      .string()
      .regex(/^[a-z][a-z0-9_-]*$/)
      .refine((t) => !['erp', 'wms', 'edi', CREDIT_TARGET].includes(t), {
        message: 'erp, wms, edi and credit are the relay\'s own targets; name a target for credit limits (e.g. erp-credit), or set connector: to have the relay deliver them',
      })
      .optional()
      .describe('Older form: outbox target of the rows for a process outside the hub; the relay does not deliver them.'),
  })
  .strict()
  .refine((w) => (w.connector === undefined) !== (w.target === undefined), { message: 'set connector (delivered by the relay) or target (consumed elsewhere), not both and not neither' })
  .transform((w) => ({ ...w, target: w.connector !== undefined ? CREDIT_TARGET : w.target! }));

export const creditSchema = z
  .object({
    factors: z
      .object({
        onTimeRatio: range(0.5, 1, 0.3, 'the share of due invoices paid by their due date'),
        daysBeyondTerms: range(60, 0, 0.25, 'amount-weighted days paid (or still open) beyond the due date'),
        cooperationYears: range(0, 10, 0.15, 'years since the dealer started'),
        salesVolume: range(0, 1_000_000, 0.15, 'trailing 12-month sales (order net, currency units)'),
        salesTrend: range(-0.5, 0.5, 0.15, 'last 3 months vs the 3 before, as a relative change'),
      })
      .strict()
      .prefault({})
      .describe('Score factors: weight and the raw values that map to 0 and 1.'),
    bands: z
      .array(bandSchema)
      .min(1)
      .default(DEFAULT_BANDS)
      .describe('Score bands, each with the months of average sales it lends; the band with the highest minScore ≤ the score applies.'),
    minLimit: decimal.default('10000.00').describe('Suggested limits never go below this.'),
    maxLimit: decimal.default('5000000.00').describe('Suggested limits never go above this.'),
    maxChangePercent: z.number().min(0).default(20).describe('Largest change of the limit per review, in percent of the current limit.'),
    autoApplyPercent: z
      .number()
      .min(0)
      .default(10)
      .describe('Changes up to this percent of the current limit are applied by the credit.review job; larger ones are proposed for approval.'),
    autoApplyBands: z
      .array(z.string().min(1))
      .default(['A', 'B'])
      .describe('Only dealers in these bands get changes applied automatically; others always get a proposal.'),
    writeBack: writeBackSchema
      .optional()
      .describe('Write every applied limit change to the outbox (event credit.limit_changed). Unset: changes stay here.'),
  })
  .strict()
  .refine((c) => Number(c.minLimit) <= Number(c.maxLimit), { message: 'minLimit must not exceed maxLimit' });

const zFactor = (weight: number) =>
  z
    .object({
      weight: z.number().min(0).default(weight).describe('Points at full strength (half at the threshold).'),
      zThreshold: z.number().positive().default(3.5).describe('Robust z-score (median/MAD) from which the factor counts.'),
    })
    .strict()
    .default({ weight, zThreshold: 3.5 });

export const riskSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Score every order against its dealer\'s history (the review\'s risk rule).'),
    holdThreshold: z.number().positive().default(50).describe('A total of this many points or more holds the order.'),
    minHistoryOrders: z.number().int().min(1).default(8).describe('Fewer earlier orders than this: the order is not scored.'),
    minHistoryDays: z.number().int().min(0).default(30).describe('Earlier orders spanning fewer days than this: the order is not scored.'),
    historyDays: z.number().int().positive().default(365).describe('How far back the history reaches.'),
    historyOrders: z.number().int().min(10).max(2000).default(100).describe('Most recent orders read as history (keeps the order path fast).'),
    factors: z
      .object({
        amount: zFactor(60),
        skuQuantity: zFactor(30),
        shipTo: z
          .object({
            weight: z.number().min(0).default(25).describe('Points for a ship-to never used before (half for a rarely used one).'),
            rareUses: z.number().int().min(1).default(2).describe('A ship-to used fewer times than this is rarely used.'),
          })
          .strict()
          .default({ weight: 25, rareUses: 2 }),
        region: z
          .object({
            weight: z.number().min(0).default(30).describe('Points for a ship-to region the dealer never shipped to.'),
            level: z.enum(['province', 'city', 'district']).default('city').describe('Regions compared at this level of the administrative code.'),
          })
          .strict()
          .default({ weight: 30, level: 'city' }),
        paymentMethod: z
          .object({
            weight: z.number().min(0).default(20).describe('Points for a payment method the dealer never used (less for a rare one).'),
            rareShare: z.number().min(0).max(1).default(0.1).describe('A method used in less than this share of orders is unusual.'),
          })
          .strict()
          .default({ weight: 20, rareShare: 0.1 }),
        velocity: z
          .object({
            weight: z.number().min(0).default(50).describe('Points at full strength (half at the limit).'),
            windowHours: z.number().positive().default(24).describe('Sliding window of the count and amount.'),
            ratio: z.number().min(1).default(3).describe('Count or amount in the window above this multiple of the typical one counts.'),
            minCount: z.number().int().min(2).default(4).describe('Never fewer orders than this in the window to count.'),
          })
          .strict()
          .default({ weight: 50, windowHours: 24, ratio: 3, minCount: 4 }),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type CreditConfig = z.output<typeof creditSchema>;
export type RiskConfig = z.output<typeof riskSchema>;
