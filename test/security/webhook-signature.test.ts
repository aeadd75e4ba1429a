/**
 * TMS webhook signatures are compared with crypto.timingSafeEqual (constant time), never with
 * === or Buffer.equals, so a forger learns nothing from response times. The comparison is
 * observed through a spy on node:crypto, and the verdicts are checked on real HMACs.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ timingSafeEqual: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      calls.timingSafeEqual++;
      return real.timingSafeEqual(a, b);
    },
  };
});

const { trackingFieldsSchema, trackingStatusesSchema, trackingWebhookSchema } = await import('../../src/connectors/http/outbound-options.js');
const { createTrackingWebhook, statusMapper } = await import('../../src/connectors/http/tracking.js');

const SECRET = 'whsec_constant_time_test';
const webhook = createTrackingWebhook(trackingWebhookSchema.parse({ secret: SECRET }), trackingFieldsSchema.parse({}), statusMapper(trackingStatusesSchema.parse({})));
const now = new Date('2026-11-24T10:00:00Z');
const body = Buffer.from(JSON.stringify({ id: 'evt_1', result: { tracking_code: 'T1', status: 'delivered' } }));
const sign = (b: Buffer, secret = SECRET) => createHmac('sha256', secret).update(b).digest('hex');
const headers = (signature: string) => ({ 'x-signature': signature, 'x-timestamp': String(Math.floor(now.getTime() / 1000)) });

describe('TMS webhook signature check', () => {
  it('accepts the right HMAC through timingSafeEqual', () => {
    calls.timingSafeEqual = 0;
    expect(webhook.verify({ body, headers: headers(sign(body)) }, now)).toMatchObject({ ok: true, deliveryId: 'evt_1' });
    expect(calls.timingSafeEqual).toBeGreaterThanOrEqual(1);
  });

  it('refuses a wrong HMAC of the right length, also through timingSafeEqual, and a tampered body', () => {
    calls.timingSafeEqual = 0;
    const wrong = sign(body, 'another-secret');
    expect(webhook.verify({ body, headers: headers(wrong) }, now)).toMatchObject({ ok: false, reason: expect.stringContaining('does not match') });
    expect(calls.timingSafeEqual).toBe(1);
    const tampered = Buffer.from(body.toString().replace('delivered', 'in_transit'));
    expect(webhook.verify({ body: tampered, headers: headers(sign(body)) }, now).ok).toBe(false);
  });

  it('refuses signatures of another length or encoding without comparing (timingSafeEqual would throw)', () => {
    calls.timingSafeEqual = 0;
    for (const signature of [sign(body).slice(0, 63), `${sign(body)}00`, 'sha256=', 'zz'.repeat(32), ' ']) {
      expect(webhook.verify({ body, headers: headers(signature) }, now).ok).toBe(false);
    }
    expect(calls.timingSafeEqual).toBe(0);
  });
});
