import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/core/db/index.js';
import { migrate } from '../../src/core/db/migrate.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { describeWith, uniqueName } from '../support/services.js';
import { adminQuery } from '../support/store.js';

describe('readiness on PGlite', () => {
  it('turns 503 when the embedded database is closed', async () => {
    const t = await createTestApp('pglite');
    try {
      expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      await t.store.close();
      const response = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ status: 'unavailable', checks: { database: { ok: false } } });
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describeWith(['postgres'], 'readiness on PostgreSQL', () => {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://localhost/none');
  const database = uniqueName('dh_ready');
  let t: TestApp | undefined;
  afterAll(async () => {
    await t?.close();
    await adminQuery(url.toString(), `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  it('turns 503 when the database goes away, while the process stays live', async () => {
    await adminQuery(url.toString(), `CREATE DATABASE ${database}`);
    const own = new URL(url);
    own.pathname = `/${database}`;
    const store = await openStore({ url: own.toString(), poolSize: 2 });
    await migrate(store);
    t = await createTestApp('pg', {}, { store, url: own.toString(), drop: () => store.close() });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

    await adminQuery(url.toString(), `DROP DATABASE ${database} WITH (FORCE)`);
    const response = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json().checks.database).toMatchObject({ ok: false, error: expect.any(String) });
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
