/**
 * `delivery.confirm` — finishing orders the ERP accepted only provisionally. A target may answer
 * a create (or find) with a provisional ref (`ErpOrderRef.provisional`: EBS's `IFACE:<ref>` while
 * Order Import has not run); record.ts then moves the order approved → released and stores no ERP
 * number. This job asks the target again (`find`) for such orders — `released`, no
 * `erp_order_no`, their create row (`order.approved` → erp) delivered — oldest delivery first, at
 * most `limit` per run, each in its own transaction with the order locked:
 *
 * - a final number → stored, `released → confirmed`, the confirmation announced (record.ts's
 *   confirmWithErpNumber: the WMS row, when one is configured);
 * - a TargetRejection (Order Import refused it) → `released → held` with the `erp_rejected`
 *   finding (record.ts's holdRejected), and the create row goes `rejected` with the ERP's words,
 *   so it can be replayed (POST /admin/outbox/:id/replay approves the order again) once fixed;
 * - still provisional, or nothing found → unchanged (asked again next run; nothing found is logged);
 * - any other error → logged, unchanged (the next run asks again).
 *
 * Orders moved meanwhile (cancelled, confirmed by a TMS event) are left as they are. Runs on
 * `delivery.confirmCron` when an ERP target is configured (daemon.ts), and on demand.
 */
import { z } from 'zod';
import { TargetRejection } from '../connectors/contract.js';
import type { ConnectorHub } from '../connectors/hub.js';
import type { Store } from '../core/db/index.js';
import { UpstreamRejectedError } from '../core/errors.js';
import { defineJob } from '../core/jobs/index.js';
import type { Logger } from '../core/logger.js';
import { lockOrder } from '../orders/transition.js';
import { confirmWithErpNumber, erpRejectedFinding, holdRejected } from './record.js';
import type { DeliverySettings } from './settings.js';
import { confirmationTargets } from './shipments.js';

export const CONFIRM_JOB = 'delivery.confirm';
/** The confirm job's schedule name when the config names none (see daemon.ts). */
export const CONFIRM_SCHEDULE = 'delivery.confirm';
const ERP_TARGET = 'erp';

export interface ConfirmDeps {
  store: Store;
  connectors: Pick<ConnectorHub, 'orderTarget'>;
  settings: Pick<DeliverySettings, 'targets'>;
}

export interface ConfirmReport {
  asked: number;
  confirmed: number;
  held: number;
  pending: number;
  failed: number;
}

interface Waiting {
  id: string;
  number: string;
  outboxId: number;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const isRejection = (error: unknown) => error instanceof TargetRejection || error instanceof UpstreamRejectedError;

export async function confirmProvisional(deps: ConfirmDeps, limit: number, signal: AbortSignal, log: Pick<Logger, 'warn' | 'info'>): Promise<ConfirmReport> {
  const report: ConfirmReport = { asked: 0, confirmed: 0, held: 0, pending: 0, failed: 0 };
  const connector = deps.settings.targets[ERP_TARGET];
  if (!connector) return report;
  const target = deps.connectors.orderTarget(connector);
  const { rows } = await deps.store.query<Waiting>(
    `SELECT o.id, o.number, b.id AS "outboxId" FROM orders o
       JOIN LATERAL (SELECT x.id, x.status, x.delivered_at FROM outbox x
                      WHERE x.aggregate_type = 'order' AND x.aggregate_id = o.id::text AND x.event = 'order.approved' AND x.target = $1
                      ORDER BY x.id DESC LIMIT 1) b ON b.status = 'delivered'
      WHERE o.status = 'released' AND o.erp_order_no IS NULL
      ORDER BY b.delivered_at, o.id LIMIT $2`,
    [ERP_TARGET, limit],
  );
  const actor = `delivery:${connector}`;
  for (const order of rows) {
    signal.throwIfAborted();
    report.asked += 1;
    let answer: Awaited<ReturnType<typeof target.find>> | { rejected: string };
    try {
      answer = await target.find({ orderId: order.id, number: order.number }, signal);
    } catch (error) {
      if (isRejection(error)) {
        answer = { rejected: error instanceof TargetRejection ? error.targetMessage : (error as Error).message };
      } else {
        if (signal.aborted) throw error;
        report.failed += 1;
        log.warn({ err: error, order: order.number, outboxId: order.outboxId, connector }, `could not ask ${connector} for the number of order ${order.number}; asked again next run`);
        continue;
      }
    }
    if (answer === null || ('erpOrderNo' in answer && answer.provisional)) {
      report.pending += 1;
      if (answer === null) log.warn({ order: order.number, outboxId: order.outboxId, connector }, `${connector} has no order ${order.number} although outbox #${order.outboxId} delivered it; it stays released`);
      continue;
    }
    const outcome = answer;
    const done = await deps.store.tx(async (q) => {
      const locked = await lockOrder(q, order.id, null);
      const still = await q.query(`SELECT 1 FROM orders WHERE id = $1 AND status = 'released' AND erp_order_no IS NULL`, [order.id]);
      if (still.rows.length === 0) return null;
      if ('rejected' in outcome) {
        const finding = erpRejectedFinding({ outboxId: order.outboxId, target: ERP_TARGET, connector }, outcome.rejected);
        await holdRejected(q, locked, finding, actor, outcome.rejected);
        await q.query(`UPDATE outbox SET status = 'rejected', last_error = $2, response = $3 WHERE id = $1 AND status = 'delivered'`, [
          order.outboxId,
          clip(`outbox #${order.outboxId} (order.approved of order ${order.number} → ${ERP_TARGET} via ${connector}): refused after delivery: ${outcome.rejected}`, 2000),
          clip(outcome.rejected, 500),
        ]);
        return 'held' as const;
      }
      await confirmWithErpNumber(q, locked, outcome.erpOrderNo, actor, '', confirmationTargets(deps.settings.targets));
      return 'confirmed' as const;
    });
    if (done === 'held') {
      report.held += 1;
      log.warn({ order: order.number, outboxId: order.outboxId, connector }, `${connector} refused order ${order.number} after accepting it; the order is held`);
    } else if (done === 'confirmed') {
      report.confirmed += 1;
      log.info({ order: order.number, outboxId: order.outboxId, connector, erpOrderNo: (outcome as { erpOrderNo: string }).erpOrderNo }, `order ${order.number} confirmed by ${connector}`);
    }
  }
  return report;
}

export function confirmJob(deps: ConfirmDeps) {
  return defineJob({
    name: CONFIRM_JOB,
    payload: z.object({ limit: z.number().int().min(1).max(10_000).default(200) }).strict(),
    // The schedule is the retry: the next run asks again.
    attempts: 1,
    quiet: true,
    async handle({ limit }, ctx) {
      return confirmProvisional(deps, limit, ctx.signal, ctx.logger);
    },
  });
}
