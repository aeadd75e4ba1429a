import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { storeDrivers } from '../support/store.js';

describe.each(storeDrivers())('HTTP surface on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(driver, { server: { bodyLimitBytes: 2048 } });
  });
  afterAll(async () => t?.close());

  it('is live and ready', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true }, jobs: { ok: true } } });
  });

  it('points a visitor of / at the API', async () => {
    const index = await t.app.inject({ method: 'GET', url: '/' });
    expect(index.json()).toMatchObject({ service: 'dealer-hub', links: { openapi: '/openapi.json' } });
  });

  it('answers a validation error with 400 naming the field', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/admin/tokens', headers: bearer(t.tokens.admin), payload: { dealer: 42 } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/^body dealer: /) });
    const unknownKey = await t.app.inject({ method: 'POST', url: '/admin/tokens', headers: bearer(t.tokens.admin), payload: { dealr: 'T001' } });
    expect(unknownKey.statusCode).toBe(400);
    expect(JSON.stringify(unknownKey.json())).toContain('dealr');
  });

  it('limits body size and rejects unknown routes as JSON', async () => {
    const large = await t.app.inject({
      method: 'POST',
      url: '/admin/tokens',
      headers: { ...bearer(t.tokens.admin), 'content-type': 'application/json' },
      payload: JSON.stringify({ label: 'x'.repeat(4096) }),
    });
    expect(large.statusCode).toBe(413);
    expect(large.json().error.code).toBe('body_too_large');
    const missing = await t.app.inject({ method: 'GET', url: '/v1/nothing-here?x=1' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toBe('no route GET /v1/nothing-here');
  });

  it('carries a request id from header to response to log line', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { ...bearer(t.tokens.d1), 'x-request-id': 'req-abc-123' } });
    expect(response.headers['x-request-id']).toBe('req-abc-123');
    const lines = t.logs.filter((line) => line.reqId === 'req-abc-123');
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(t.logs)).not.toContain(t.tokens.d1);
  });

  it('exports Prometheus metrics for HTTP and jobs', async () => {
    await t.app.inject({ method: 'GET', url: '/healthz' });
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/dealer_hub_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(metrics.body).toContain('# TYPE dealer_hub_jobs_total counter');
  });

  it('publishes an OpenAPI document of every route', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/me', '/v1/ship-tos/{code}', '/admin/dealers', '/admin/tokens', '/admin/jobs/failed']));
    expect(doc.paths['/admin/tokens'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('dealer');
  });
});
