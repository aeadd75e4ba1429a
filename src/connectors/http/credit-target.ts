/**
 * The http connector's credit-limit target (`creditLimits:`): each credit-limit change is one POST
 * of JSON to `path`, with our change id in an idempotency header (default `Idempotency-Key`), so
 * the ERP applies a change once however often it is delivered. The client never retries the POST
 * by itself; a retry is the delivery's, with the same key.
 *
 * Body (JSON; `addFields` are added at the top level):
 * `{ "changeId": 17, "dealerCode": "D001", "currency": "CNY", "oldLimit": "50000.00", "newLimit": "55000.00", "reason": "…", "actor": "…" }`
 *
 * A 4xx answer is a refusal on the merits (TargetRejection with the ERP's words) — except 401/403
 * and 404 (the configuration is wrong: retried, then dead) and 409 (a request with the same key
 * still in progress: retried). 5xx, 408, 429 and timeouts are transient.
 */
import { z } from 'zod';
import { ConfigError, TransientError, UpstreamRejectedError } from '../../core/errors.js';
import { TargetRejection, type CreditLimitTarget } from '../contract.js';
import { fieldAt } from '../shared/aggregate.js';
import type { HttpClient } from '../shared/client.js';
import { fillTemplate } from './outbound-options.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const httpCreditLimitsSchema = z
  .object({
    path: z
      .string()
      .min(1)
      .refine((p) => [...p.matchAll(/\{([^}]*)\}/g)].every(([, name]) => name === 'dealerCode' || name === 'changeId'), {
        message: 'unknown placeholder; use {dealerCode} and {changeId}',
      })
      .describe('Where a credit-limit change is POSTed, e.g. /v1/customers/{dealerCode}/credit-limit.'),
    idempotencyHeader: z
      .string()
      .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected an HTTP header name')
      .default('Idempotency-Key')
      .describe('Header carrying our change id; the ERP must honour it (a repeat with the same key applies nothing new).'),
    reference: z.string().min(1).optional().describe("Field of the answer kept as the ERP's reference (a.b allowed); unset: the change id."),
    addFields: z.record(z.string(), scalar).default({}).describe('Constant fields added to every request body.'),
  })
  .strict();

export type HttpCreditLimitsOptions = z.infer<typeof httpCreditLimitsSchema>;

const statusOf = (error: unknown): number | undefined =>
  error instanceof UpstreamRejectedError || error instanceof ConfigError ? (error.details?.status as number | undefined) : undefined;
const text = (value: unknown): string | null => (value === null || value === undefined || value === '' || typeof value === 'object' ? null : String(value));

/** `client` must not retry by itself (see the file comment). */
export function createHttpCreditTarget(options: HttpCreditLimitsOptions, client: HttpClient, system: string): CreditLimitTarget {
  return {
    async applyCreditLimit(change, signal) {
      const headers = { 'Content-Type': 'application/json', [options.idempotencyHeader]: String(change.changeId) };
      const url = fillTemplate(options.path, { dealerCode: change.dealerCode, changeId: String(change.changeId) });
      try {
        const response = await client.request({ method: 'POST', url, headers, data: { ...options.addFields, ...change } }, signal);
        const reference = (options.reference && response.data && typeof response.data === 'object' ? text(fieldAt(response.data as Record<string, unknown>, options.reference)) : null) ?? String(change.changeId);
        return { reference, detail: `${system} answered ${response.status}: credit limit of ${change.dealerCode} set to ${change.newLimit} ${change.currency} (${reference})` };
      } catch (error) {
        if (!(error instanceof UpstreamRejectedError)) throw error;
        const status = statusOf(error);
        if (status === 404) throw new ConfigError(`${error.message} — check creditLimits.path`, error.details);
        if (status === 409) throw new TransientError(`${error.message} — a request with key ${change.changeId} may still be in progress; retried`);
        const said = text(error.details?.upstreamMessage) ?? error.message;
        throw new TargetRejection(`${system} refused credit change ${change.changeId} of ${change.dealerCode}: ${said}`, said);
      }
    },
  };
}
