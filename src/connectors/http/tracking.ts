/**
 * The http connector's tracking source (`tracking:`): tracking records — shaped like an EasyPost
 * Tracker (`tracking_code`, `carrier`, `status`, `updated_at`) unless `fields` say otherwise — read
 * per shipment (`poll`) or pushed in a signed webhook (`webhook`), mapped to TrackingEvents.
 *
 * Webhook verification: HMAC-SHA256 with the connector's secret over the raw body (or
 * "<timestamp>.<raw body>"), compared in constant time with the signature header (hex or base64,
 * an optional `name=` prefix, several comma-separated values for key rotation); the timestamp
 * header must be within ±toleranceSeconds of now. The delivery id (a header, a body field, or
 * the body's SHA-256) is what the receiver remembers to refuse replays.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { UpstreamRejectedError } from '../../core/errors.js';
import type { TrackingEvent, TrackingSource, TrackingStatus, TrackingWebhook, WebhookDelivery, WebhookVerdict } from '../contract.js';
import { fieldAt } from '../shared/aggregate.js';
import type { HttpClient } from '../shared/client.js';
import { evaluateJsonPath, selectRecords, selectScalar } from './json-path.js';
import { fillTemplate, type TrackingOptions } from './outbound-options.js';

type Fields = TrackingOptions['fields'];
type WebhookOptions = NonNullable<TrackingOptions['webhook']>;

function scalar(value: unknown): string | null {
  if (value === null || value === undefined || typeof value === 'object') return null;
  const text = String(value).trim();
  return text === '' ? null : text;
}

/** A field of `record` (`a.b`), or from the body's root (`$…`); a list: the first with a value. */
function read(body: unknown, record: Record<string, unknown>, spec: string | string[]): string | null {
  for (const path of Array.isArray(spec) ? spec : [spec]) {
    const value = path.startsWith('$') ? evaluateJsonPath(body, path)[0] : fieldAt(record, path);
    const text = scalar(value);
    if (text !== null) return text;
  }
  return null;
}

/** ISO 8601, or epoch seconds / milliseconds. */
export function parseInstant(value: string | null): Date | null {
  if (value === null) return null;
  if (/^\d{9,11}(\.\d+)?$/.test(value)) return new Date(Number(value) * 1000);
  if (/^\d{12,14}$/.test(value)) return new Date(Number(value));
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : new Date(at);
}

export function statusMapper(statuses: TrackingOptions['statuses']): (raw: string | null) => TrackingStatus | null {
  const byWord = new Map<string, TrackingStatus>();
  for (const status of ['picked_up', 'in_transit', 'delivered'] as const) for (const word of statuses[status]) byWord.set(word.toLowerCase(), status);
  return (raw) => (raw === null ? null : (byWord.get(raw.toLowerCase()) ?? null));
}

export function trackingEvents(body: unknown, recordsPath: string, fields: Fields, mapStatus: (raw: string | null) => TrackingStatus | null): TrackingEvent[] {
  return selectRecords(body, recordsPath).map((record) => {
    const rawStatus = read(body, record, fields.status);
    return {
      reference: read(body, record, fields.reference),
      carrier: read(body, record, fields.carrier),
      trackingNumber: read(body, record, fields.trackingNumber),
      status: mapStatus(rawStatus),
      rawStatus: rawStatus ?? '',
      occurredAt: parseInstant(read(body, record, fields.occurredAt)),
    };
  });
}

function header(headers: WebhookDelivery['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

/** The signature candidates in a header value: each comma/space-separated part, with and without a `name=` prefix. */
function signatures(value: string, encoding: WebhookOptions['encoding']): Buffer[] {
  const decoded: Buffer[] = [];
  for (const part of value.split(/[\s,]+/).filter(Boolean)) {
    const eq = part.indexOf('=');
    for (const candidate of eq > 0 ? [part, part.slice(eq + 1)] : [part]) {
      if (encoding === 'hex' ? /^[0-9a-f]{64}$/i.test(candidate) : /^[A-Za-z0-9+/_-]{43}=?$/.test(candidate)) {
        decoded.push(Buffer.from(candidate, encoding === 'hex' ? 'hex' : 'base64'));
      }
    }
  }
  return decoded;
}

export function createTrackingWebhook(options: WebhookOptions, fields: Fields, mapStatus: (raw: string | null) => TrackingStatus | null): TrackingWebhook {
  return {
    verify({ body, headers }, now): WebhookVerdict {
      const stamp = header(headers, options.timestampHeader);
      if (!stamp) return { ok: false, reason: `missing ${options.timestampHeader} header` };
      const signature = header(headers, options.signatureHeader);
      if (!signature) return { ok: false, reason: `missing ${options.signatureHeader} header` };
      const signed = options.signed === 'body' ? body : Buffer.concat([Buffer.from(`${stamp}.`, 'utf8'), body]);
      const expected = createHmac('sha256', options.secret).update(signed).digest();
      if (!signatures(signature, options.encoding).some((given) => given.length === expected.length && timingSafeEqual(given, expected))) {
        return { ok: false, reason: `the ${options.signatureHeader} signature does not match the body` };
      }
      const at = parseInstant(stamp);
      if (!at) return { ok: false, reason: `unreadable ${options.timestampHeader}: ${stamp.slice(0, 40)}` };
      const skew = Math.abs(now.getTime() - at.getTime()) / 1000;
      if (skew > options.toleranceSeconds) return { ok: false, reason: `${options.timestampHeader} is ${Math.round(skew)} s from now (allowed ±${options.toleranceSeconds} s)` };
      let deliveryId = options.deliveryIdHeader ? header(headers, options.deliveryIdHeader) : undefined;
      if (!deliveryId) {
        try {
          deliveryId = selectScalar(JSON.parse(body.toString('utf8')), options.deliveryId);
        } catch {
          // not JSON: parse() says so; the body's digest names the delivery meanwhile
        }
      }
      return { ok: true, deliveryId: deliveryId?.slice(0, 200) ?? `sha256:${createHash('sha256').update(body).digest('hex')}` };
    },
    parse(body) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch (error) {
        throw new Error(`the body is not JSON: ${(error as Error).message}`);
      }
      return trackingEvents(parsed, options.records, fields, mapStatus);
    },
  };
}

/** `client` must treat 404 as an answer (no such shipment: no news), not as a configuration error. */
export function createTrackingSource(options: TrackingOptions, client: HttpClient): TrackingSource {
  const mapStatus = statusMapper(options.statuses);
  const { poll } = options;
  const source: TrackingSource = {};
  if (poll) {
    source.track = async (query, signal) => {
      try {
        const response = await client.get(fillTemplate(poll.path, { ...query }), signal);
        return trackingEvents(response.data, poll.records, options.fields, mapStatus);
      } catch (error) {
        if (error instanceof UpstreamRejectedError && error.details?.status === 404) return [];
        throw error;
      }
    };
  }
  if (options.webhook) source.webhook = createTrackingWebhook(options.webhook, options.fields, mapStatus);
  return source;
}
