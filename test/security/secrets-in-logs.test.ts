/**
 * Secrets never reach the logs: a daemon configured with a database password in its URL,
 * connector passwords and tokens, a webhook secret and fixed tokens serves requests (good and
 * bad tokens, a forged webhook) and runs syncs that fail against a refusing ERP and an
 * unreachable database; every log line (debug level) is captured and searched for each secret.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorRefinement } from '../../src/connectors/hub.js';
import { CONNECTORS } from '../../src/connectors/registry.js';
import { loadConfig } from '../../src/core/config/index.js';
import { configSchema } from '../../src/core/config/schema.js';
import { createLogger } from '../../src/core/logger.js';
import { startDaemon, type Daemon } from '../../src/daemon.js';
import { adminQuery, storeDrivers } from '../support/store.js';
import { uniqueName } from '../support/services.js';

const SECRETS = {
  dbPassword: 'DbPw-5f1e9c-secret',
  sqlPassword: 'SqlPw-77ab02-secret',
  httpPassword: 'HttpPw-c0ffee-secret',
  tmsToken: 'TmsTok-9d8e7f-secret',
  webhookSecret: 'WhSec-a1b2c3-secret',
  adminToken: 'dh_admin_AdminTok-4e5f6a-secret',
  dealerToken: 'dh_D001_DealerTok-0b1c2d-secret',
};

/** The user-info part of a URL with `password` in it. */
const withPassword = (url: string, password: string) => {
  const u = new URL(url);
  u.username = u.username || 'postgres';
  u.password = password;
  return u.toString();
};

describe.each(storeDrivers())('secrets in logs on %s', (driver) => {
  let daemon: Daemon;
  let erp: Server;
  let dataDir: string | undefined;
  let schema: string | undefined;
  const lines: string[] = [];

  beforeAll(async () => {
    // A fake ERP that refuses every call, echoing nothing of what it got.
    erp = createServer((_req, res) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}'));
    await new Promise<void>((resolve) => erp.listen(0, '127.0.0.1', resolve));
    const erpUrl = `http://127.0.0.1:${(erp.address() as AddressInfo).port}`;
    let database: Record<string, unknown>;
    if (driver === 'pg') {
      schema = uniqueName('t_secrets');
      await adminQuery(process.env.DATABASE_URL!, `CREATE SCHEMA ${schema}`);
      // PostgreSQL here trusts local connections, so the password is carried but not needed.
      database = { url: withPassword(process.env.DATABASE_URL!, SECRETS.dbPassword), schema };
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'dh-secrets-'));
      database = { dataDir };
    }
    // The demo configuration (its data set and schedules), with secrets of every kind added.
    const demo = loadConfig('config/demo.yaml', {}, connectorRefinement(CONNECTORS)).config;
    const config = configSchema.parse({
      ...demo,
      log: { level: 'debug' },
      server: { ...demo.server, host: '127.0.0.1', port: 0, rateLimit: { enabled: false } },
      database,
      demo: { ...demo.demo, enabled: true, tokens: { admin: SECRETS.adminToken, dealers: { D001: SECRETS.dealerToken } } },
      connectors: {
        ...demo.connectors,
        wms: {
          kind: 'http',
          baseUrl: erpUrl,
          auth: { type: 'basic', username: 'hub', password: SECRETS.httpPassword },
          retry: { retries: 0 },
          streams: { stock: { entity: 'stock_lots', mode: 'snapshot', path: '/inventory', records: '$.data', primaryKey: ['id'], mapping: { fields: { sku: { from: 'sku', required: true } } } } },
        },
        tms: {
          kind: 'http',
          baseUrl: erpUrl,
          auth: { type: 'bearer', token: SECRETS.tmsToken },
          tracking: { webhook: { secret: SECRETS.webhookSecret, records: '$' } },
        },
        kingdee: {
          kind: 'sql',
          dialect: 'postgres',
          url: `postgres://erp:${SECRETS.sqlPassword}@127.0.0.1:1/erp`,
          streams: { products: { entity: 'products', query: 'SELECT sku, changed_at FROM items', cursor: { column: 'changed_at', tieBreaker: 'sku' }, primaryKey: ['sku'], mode: 'snapshot' } },
          mappings: { products: { fields: { sku: { from: 'sku', required: true } } } },
        },
      },
    });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    daemon = await startDaemon({ config, roles: ['api', 'worker'], logger: createLogger({ level: 'debug', pretty: false }, sink) });
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop();
    await new Promise((resolve) => erp?.close(resolve));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (schema) await adminQuery(process.env.DATABASE_URL!, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  it('writes none of the configured secrets, whatever the requests and failures', async () => {
    const base = daemon.url!;
    const call = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, init).then(async (r) => ({ status: r.status, text: await r.text() }));
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    expect((await call('/v1/me', { headers: auth(SECRETS.dealerToken) })).status).toBe(200);
    expect((await call('/v1/me', { headers: auth(`${SECRETS.dealerToken}x`) })).status).toBe(401);
    expect((await call('/admin/connectors', { headers: auth(SECRETS.adminToken) })).status).toBe(200);
    expect((await call('/admin/tokens', { method: 'POST', headers: { ...auth(SECRETS.adminToken), 'content-type': 'application/json' }, body: JSON.stringify({ dealer: 'D001', label: 'x' }) })).status).toBe(201);
    const forged = await call('/webhooks/tms/tms', { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': 'ab'.repeat(32), 'x-timestamp': String(Date.now()) }, body: '{"tracking_code":"T1"}' });
    expect(forged.status).toBe(401);
    for (const [connector, stream] of [['wms', 'stock'], ['kingdee', 'products']]) {
      const started = await call(`/admin/connectors/${connector}/sync/${stream}`, { method: 'POST', headers: auth(SECRETS.adminToken) });
      expect(started.status, started.text).toBeLessThan(300);
    }
    // The syncs fail (401 from the ERP, connection refused by the database); wait for both to be logged.
    const failed = () => lines.filter((l) => /"level":(40|50)/.test(l) && /wms|kingdee/.test(l));
    for (let i = 0; i < 100 && failed().length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(failed().length).toBeGreaterThanOrEqual(2);

    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const [name, secret] of Object.entries(SECRETS)) expect(text.includes(secret), `${name} appears in the logs`).toBe(false);
    // The Basic credentials as they travel (base64) do not appear either.
    expect(text).not.toContain(Buffer.from(`hub:${SECRETS.httpPassword}`).toString('base64'));
  }, 60_000);
});

describe('log redaction', () => {
  it('masks credentials wherever a logged object carries them', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: 'info', pretty: false }, sink);
    logger.info({ req: { headers: { authorization: 'Bearer r1-secret' } }, options: { password: 'r2-secret', clientSecret: 'r3-secret', token: 'r4-secret' } }, 'one');
    logger.error({ err: { message: 'boom', config: { auth: { username: 'u', password: 'r5-secret' }, headers: { Authorization: 'Basic r6-secret' } } } }, 'two');
    const text = lines.join('');
    expect(text).toContain('[redacted]');
    for (const n of [1, 2, 3, 4, 5, 6]) expect(text).not.toContain(`r${n}-secret`);
  });
});
