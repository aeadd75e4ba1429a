/**
 * `tms.poll` — polling a TMS for orders that shipped and are not delivered yet: up to `limit`
 * shipped orders reported by this connector (or by none), least recently polled first, each
 * asked about with `tracking.poll` and its events applied in one transaction (tracking.ts: the
 * same rules as the webhook). Schedule it in the config:
 *
 * ```yaml
 * schedules:
 *   tms-poll: { cron: "0 *\/15 * * * *", job: tms.poll, payload: { connector: tms } }
 * ```
 *
 * A shipment the TMS cannot answer for (timeout, 5xx, a 4xx about that shipment) is skipped
 * until the next run; a configuration error (credentials, no `tracking.poll`) fails the run.
 */
import { z } from 'zod';
import type { TrackingEvent } from '../connectors/contract.js';
import type { ConnectorHub } from '../connectors/hub.js';
import type { Store } from '../core/db/index.js';
import { ConfigError } from '../core/errors.js';
import { defineJob } from '../core/jobs/index.js';
import { applyTrackingEvent, isTrackingRecord, type TrackingOutcome } from './tracking.js';

export const TRACKING_POLL_JOB = 'tms.poll';

export interface TrackingPollDeps {
  store: Store;
  connectors: Pick<ConnectorHub, 'trackingSource'>;
  now?: () => Date;
}

export interface TrackingPollReport {
  polled: number;
  failed: number;
  outcomes: Partial<Record<TrackingOutcome, number>>;
}

const byTime = (a: TrackingEvent, b: TrackingEvent) => (a.occurredAt?.getTime() ?? Infinity) - (b.occurredAt?.getTime() ?? Infinity);

export async function pollTracking(deps: TrackingPollDeps, connector: string, limit: number, signal: AbortSignal, log: { warn(obj: object, msg: string): void }): Promise<TrackingPollReport> {
  const source = deps.connectors.trackingSource(connector);
  const track = source.track;
  if (!track) throw new ConfigError(`connector ${connector} cannot be polled for tracking (add tracking.poll)`);
  const now = deps.now ?? (() => new Date());
  const { rows } = await deps.store.query<{ id: string; number: string; erpOrderNo: string | null; carrier: string | null; trackingNumber: string | null }>(
    `SELECT id, number, erp_order_no AS "erpOrderNo", carrier, tracking_number AS "trackingNumber" FROM orders
      WHERE status = 'shipped' AND (tms_connector = $1 OR tms_connector IS NULL)
      ORDER BY tracking_polled_at NULLS FIRST, shipped_at, id LIMIT $2`,
    [connector, limit],
  );
  const report: TrackingPollReport = { polled: 0, failed: 0, outcomes: {} };
  for (const order of rows) {
    signal.throwIfAborted();
    let events: TrackingEvent[];
    try {
      events = (await track.call(source, { orderId: order.id, number: order.number, erpOrderNo: order.erpOrderNo, carrier: order.carrier, trackingNumber: order.trackingNumber }, signal))
        .filter(isTrackingRecord)
        .sort(byTime);
    } catch (error) {
      if (signal.aborted || error instanceof ConfigError) throw error;
      report.failed += 1;
      log.warn({ err: error, order: order.number, connector }, `tracking of order ${order.number} from ${connector} failed; asked again next run`);
      await deps.store.query(`UPDATE orders SET tracking_polled_at = now() WHERE id = $1`, [order.id]);
      continue;
    }
    await deps.store.tx(async (q) => {
      for (const event of events) {
        const applied = await applyTrackingEvent(q, { connector, source: 'poll', now: now(), orderId: order.id }, event);
        report.outcomes[applied.outcome] = (report.outcomes[applied.outcome] ?? 0) + 1;
      }
      await q.query(`UPDATE orders SET tracking_polled_at = now() WHERE id = $1`, [order.id]);
    });
    report.polled += 1;
  }
  return report;
}

export function trackingPollJob(deps: TrackingPollDeps) {
  return defineJob({
    name: TRACKING_POLL_JOB,
    payload: z.object({ connector: z.string().min(1), limit: z.number().int().min(1).max(10_000).default(200) }).strict(),
    // The schedule is the retry: the next run asks again.
    attempts: 1,
    async handle({ connector, limit }, ctx) {
      return pollTracking(deps, connector, limit, ctx.signal, ctx.logger);
    },
  });
}
