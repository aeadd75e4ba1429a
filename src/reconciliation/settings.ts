/**
 * What one reconciliation run compares, and how closely: the payload of the `reconcile` job.
 * It is configured where the job is scheduled (`schedules.<name>.payload`, checked at start
 * against this schema), and POST /admin/reconciliation/run starts from that same payload.
 */
import { z } from 'zod';

/** Our order numbers (DH + YYMMDD + 7 digits, see migration 0003): an ERP reference like this is ours. */
export const DEFAULT_NUMBER_PATTERN = '^DH[0-9]{13}$';

const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'expected a non-negative decimal number, e.g. "100.00"');

const driftStream = z
  .object({
    connector: z.string().min(1).describe('Connector whose stream is read (nothing is written).'),
    stream: z.string().min(1).describe('A stream of entity stock_lots or credit_accounts.'),
  })
  .strict();

export const reconcilePayload = z
  .object({
    trigger: z.string().max(40).default('schedule'),
    windowDays: z.number().int().min(1).max(366).default(7).describe('Orders created in the last this many days are checked.'),
    erp: z.string().min(1).optional().describe('Connector asked about orders; default delivery.erp.'),
    numberPattern: z
      .string()
      .min(1)
      .max(200)
      .default(DEFAULT_NUMBER_PATTERN)
      .refine(isRegExp, 'not a regular expression')
      .describe('An ERP order whose reference matches this (a PostgreSQL regular expression) or is an order id claims to be ours.'),
    tolerance: z
      .object({
        stockQty: z.number().int().min(0).default(0).describe('Allowed difference of on-hand per (sku, warehouse, lot), in units.'),
        creditAmount: decimal.default('0.00').describe('Allowed difference of a dealer’s credit limit or AR open.'),
      })
      .strict()
      .default({ stockQty: 0, creditAmount: '0.00' }),
    drift: z.array(driftStream).max(20).default([]).describe('Streams of stock_lots / credit_accounts read and compared with the store.'),
    concurrency: z.number().int().min(1).max(32).default(4).describe('Lookups in the ERP at once.'),
    batchSize: z.number().int().min(10).max(5_000).default(200).describe('Orders read from the store per batch.'),
    lookupTimeoutMs: z.number().int().min(100).max(600_000).default(30_000).describe('Longest one ERP lookup may take.'),
    maxLookupFailures: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe('Consecutive failed lookups after which the order check stops as failed (the ERP is down): no findings from guesses.'),
  })
  .strict();

export type ReconcileSettings = z.output<typeof reconcilePayload>;
export type ReconcileInput = z.input<typeof reconcilePayload>;

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
