/**
 * `POST /webhooks/tms/:connector` — a TMS pushes tracking events. No bearer token: the delivery
 * is authenticated by its HMAC-SHA256 signature over the raw body with the connector's secret
 * (`tracking.webhook`), its timestamp must be within the window, and its delivery id must be new
 * (remembered per connector in tms_webhook_deliveries, in the transaction that applies it).
 *
 * 200 applied (or nothing to apply) · 202 applied, and some event matched no order (recorded as
 * `unmatched`) · 200 `{ duplicate: true }` a delivery id seen before: nothing done, so a TMS that
 * retries stops · 401 signature missing or wrong, timestamp missing or outside the window ·
 * 400 a verified body that is not tracking JSON · 404 no such connector, or one without a webhook.
 */
import { z } from 'zod';
import type { TrackingSource } from '../../connectors/contract.js';
import { ConfigError, NotFoundError, UserError } from '../../core/errors.js';
import type { RouteModule } from '../../core/http/server.js';
import { applyTrackingEvent, isTrackingRecord, type AppliedTracking } from '../../delivery/tracking.js';
import { errorResponse } from '../schemas.js';

const applied = z.object({
  outcome: z.enum(['shipped', 'delivered', 'no_change', 'ignored', 'unmatched', 'duplicate']),
  order: z.string().nullable(),
  status: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  message: z.string(),
});
const answer = z.object({ deliveryId: z.string(), duplicate: z.boolean(), events: z.array(applied) });

const view = (a: AppliedTracking) => ({ outcome: a.outcome, order: a.number, status: a.status, trackingNumber: a.trackingNumber, message: a.message });

export const tmsWebhookRoutes: RouteModule = {
  prefix: '',
  audience: 'public',
  register(app, { store, connectors, logger }) {
    // The signature covers the raw bytes: keep them (this scope only), whatever the content type.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    app.post(
      '/webhooks/tms/:connector',
      {
        schema: {
          summary: 'Tracking events pushed by a TMS (HMAC-signed; no bearer token)',
          tags: ['webhooks'],
          security: [],
          params: z.object({ connector: z.string().min(1).max(64) }),
          response: { 200: answer, 202: answer, 400: errorResponse, 401: errorResponse, 404: errorResponse },
        },
      },
      async (request, reply) => {
        const { connector } = request.params;
        let source: TrackingSource;
        try {
          source = connectors.trackingSource(connector);
        } catch (error) {
          if (error instanceof ConfigError || error instanceof NotFoundError) throw new NotFoundError(`no TMS webhook for connector ${connector}`);
          throw error;
        }
        const webhook = source.webhook;
        if (!webhook) throw new NotFoundError(`no TMS webhook for connector ${connector} (add tracking.webhook)`);
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const verdict = webhook.verify({ body, headers: request.headers }, new Date());
        if (!verdict.ok) {
          request.log.warn({ connector, reason: verdict.reason }, 'TMS webhook refused');
          return reply.code(401).send({ error: { code: 'invalid_signature', message: `webhook refused: ${verdict.reason}`, requestId: String(request.id) } });
        }
        let events;
        try {
          events = webhook.parse(body).filter(isTrackingRecord);
        } catch (error) {
          throw new UserError(`webhook body from ${connector}: ${(error as Error).message}`, { code: 'invalid_webhook' }, 400);
        }
        const now = new Date();
        const results = await store.tx(async (q) => {
          const fresh = await q.query(`INSERT INTO tms_webhook_deliveries (connector, delivery_id, events) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
            connector,
            verdict.deliveryId,
            events.length,
          ]);
          if (fresh.rowCount === 0) return null;
          const out: AppliedTracking[] = [];
          for (const event of events) out.push(await applyTrackingEvent(q, { connector, source: 'webhook', now }, event));
          return out;
        });
        if (results === null) {
          request.log.info({ connector, deliveryId: verdict.deliveryId }, 'TMS webhook delivery seen before; nothing done');
          return reply.code(200).send({ deliveryId: verdict.deliveryId, duplicate: true, events: [] });
        }
        const moved = results.filter((r) => r.outcome === 'shipped' || r.outcome === 'delivered');
        if (moved.length > 0 || results.some((r) => r.outcome === 'unmatched' || r.outcome === 'ignored')) {
          logger.info({ connector, deliveryId: verdict.deliveryId, events: results.map((r) => `${r.number ?? '?'}:${r.outcome}`) }, 'TMS webhook applied');
        }
        const unmatched = results.some((r) => r.outcome === 'unmatched');
        return reply.code(unmatched ? 202 : 200).send({ deliveryId: verdict.deliveryId, duplicate: false, events: results.map(view) });
      },
    );
  },
};
