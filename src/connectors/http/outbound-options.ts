/**
 * Options of the http connector's outbound sides (issue 6): `shipments:` — outbound-order
 * requests to a WMS — and `tracking:` — shipment tracking from a TMS, polled per shipment and/or
 * pushed by a signed webhook. Paths are templates: `{number}`, `{orderId}`, `{erpOrderNo}`,
 * `{carrier}`, `{trackingNumber}` are filled in URL-encoded.
 */
import { z } from 'zod';
import { parseJsonPath } from './json-path.js';

const jsonPath = z.string().superRefine((path, ctx) => {
  try {
    parseJsonPath(path);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/** A path with `{name}` placeholders, each one of `names`. */
const template = (names: readonly string[]) =>
  z
    .string()
    .min(1)
    .superRefine((path, ctx) => {
      for (const [, name] of path.matchAll(/\{([^}]*)\}/g)) {
        if (!names.includes(name!)) ctx.addIssue({ code: 'custom', message: `unknown placeholder {${name}} in "${path}"; use ${names.map((n) => `{${n}}`).join(', ')}` });
      }
    });

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected an HTTP header name');

export const shipmentsSchema = z
  .object({
    path: template(['number', 'orderId']).describe('Where a new outbound order is POSTed, e.g. /v1/outbound-orders.'),
    response: jsonPath.default('$').describe('Where the created outbound order is in the answer, e.g. $.data.'),
    id: z.string().min(1).default('id').describe("The WMS's id field of an outbound order (in the answer and in looked-up records; a.b allowed)."),
    lookup: z
      .object({
        path: template(['number', 'orderId']).describe('GET path finding the outbound order of our number, e.g. /v1/outbound-orders?reference={number}.'),
        records: jsonPath.default('$').describe('Where the found outbound orders are in the answer, e.g. $.data.'),
        match: z.string().min(1).default('orderNumber').describe('Record field that must equal our order number (a WMS that ignores the filter returns others).'),
      })
      .strict()
      .optional()
      .describe('Asked before every request: an outbound order already there for our number is not requested again. A 404 means none.'),
    idempotencyHeader: headerName.optional().describe('Header carrying our order number as an idempotency key the WMS honours, e.g. Idempotency-Key.'),
    addFields: z.record(z.string(), scalar).default({}).describe('Constant fields added to every request body (owner, client code).'),
  })
  .strict()
  .superRefine((shipments, ctx) => {
    if (!shipments.lookup && !shipments.idempotencyHeader) {
      ctx.addIssue({ code: 'custom', message: 'shipments need lookup or idempotencyHeader (or both): without either, a retry after a timeout could request a second outbound order' });
    }
  });
export type ShipmentsOptions = z.infer<typeof shipmentsSchema>;

/** A record field: `a.b` inside the record, `$…` a JSON path from the body's root; a list: the first that has a value. */
const field = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const trackingFieldsSchema = z
  .object({
    reference: field.default('reference').describe('Our order number (or id) as the TMS carries it (EasyPost/ShipEngine shipment reference, Karrio metadata).'),
    carrier: field.default('carrier'),
    trackingNumber: field.default('tracking_code'),
    status: field.default('status'),
    occurredAt: field.default('updated_at').describe('When the status was reached (ISO 8601 or epoch seconds/ms).'),
  })
  .strict();

/** TMS status words (compared case-insensitively) per tracking state; any other word moves nothing. */
export const trackingStatusesSchema = z
  .object({
    picked_up: z.array(z.string().min(1)).default(['picked_up', 'AC']),
    in_transit: z.array(z.string().min(1)).default(['in_transit', 'out_for_delivery', 'available_for_pickup', 'ready_for_pickup', 'delivery_delayed', 'IT', 'AT']),
    delivered: z.array(z.string().min(1)).default(['delivered', 'DE']),
  })
  .strict();

export const trackingWebhookSchema = z
  .object({
    secret: z.string().min(1, 'must not be empty (use ${ENV_VAR})').describe('HMAC-SHA256 key shared with the TMS; put it in ${ENV_VAR}.'),
    signatureHeader: headerName.default('X-Signature').describe('Header with the signature: hex or base64, optionally prefixed (sha256=…); several comma-separated are tried.'),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    signed: z
      .enum(['body', 'timestamp.body'])
      .default('body')
      .describe('What the HMAC covers: the raw body, or "<timestamp header>.<raw body>" (then the timestamp cannot be altered either).'),
    timestampHeader: headerName.default('X-Timestamp').describe('Header with the time the TMS sent the delivery (epoch seconds or ms, or ISO 8601).'),
    toleranceSeconds: z.number().int().min(1).max(86_400).default(300).describe('Deliveries whose timestamp is further from now are refused (401).'),
    deliveryIdHeader: headerName.optional().describe('Header naming the delivery (e.g. X-Webhook-Id); else deliveryId in the body.'),
    deliveryId: jsonPath.default('$.id').describe('Where the delivery id is in the body (when no header names it); without one, the SHA-256 of the body.'),
    records: jsonPath.default('$.result').describe('Where the tracking record(s) are in a webhook body: $.result for an EasyPost event, $ for a flat body.'),
  })
  .strict();

export const trackingSchema = z
  .object({
    poll: z
      .object({
        path: template(['number', 'orderId', 'erpOrderNo', 'carrier', 'trackingNumber']).describe('GET path of one shipment, e.g. /v2/trackers?tracking_code={trackingNumber}.'),
        records: jsonPath.default('$').describe('Where the tracking record(s) are in the answer, e.g. $.trackers.'),
      })
      .strict()
      .optional()
      .describe('Polling (job tms.poll): one GET per shipped order; a 404 means no news.'),
    webhook: trackingWebhookSchema.optional().describe('A signed webhook at POST /webhooks/tms/<connector>.'),
    fields: trackingFieldsSchema.default(trackingFieldsSchema.parse({})),
    statuses: trackingStatusesSchema.default(trackingStatusesSchema.parse({})),
  })
  .strict()
  .superRefine((tracking, ctx) => {
    if (!tracking.poll && !tracking.webhook) ctx.addIssue({ code: 'custom', message: 'tracking needs poll or webhook (or both)' });
  });
export type TrackingOptions = z.infer<typeof trackingSchema>;

/** `path` with its placeholders filled in, URL-encoded (missing values become empty). */
export function fillTemplate(path: string, values: Record<string, string | null | undefined>): string {
  return path.replace(/\{([^}]*)\}/g, (_all, name: string) => encodeURIComponent(values[name] ?? ''));
}
