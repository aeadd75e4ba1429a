/**
 * The server's defences, on real sockets where it matters: security headers on every kind of
 * response, HSTS only over TLS, oversized bodies (413), deep JSON (400), slow clients cut off,
 * and rate limits per address and per token (429 with Retry-After), shared through Redis.
 */
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { REDIS_URL } from '../support/redis.js';
import { describeWith, uniqueName } from '../support/services.js';
import { storeDrivers } from '../support/store.js';

/** Opens a socket, runs `feed`, and resolves with what the server sent and when it closed (ms). */
function rawExchange(port: number, feed: (socket: Socket) => void): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ text, closedAfterMs: Date.now() - started }));
    socket.on('connect', () => feed(socket));
  });
}

describe.each(storeDrivers())('HTTP defences on %s', (driver) => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp(driver, {
      server: { trustProxy: true, requestTimeoutMs: 1_500, headersTimeoutMs: 1_000, rateLimit: { perIp: 25, perToken: 10, windowMs: 60_000, ipAllowList: [] } },
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => t?.close());

  // Each test names its own client address (X-Forwarded-For, trusted here), so budgets do not mix.
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('sends the security headers on the portal, the API, errors and 404s', async () => {
    for (const [url, headers] of [
      ['/', {}],
      ['/v1/me', bearer(t.tokens.d1)],
      ['/v1/me', {}],
      ['/no/such/route', {}],
    ] as const) {
      const response = await t.app.inject({ method: 'GET', url, headers: { ...headers, ...from('10.0.0.1') } });
      const csp = String(response.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('adds Strict-Transport-Security only when the request came over TLS', async () => {
    const tls = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-proto': 'https', ...from('10.0.0.2') } });
    expect(tls.headers['strict-transport-security']).toBe('max-age=15552000; includeSubDomains');
  });

  it('refuses an oversized body with 413 and deeply nested JSON with 400, in the error shape', async () => {
    const big = await t.app.inject({
      method: 'POST',
      url: '/v1/quotes',
      headers: { ...bearer(t.tokens.d1), ...from('10.0.0.3'), 'content-type': 'application/json' },
      payload: JSON.stringify({ shipTo: 'T001-01', lines: [{ sku: 'x', qty: 1 }], note: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('body_too_large');
    for (const deep of ['['.repeat(200_000) + ']'.repeat(200_000), '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)]) {
      const response = await t.app.inject({ method: 'POST', url: '/v1/quotes', headers: { ...bearer(t.tokens.d1), ...from('10.0.0.4'), 'content-type': 'application/json' }, payload: deep });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    }
    const alive = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(alive.statusCode).toBe(200);
  });

  it('cuts off a client that trickles its headers, one that trickles its body, and one that sends nothing', async () => {
    const trickle = (socket: Socket, chunks: string[], everyMs: number) => {
      const timer = setInterval(() => {
        const next = chunks.shift();
        if (next === undefined || socket.destroyed) return clearInterval(timer);
        socket.write(next);
      }, everyMs);
      socket.on('close', () => clearInterval(timer));
    };
    const headers = rawExchange(port, (s) => trickle(s, [...'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'y'.repeat(200)], 100));
    const body = rawExchange(port, (s) => {
      s.write(`POST /v1/quotes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.tokens.d1}\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n`);
      trickle(s, [...'{"shipTo":"T001-01","lines":[' + ' '.repeat(370)], 100);
    });
    const silent = rawExchange(port, () => undefined);
    for (const result of await Promise.all([headers, body, silent])) {
      // The deadlines are 1 s (headers) and 1.5 s (whole request), checked every 250 ms.
      expect(result.closedAfterMs).toBeLessThan(4_000);
      if (result.text) expect(result.text).toMatch(/^HTTP\/1\.1 408/);
    }
    expect((await body).text).toMatch(/^HTTP\/1\.1 408/);
  }, 20_000);

  it('answers 429 with Retry-After past the per-address budget, while another address goes on', async () => {
    const statuses: number[] = [];
    let limited;
    for (let i = 0; i < 27; i++) {
      const response = await t.app.inject({ method: 'GET', url: '/', headers: from('10.0.1.1') });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) limited = response;
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(25);
    expect(statuses.slice(25)).toEqual([429, 429]);
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited!.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited!.json().error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('client address') });
    expect(limited!.headers['content-security-policy']).toBeDefined();
    expect((await t.app.inject({ method: 'GET', url: '/', headers: from('10.0.1.2') })).statusCode).toBe(200);
    // Probes are never limited.
    expect((await t.app.inject({ method: 'GET', url: '/healthz', headers: from('10.0.1.1') })).statusCode).toBe(200);
  });

  it('answers 429 past the per-token budget, from any number of addresses; other tokens go on', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await t.app.inject({ method: 'GET', url: '/v1/me', headers: { ...bearer(t.tokens.d2), ...from(`10.0.2.${i}`) } })).statusCode);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const other = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { ...bearer(t.tokens.admin), ...from('10.0.2.99') } });
    expect(other.statusCode).toBe(200);
    expect(other.headers['x-ratelimit-limit']).toBe('10');
  });
});

describe('rate-limit defaults', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(async () => t?.close());

  it('exempt loopback from the per-address budget, and leave the per-token one generous', async () => {
    const responses = await Promise.all(Array.from({ length: 60 }, () => t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(t.tokens.d1) })));
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    expect(responses.at(-1)!.headers['x-ratelimit-limit']).toBe('3000');
  });
});

describeWith(['redis'], 'rate limits shared through Redis', () => {
  let one: TestApp;
  let two: TestApp;
  const prefix = uniqueName('dh_rl');
  beforeAll(async () => {
    const config = { redis: { url: REDIS_URL, prefix }, server: { trustProxy: true, rateLimit: { perIp: 6, perToken: 1000, ipAllowList: [] } } };
    one = await createTestApp('pglite', config);
    two = await createTestApp('pglite', config);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  it('counts one client across two replicas', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await (i % 2 ? one : two).app.inject({ method: 'GET', url: '/', headers: { 'x-forwarded-for': '10.9.9.9' } })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
  });
});
