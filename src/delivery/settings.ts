/**
 * Delivery settings as the relay and the deliver job use them, from the `delivery:` and
 * `ordering:` sections of the config, and the wait between attempts.
 */
import type { ConnectorHub } from '../connectors/hub.js';
import { ConfigError } from '../core/errors.js';
import type { AppConfig } from '../core/config/schema.js';
import { CREDIT_TARGET } from '../core/config/schema-credit-risk.js';

export interface DeliverySettings {
  /** Outbox target (erp, wms, edi, credit) → connector name (only targets listed here are delivered). */
  targets: Readonly<Record<string, string>>;
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  quickRetries: number;
  quickRetryDelayMs: number;
  leaseMs: number;
  batchSize: number;
  relayCron: string;
  /** When `delivery.confirm` runs (orders the ERP accepted provisionally; confirm.ts). */
  confirmCron: string;
  /** The business time zone: the order date sent to the ERP is a date there. */
  timeZone: string;
}

export function deliverySettings(config: Pick<AppConfig, 'delivery' | 'ordering'> & Partial<Pick<AppConfig, 'edi' | 'credit'>>): DeliverySettings {
  const { erp, wms, ...rest } = config.delivery;
  const targets: Record<string, string> = {};
  if (erp) targets.erp = erp.connector;
  if (wms) targets.wms = wms.connector;
  // EDI documents go to the partners' folders and endpoints (src/edi/transport/deliver.ts).
  if (config.edi?.partners.some((p) => p.outbound)) targets.edi = 'edi';
  // Credit-limit changes (src/credit/deliver.ts), when credit.writeBack names a connector.
  const creditConnector = config.credit?.writeBack?.connector;
  if (creditConnector) targets[CREDIT_TARGET] = creditConnector;
  return { ...rest, targets, timeZone: config.ordering.timeZone };
}

/**
 * Each delivery target's connector offers what the target needs (an order target for `erp`, a
 * shipment target for `wms`); ConfigError otherwise. The daemon refuses to start on it.
 */
export function checkDeliveryTarget(
  connectors: Pick<ConnectorHub, 'orderTarget' | 'shipmentTarget'> & Partial<Pick<ConnectorHub, 'creditTarget'>>,
  target: string,
  connector: string,
): string {
  if (target === 'edi') return 'EDI documents go to the trading partners\' folders and endpoints';
  if (target === CREDIT_TARGET) {
    if (!connectors.creditTarget) throw new ConfigError(`credit.writeBack.connector: no credit-limit targets here for connector ${connector}`);
    connectors.creditTarget(connector);
    return `credit-limit changes go to connector ${connector}`;
  }
  if (target === 'wms') {
    connectors.shipmentTarget(connector);
    return `shipment requests go to connector ${connector}`;
  }
  connectors.orderTarget(connector);
  return `orders go to connector ${connector}`;
}

/**
 * Wait after failed attempt `attempt` (1-based), in ms: backoffMs · 2^(attempt−1), randomised
 * ×0.5–1.5 (so rows that failed together do not come back together), at most maxBackoffMs.
 */
export function retryDelayMs(settings: Pick<DeliverySettings, 'backoffMs' | 'maxBackoffMs'>, attempt: number, random: () => number = Math.random): number {
  const base = settings.backoffMs * 2 ** Math.max(0, attempt - 1);
  return Math.round(Math.min(settings.maxBackoffMs, base * (0.5 + random())));
}

/**
 * How long one attempt may run before it gives up: the lease less a margin (a fifth, at most
 * 10 s) in which the outcome is recorded, so a live worker never overruns its own lease.
 */
export function attemptDeadlineMs(leaseMs: number): number {
  return Math.max(500, leaseMs - Math.min(leaseMs / 5, 10_000));
}
