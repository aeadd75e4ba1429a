import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, issueToken } from '../../src/core/auth/tokens.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { storeDrivers } from '../support/store.js';

describe.each(storeDrivers())('authentication and scoping on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(driver);
  });
  afterAll(async () => t?.close());

  it('answers 401 with a Bearer challenge when no token is sent', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/me' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json().error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('Authorization') });
  });

  it('rejects a malformed header and an unknown token', async () => {
    const malformed = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Token ${t.tokens.d1}` } });
    expect(malformed.statusCode).toBe(401);
    const unknown = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer('dh_T001_not-a-real-token') });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.message).toBe('unknown or revoked token');
  });

  it('tells a dealer and an admin who they are', async () => {
    const dealer = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(t.tokens.d1) });
    expect(dealer.statusCode).toBe(200);
    expect(dealer.json()).toMatchObject({ kind: 'dealer', dealer: { code: 'T001', name: '测试经销商一' } });
    const admin = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(t.tokens.admin) });
    expect(admin.json()).toMatchObject({ kind: 'admin' });
  });

  it('forbids a dealer token on admin routes and an admin token on dealer routes', async () => {
    const dealerOnAdmin = await t.app.inject({ method: 'GET', url: '/admin/dealers', headers: bearer(t.tokens.d1) });
    expect(dealerOnAdmin.statusCode).toBe(403);
    const adminOnAdmin = await t.app.inject({ method: 'GET', url: '/admin/dealers', headers: bearer(t.tokens.admin) });
    expect(adminOnAdmin.statusCode).toBe(200);
    expect(adminOnAdmin.json().items.map((d: { code: string }) => d.code)).toEqual(['T001', 'T002']);
    const adminOnDealer = await t.app.inject({ method: 'GET', url: '/v1/ship-tos', headers: bearer(t.tokens.admin) });
    expect(adminOnDealer.statusCode).toBe(403);
  });

  it('never shows dealer A the data of dealer B', async () => {
    const own = await t.app.inject({ method: 'GET', url: '/v1/ship-tos', headers: bearer(t.tokens.d1) });
    expect(own.json().items.map((s: { code: string }) => s.code)).toEqual(['T001-01']);
    const other = await t.app.inject({ method: 'GET', url: '/v1/ship-tos/T002-01', headers: bearer(t.tokens.d1) });
    expect(other.statusCode).toBe(404);
    expect(JSON.stringify(other.json())).not.toContain('330106');
    const mine = await t.app.inject({ method: 'GET', url: '/v1/ship-tos/T002-01', headers: bearer(t.tokens.d2) });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ code: 'T002-01', regionCode: '330106' });
  });

  it('stores only digests of tokens', async () => {
    const { rows } = await t.store.query<Record<string, unknown>>('SELECT * FROM api_credentials');
    const dump = JSON.stringify(rows);
    for (const token of Object.values(t.tokens)) {
      expect(dump).not.toContain(token);
      expect(dump).toContain(hashToken(token));
    }
  });

  it('creates, lists and revokes tokens through the admin API', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/admin/tokens', headers: bearer(t.tokens.admin), payload: { dealer: 'T002', label: 'erp' } });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json() as { id: number; token: string };
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) })).json().dealer.code).toBe('T002');
    const listed = await t.app.inject({ method: 'GET', url: '/admin/tokens', headers: bearer(t.tokens.admin) });
    expect(JSON.stringify(listed.json())).not.toContain(token);
    expect((await t.app.inject({ method: 'DELETE', url: `/admin/tokens/${id}`, headers: bearer(t.tokens.admin) })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) })).statusCode).toBe(401);
    const unknownDealer = await t.app.inject({ method: 'POST', url: '/admin/tokens', headers: bearer(t.tokens.admin), payload: { dealer: 'NOPE' } });
    expect(unknownDealer.statusCode).toBe(404);
  });

  it('refuses a suspended dealer (tokens already in use notice within the 5 s cache)', async () => {
    await t.store.query(`UPDATE dealers SET status = 'suspended' WHERE code = 'T002'`);
    const fresh = (await issueToken(t.store, { kind: 'dealer', dealerCode: 'T002' })).token;
    const response = await t.app.inject({ method: 'GET', url: '/v1/ship-tos', headers: bearer(fresh) });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toBe('dealer T002 is suspended');
    await t.store.query(`UPDATE dealers SET status = 'active' WHERE code = 'T002'`);
  });
});
