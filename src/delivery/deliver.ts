/**
 * One delivery attempt of one claimed outbox row: take the claim, call the target (find first,
 * then create or cancel; quick retries of transient failures inside), record the outcome.
 * `find` before `create` is what makes a retry after a timeout, an expired lease or a crash
 * safe: the target is asked for the order under our id before it is asked to create it.
 */
import pRetry from 'p-retry';
import { TargetRejection, type OrderTarget } from '../connectors/contract.js';
import type { ConnectorHub } from '../connectors/hub.js';
import type { Store } from '../core/db/index.js';
import { UpstreamRejectedError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { takeClaim, type OwnedRow } from './claim.js';
import { applyOverrides, loadOrderDocument, orderEventPayloadSchema, type OrderEventPayload } from './document.js';
import { recordOutcome, type Outcome } from './record.js';
import { attemptDeadlineMs, retryDelayMs, type DeliverySettings } from './settings.js';
import { confirmationTargets, SHIPMENT_EVENT, shipmentCall } from './shipments.js';
import type { EdiDeliver } from '../edi/transport/deliver.js';
import { CREDIT_TARGET } from '../core/config/schema-credit-risk.js';
import { creditChangeLabel, deliverCreditChange, UndeliverableCreditChange } from '../credit/deliver.js';

export interface DeliveryObservation {
  target: string;
  event: string;
  /** delivered (created, found, cancelled or nothing to send), retry, dead, rejected. */
  outcome: 'delivered' | 'retry' | 'dead' | 'rejected';
}

export interface DeliverDeps {
  store: Store;
  connectors: Pick<ConnectorHub, 'orderTarget'> & Partial<Pick<ConnectorHub, 'shipmentTarget' | 'creditTarget'>>;
  settings: DeliverySettings;
  logger: Logger;
  observe?: (observation: DeliveryObservation) => void;
  /** Asks the relay to look again (rows queued behind this one may be due now). */
  kick?: () => void;
  /** Asks for a relay run when a retry falls due (the schedule would find it too, a little later). */
  relayIn?: (delayMs: number) => void;
  /** Carries rows of target `edi` (src/edi/transport/deliver.ts). */
  edi?: EdiDeliver;
}

/** An order may be created in the ERP only in these states; otherwise the create is not sent. */
const SENDABLE = new Set(['approved', 'released', 'confirmed']);

/** Not worth another attempt: the same input will fail the same way. */
class PermanentFailure extends Error {}

const isRejection = (error: unknown) => error instanceof TargetRejection || error instanceof UpstreamRejectedError;

export async function deliverClaim(deps: DeliverDeps, id: number, claim: number, jobSignal: AbortSignal): Promise<string | null> {
  const { store, settings, logger } = deps;
  const row = await takeClaim(store, id, claim, settings.leaseMs);
  if (!row) {
    logger.debug({ outboxId: id, claim }, 'outbox claim superseded (replayed or claimed again); nothing to do');
    return null;
  }
  const connector = settings.targets[row.target];
  const parsed = orderEventPayloadSchema.safeParse(row.payload);
  const number = parsed.success ? parsed.data.number : String((row.payload as { number?: unknown } | null)?.number ?? '?');
  const subject = row.target === CREDIT_TARGET ? creditChangeLabel(row.payload) : `order ${number}`;
  const label = `outbox #${row.id} (${row.event} of ${subject} → ${row.target}${connector ? ` via ${connector}` : ''}, attempt ${row.attempts}/${settings.attempts})`;
  const log = logger.child({ outboxId: row.id, claim: row.claim, event: row.event, order: number, target: row.target, connector, attempt: row.attempts });

  const deadlineMs = attemptDeadlineMs(settings.leaseMs);
  const deadline = AbortSignal.timeout(deadlineMs);
  const signal = AbortSignal.any([jobSignal, deadline]);
  let outcome: Outcome;
  try {
    if (!connector) throw new Error(`no connector takes outbox target ${row.target} (delivery.${row.target}.connector)`);
    if (row.target === 'edi') {
      // EDI documents (src/edi/transport): a file and/or a POST to the partner; no order to follow.
      if (!deps.edi) throw new PermanentFailure('no EDI delivery here for target edi');
      outcome = await untilAborted(deps.edi(row, signal), signal);
    } else if (row.target === CREDIT_TARGET) {
      // Credit-limit changes (src/credit/deliver.ts): no order to follow, idempotent on the change id.
      if (!deps.connectors.creditTarget) throw new PermanentFailure('no credit-limit targets here for target credit');
      const target = deps.connectors.creditTarget(connector);
      outcome = await untilAborted(deliverCreditChange(target, row.payload, connector, settings, signal), signal);
    } else {
      if (!parsed.success) throw new PermanentFailure(`payload is not an order event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      // A target call that ignores the signal is not waited for past the deadline: the claim's
      // bookkeeping stays inside its lease (keep the connector's own timeouts below leaseMs).
      outcome = await untilAborted(attempt(deps, row, parsed.data, connector, signal), signal);
    }
  } catch (error) {
    const said = deadline.aborted && !isRejection(error) ? `no outcome within ${deadlineMs} ms` : error instanceof Error ? error.message : String(error);
    if (isRejection(error)) {
      const targetMessage = error instanceof TargetRejection ? error.targetMessage : said;
      outcome = { kind: 'rejected', message: `${label}: refused: ${said}`, targetMessage };
    } else {
      const permanent = error instanceof PermanentFailure || error instanceof UndeliverableCreditChange;
      outcome = { kind: 'failed', message: `attempt ${row.attempts}/${settings.attempts}: ${said}`, delayMs: retryDelayMs(settings, row.attempts), limit: permanent ? 0 : settings.attempts };
    }
  }

  const status = await recordOutcome(
    store,
    { row, orderId: parsed.success ? parsed.data.orderId : null, connector: connector ?? row.target, confirmationTargets: confirmationTargets(settings.targets) },
    outcome,
  );
  if (status === null) {
    log.warn({ outcome: outcome.kind }, `${label}: the claim was taken over meanwhile (replay or expired lease); this outcome is not recorded`);
    return null;
  }
  const observed = status === 'delivered' ? 'delivered' : status === 'rejected' ? 'rejected' : status === 'dead' ? 'dead' : 'retry';
  deps.observe?.({ target: row.target, event: row.event, outcome: observed });
  if (outcome.kind === 'delivered') log.info({ how: outcome.how, erpOrderNo: outcome.ref?.erpOrderNo }, `${label}: ${outcome.message}`);
  else if (outcome.kind === 'rejected') log.warn({ targetMessage: outcome.targetMessage }, `${label}: refused by the target${row.event === 'order.approved' ? '; the order is held' : row.event === SHIPMENT_EVENT ? '; the order stays confirmed' : ''}`);
  else if (status === 'dead') log.error({ err: outcome.message }, `${label}: failed; no attempts left, the row is dead (replay it once the cause is fixed)`);
  else log.warn({ err: outcome.message, retryInMs: outcome.delayMs }, `${label}: failed; will retry`);
  if (status === 'pending' && outcome.kind === 'failed') deps.relayIn?.(outcome.delayMs);
  else deps.kick?.();
  return status;
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

async function attempt(deps: DeliverDeps, row: OwnedRow, payload: OrderEventPayload, connector: string, signal: AbortSignal): Promise<Outcome> {
  const { settings, logger } = deps;
  if (row.event === SHIPMENT_EVENT && !deps.connectors.shipmentTarget) throw new PermanentFailure(`no shipment targets here for ${row.event}`);
  // Resolved before the store is read: a connector that cannot take this row is a configuration error (retried, then dead).
  const shipments = row.event === SHIPMENT_EVENT ? deps.connectors.shipmentTarget!(connector) : undefined;
  const target: OrderTarget | undefined = row.event === SHIPMENT_EVENT ? undefined : deps.connectors.orderTarget(connector);
  const stored = await loadOrderDocument(deps.store, payload.orderId, settings.timeZone);
  if (!stored) throw new PermanentFailure(`order ${payload.number} (${payload.orderId}) does not exist`);
  const ref = { orderId: payload.orderId, number: payload.number };

  let call: () => Promise<Outcome>;
  if (shipments) {
    call = shipmentCall(shipments, stored, applyOverrides(stored.document, payload.overrides), payload, connector, signal);
  } else if (!target) {
    throw new PermanentFailure(`no delivery for event ${row.event}`);
  } else if (row.event === 'order.approved') {
    const document = applyOverrides(stored.document, payload.overrides);
    call = async () => {
      const found = await target.find(ref, signal);
      if (found) return { kind: 'delivered', how: 'found', ref: found, message: `${connector} has it already as ${found.erpOrderNo}` };
      if (!SENDABLE.has(stored.status)) return { kind: 'delivered', how: 'skipped', ref: null, message: `not sent: the order is ${stored.status}` };
      const created = await target.create(document, signal);
      return { kind: 'delivered', how: 'created', ref: created, message: `created in ${connector} as ${created.erpOrderNo}` };
    };
  } else if (row.event === 'order.cancelled') {
    call = async () => {
      const erpOrderNo = stored.erpOrderNo ?? (await target.find(ref, signal))?.erpOrderNo;
      if (!erpOrderNo) return { kind: 'delivered', how: 'skipped', ref: null, message: `${connector} has no order for it; nothing to cancel` };
      await target.cancel({ ...ref, erpOrderNo }, signal);
      return { kind: 'delivered', how: 'cancelled', ref: { erpOrderNo }, message: `cancelled ERP order ${erpOrderNo} in ${connector}` };
    };
  } else {
    throw new PermanentFailure(`no delivery for event ${row.event}`);
  }

  return pRetry(call, {
    retries: settings.quickRetries,
    factor: 2,
    minTimeout: settings.quickRetryDelayMs,
    maxTimeout: Math.max(settings.quickRetryDelayMs, 5_000),
    randomize: true,
    signal,
    shouldRetry: ({ error }) => !isRejection(error) && !signal.aborted,
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft > 0 && !isRejection(error)) {
        logger.debug({ outboxId: row.id, order: payload.number, try: attemptNumber, retriesLeft, err: error.message }, 'transient delivery failure; quick retry');
      }
    },
  });
}
