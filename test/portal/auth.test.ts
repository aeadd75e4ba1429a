import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginLink, upsertUser, userForLink } from '../../src/portal/accounts.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { storeDrivers } from '../support/store.js';

/** Small scrypt cost keeps the suite quick; the production default is covered by passwords.test.ts. */
const CONFIG = { portal: { scryptCost: 1024, lockout: { maxFailures: 3, minutes: 15 }, sessionHours: 2 } };

interface Signed {
  cookie: string;
  csrf: string;
  setCookie: string;
}

describe.each(storeDrivers())('portal sign-in and sessions on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(driver, CONFIG);
    await upsertUser(t.store, { username: 'Alice', dealer: 'T001', password: 'correct horse battery' }, 1024);
    await upsertUser(t.store, { username: 'ops', admin: true, password: 'ops password 1' }, 1024);
    await upsertUser(t.store, { username: 'bob', dealer: 'T002', password: 'bob password 1' }, 1024);
  });
  afterAll(async () => t?.close());

  const signIn = async (username: string, password: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/portal/login', headers, payload: { username, password } });
  const signed = async (username: string, password: string): Promise<Signed> => {
    const res = await signIn(username, password);
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    return { cookie: setCookie.split(';')[0]!, csrf: res.json().csrfToken, setCookie };
  };

  it('signs in with the right password and sets an HttpOnly, SameSite=Lax session cookie (Secure only behind TLS)', async () => {
    const s = await signed('alice', 'correct horse battery'); // the name is case-insensitive
    expect(s.setCookie).toMatch(/^dh_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=(7200|719\d)$/);
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: s.cookie } });
    expect(me.json()).toMatchObject({ kind: 'dealer', dealer: { code: 'T001' }, credential: { label: 'portal:alice' } });
    const tls = await signIn('alice', 'correct horse battery', { 'x-forwarded-proto': 'https' });
    expect(String(tls.headers['set-cookie'])).toMatch(/; Secure$/);
  });

  it('stores only a salted scrypt hash with its parameters', async () => {
    const { rows } = await t.store.query<{ username: string; password_hash: string; password_salt: string; password_params: unknown }>(
      "SELECT username, password_hash, password_salt, password_params FROM portal_users WHERE username IN ('alice', 'bob') ORDER BY username",
    );
    expect(rows.map((r) => r.username)).toEqual(['alice', 'bob']);
    expect(rows[0]!.password_params).toEqual({ N: 1024, r: 8, p: 1, keyLength: 32 });
    expect(rows[0]!.password_hash).not.toContain('correct');
    expect(Buffer.from(rows[0]!.password_hash, 'base64')).toHaveLength(32);
    expect(rows[0]!.password_salt).not.toBe(rows[1]!.password_salt);
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    const wrong = await signIn('bob', 'not his password');
    const unknown = await signIn('nobody', 'whatever it is');
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(wrong.json().error.details.code).toBe('invalid_credentials');
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('locks a user after 3 consecutive failures, even against the right password, until the lock ends', async () => {
    await upsertUser(t.store, { username: 'carol', dealer: 'T001', password: 'carol password 1' }, 1024);
    expect((await signIn('carol', 'bad 1')).statusCode).toBe(401);
    expect((await signIn('carol', 'bad 2')).statusCode).toBe(401);
    const third = await signIn('carol', 'bad 3');
    expect(third.statusCode).toBe(429);
    expect(third.json().error.code).toBe('account_locked');
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect((await signIn('carol', 'carol password 1')).statusCode).toBe(429);
    await t.store.query("UPDATE portal_users SET locked_until = now() - interval '1 second' WHERE username = 'carol'");
    expect((await signIn('carol', 'carol password 1')).statusCode).toBe(200);
    const { rows } = await t.store.query<{ failed_logins: number; locked_until: Date | null }>("SELECT failed_logins, locked_until FROM portal_users WHERE username = 'carol'");
    expect(rows[0]).toEqual({ failed_logins: 0, locked_until: null });
  });

  it('refuses a state-changing request made with the cookie but without the CSRF token', async () => {
    const s = await signed('alice', 'correct horse battery');
    const quote = { shipTo: 'T001-01', lines: [{ sku: 'NO-SUCH-SKU', qty: 1 }] };
    const bare = await t.app.inject({ method: 'POST', url: '/v1/quotes', headers: { cookie: s.cookie }, payload: quote });
    expect(bare.statusCode).toBe(403);
    expect(bare.json().error.details.code).toBe('csrf');
    const forged = await t.app.inject({ method: 'POST', url: '/v1/quotes', headers: { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(43) }, payload: quote });
    expect(forged.statusCode).toBe(403);
    const other = await signed('bob', 'bob password 1'); // another session's token does not fit
    const crossed = await t.app.inject({ method: 'POST', url: '/v1/quotes', headers: { cookie: s.cookie, 'x-csrf-token': other.csrf }, payload: quote });
    expect(crossed.statusCode).toBe(403);
    const good = await t.app.inject({ method: 'POST', url: '/v1/quotes', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload: quote });
    expect(good.statusCode).not.toBe(403);
    expect(good.json().error?.details?.code).not.toBe('csrf');
  });

  it('lets a bearer token win over a cookie, and keeps dealers apart', async () => {
    const s = await signed('alice', 'correct horse battery');
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: s.cookie, ...bearer(t.tokens.d2) } });
    expect(me.json().dealer.code).toBe('T002');
  });

  it('gives an admin login the /admin routes and not the dealer ones', async () => {
    const s = await signed('ops', 'ops password 1');
    expect((await t.app.inject({ method: 'GET', url: '/admin/orders?status=held', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/v1/credit', headers: { cookie: s.cookie } })).statusCode).toBe(403);
    const session = (await t.app.inject({ method: 'GET', url: '/portal/session', headers: { cookie: s.cookie } })).json();
    expect(session).toMatchObject({ username: 'ops', kind: 'admin', dealer: null, csrfToken: s.csrf });
  });

  it('logs out (with the CSRF token only), clears the cookie and ends the session', async () => {
    const s = await signed('alice', 'correct horse battery');
    expect((await t.app.inject({ method: 'POST', url: '/portal/logout', headers: { cookie: s.cookie } })).statusCode).toBe(403);
    const out = await t.app.inject({ method: 'POST', url: '/portal/logout', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^dh_session=; .*Max-Age=0/);
    const after = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: s.cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.details.code).toBe('session_expired');
  });

  it('ends a session at its expiry', async () => {
    const s = await signed('bob', 'bob password 1');
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    const { rows } = await t.store.query<{ hours: number }>(
      "SELECT round(extract(epoch FROM s.expires_at - s.created_at) / 3600) AS hours FROM portal_sessions s JOIN portal_users u ON u.id = s.user_id WHERE u.username = 'bob' ORDER BY s.created_at DESC LIMIT 1",
    );
    expect(Number(rows[0]!.hours)).toBe(2);
    await t.store.query("UPDATE portal_sessions SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM portal_users WHERE username = 'bob')");
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/portal/session', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('signs in once with a login link, creating a password-less user for a dealer that has none', async () => {
    const user = await userForLink(t.store, { dealer: 'T002' }, 1024);
    expect(user.username).toBe('bob'); // T002 already has a user
    const fresh = await upsertUser(t.store, { username: 'x', admin: true }, 1024).then(() => userForLink(t.store, { username: 'x' }, 1024));
    const link = await createLoginLink(t.store, fresh.id, 30);
    const first = await t.app.inject({ method: 'POST', url: '/portal/login-link', payload: { token: link.token } });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ username: 'x', kind: 'admin' });
    const again = await t.app.inject({ method: 'POST', url: '/portal/login-link', payload: { token: link.token } });
    expect(again.statusCode).toBe(401);
    expect(again.json().error.details.code).toBe('invalid_link');
    // A password-less user cannot sign in with any password.
    expect((await signIn('x', 'anything at all')).statusCode).toBe(401);
  });

  it('reads a CSV cart file into lines, adding up repeated SKUs and reporting bad rows', async () => {
    const s = await signed('alice', 'correct horse battery');
    const csv = 'sku,qty,note\nMLK-250-24,48,\nmlk-250-24,24,\nNUT-750-6,x,\n';
    const res = await t.app.inject({ method: 'POST', url: '/portal/cart/file', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'text/csv' }, payload: csv });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ lines: [{ sku: 'MLK-250-24', qty: 72 }], problems: [{ row: 4, message: 'row 4: quantity "x" is not a whole number ≥ 1' }] });
  });

  it('serves the page at / to browsers, the JSON index to API clients, and keeps unknown paths a JSON 404', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<script type="module" src="/js/main.js"></script>');
    expect(page.body).not.toMatch(/<script>(?!<\/)|style="/);
    const index = await t.app.inject({ method: 'GET', url: '/', headers: { accept: '*/*' } });
    expect(index.json()).toMatchObject({ service: 'dealer-hub', links: { openapi: '/openapi.json' } });
    const script = await t.app.inject({ method: 'GET', url: '/js/main.js' });
    expect(script.headers['content-type']).toMatch(/javascript/);
    const missing = await t.app.inject({ method: 'GET', url: '/no/such/page' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
  });
});
