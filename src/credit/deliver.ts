/**
 * Delivering one `credit.limit_changed` outbox row (target `credit`) to the connector named by
 * credit.writeBack.connector: the relay claims it like any other row (leases, attempts, backoff,
 * dead rows, replay); this is only the call. Idempotency is the target's, on the change id.
 * Outcomes carry no order, so recording them touches the outbox row only.
 */
import pRetry from 'p-retry';
import { z } from 'zod';
import { TargetRejection, type CreditLimitChange, type CreditLimitTarget } from '../connectors/contract.js';
import { UpstreamRejectedError } from '../core/errors.js';
import type { Outcome } from '../delivery/record.js';

const money = z.string().regex(/^-?\d+(\.\d+)?$/);

/** The payload changes.ts writes; a row edited by hand on replay must still be one. */
export const creditChangePayloadSchema = z.object({
  changeId: z.number().int().positive(),
  dealerCode: z.string().min(1),
  currency: z.string().min(1),
  oldLimit: money,
  newLimit: money,
  reason: z.string(),
  actor: z.string(),
});

/** A row that can never be delivered as it is (retrying the same input cannot help). */
export class UndeliverableCreditChange extends Error {}

export interface CreditDeliveryRetry {
  quickRetries: number;
  quickRetryDelayMs: number;
}

const isRejection = (error: unknown) => error instanceof TargetRejection || error instanceof UpstreamRejectedError;

/** A short label for logs and errors: `credit change 17 of dealer D001`. */
export function creditChangeLabel(payload: unknown): string {
  const p = payload as { changeId?: unknown; dealerCode?: unknown } | null;
  return `credit change ${String(p?.changeId ?? '?')} of dealer ${String(p?.dealerCode ?? '?')}`;
}

/**
 * Applies the change through `target`, with quick retries of transient failures inside the
 * attempt. Throws what the target threw (TargetRejection → rejected; anything else → retried by
 * the relay), or UndeliverableCreditChange for a payload that is not a change.
 */
export async function deliverCreditChange(target: CreditLimitTarget, payload: unknown, connector: string, retry: CreditDeliveryRetry, signal: AbortSignal): Promise<Outcome> {
  const parsed = creditChangePayloadSchema.safeParse(payload);
  if (!parsed.success) {
    throw new UndeliverableCreditChange(`payload is not a credit-limit change: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const change: CreditLimitChange = parsed.data;
  const applied = await pRetry(() => target.applyCreditLimit(change, signal), {
    retries: retry.quickRetries,
    factor: 2,
    minTimeout: retry.quickRetryDelayMs,
    maxTimeout: Math.max(retry.quickRetryDelayMs, 5_000),
    randomize: true,
    signal,
    shouldRetry: ({ error }) => !isRejection(error) && !signal.aborted,
  });
  const reference = applied.reference ?? String(change.changeId);
  const message = `credit limit of ${change.dealerCode} set to ${change.newLimit} ${change.currency} in ${connector}`;
  // ErpOrderRef's erpOrderNo is what lands in the row's external_id: here the ERP's reference.
  return { kind: 'delivered', how: 'created', ref: { erpOrderNo: reference, ...(applied.detail ? { detail: applied.detail } : {}) }, message };
}
