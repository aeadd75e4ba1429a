/**
 * Issue 10, scale-out, end to end with processes: three `dealer-hub start` daemons (every role)
 * started together on one empty database and one Redis (a redis-server of this test's own), the
 * SAP double as the ERP. Shown from the database, the logs and the ERP double:
 * - migrations applied once (one daemon applies them, the others find them done);
 * - each scheduled job once per tick (the stock sync every 5 s: one succeeded run per slot, with
 *   three schedulers firing);
 * - each outbox row delivered once (claimed once, one ERP booking per order number);
 * - orders placed through all three are one consistent set: numbers unique, and every daemon
 *   answers every order the same way.
 */
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadMigrations } from '../../src/core/db/migrate.js';
import { startErpDouble, type ErpDouble } from '../../scripts/chaos/erp-double.js';
import { chaosConfig, SYNC } from '../../scripts/chaos/harness.js';
import { syncOncePerTick } from '../../scripts/chaos/invariants.js';
import { createOwnDatabase, daemonProcess, pause, startOwnRedis, until, writeConfig, type Daemon, type OwnDatabase, type OwnRedis } from '../../scripts/chaos/processes.js';
import { describeWith } from '../support/services.js';

const D001 = 'dh_demo_D001_chaos_0123456789';
const D002 = 'dh_demo_D002_chaos_0123456789';
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;

describeWith(['postgres'], 'three daemons on one database and one Redis', () => {
  let db: OwnDatabase;
  let redis: OwnRedis;
  let erp: ErpDouble;
  let config: { file: string; remove(): void };
  let client: pg.Client;
  const daemons: Daemon[] = [];
  let upAt: Date;

  beforeAll(async () => {
    if (!hasRedisServer) throw new Error('the redis-server binary is needed: this test starts a Redis of its own');
    db = await createOwnDatabase(process.env.DATABASE_URL!, 'scale');
    redis = await startOwnRedis();
    erp = await startErpDouble();
    config = writeConfig(chaosConfig(db.url, redis.url, erp.baseUrl));
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, LOG_LEVEL: 'info', DEALER_HUB_CONFIG: '', DEALER_HUB_DATA_DIR: '' };
    for (const name of ['r1', 'r2', 'r3']) daemons.push(await daemonProcess({ name, roles: 'api,worker,scheduler', configFile: config.file, env }));
    await Promise.all(daemons.map((d) => d.start()));
    upAt = new Date();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  }, 180_000);

  afterAll(async () => {
    await client?.end();
    await Promise.all(daemons.map((d) => d.kill('SIGTERM')));
    await erp?.close();
    await redis?.stop();
    await db?.drop();
    config?.remove();
  }, 60_000);

  it('applies the migrations once', async () => {
    const expected = loadMigrations().length;
    const { rows } = await client.query<{ version: number; n: number }>('SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version ORDER BY version');
    expect(rows).toHaveLength(expected);
    expect(rows.every((row) => row.n === 1)).toBe(true);
    // Exactly one daemon logged applying them; the others started on the finished schema.
    const appliers = daemons.filter((d) => d.output().includes('"msg":"migration applied"'));
    expect(appliers.map((d) => d.name)).toHaveLength(1);
    const demoLoads = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM sync_runs WHERE trigger = 'demo' AND stream = 'dealers'`);
    expect(demoLoads.rows[0]!.n).toBe(1);
  });

  it('spreads orders over all three, which agree on them, and delivers each to the ERP once', async () => {
    const tokens = [D001, D002];
    const shipTos = ['D001-NS', 'D002-XH'];
    const placed = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const daemon = daemons[i % 3]!;
        const response = await fetch(`${daemon.url}/v1/orders`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens[i % 2]}`, 'content-type': 'application/json', 'idempotency-key': `scale-${i}` },
          body: JSON.stringify({ externalRef: `SCALE-${i}`, shipTo: shipTos[i % 2], lines: [{ sku: 'MLK-250-24', qty: 24 }] }),
        });
        expect(response.status, await response.clone().text()).toBe(201);
        return (await response.json()) as { id: string; number: string; status: string };
      }),
    );
    expect(new Set(placed.map((o) => o.number)).size).toBe(30);
    // Approved on placement (the answer may already say released/confirmed: the ERP is fast).
    expect(placed.filter((o) => !['approved', 'released', 'confirmed'].includes(o.status)).map((o) => o.status)).toEqual([]);

    // Every daemon reads every order the same way, whichever daemon placed it.
    for (const order of placed.slice(0, 6)) {
      const views = await Promise.all(
        daemons.map(async (d) => {
          const token = order.number && placed.indexOf(order) % 2 === 0 ? D001 : D002;
          const response = await fetch(`${d.url}/v1/orders/${order.id}`, { headers: { authorization: `Bearer ${token}` } });
          const body = (await response.json()) as { number: string; totals: unknown; lines: unknown };
          return JSON.stringify({ status: response.status, number: body.number, totals: body.totals, lines: body.lines });
        }),
      );
      expect(new Set(views).size, views[0]).toBe(1);
    }

    const rows = await until(
      'the 30 orders delivered',
      async () => {
        const { rows } = await client.query<{ number: string; status: string; claims: number }>(
          `SELECT o.number, x.status, x.claims FROM outbox x JOIN orders o ON o.id::text = x.aggregate_id WHERE x.event = 'order.approved' AND o.external_ref LIKE 'SCALE-%'`,
        );
        return rows.length === 30 && rows.every((row) => row.status === 'delivered') ? rows : undefined;
      },
      60_000,
      250,
    );
    // Three workers raced for the rows, yet each was claimed once and booked once.
    expect(rows.filter((row) => row.claims !== 1)).toEqual([]);
    const bookings = new Map<string, number>();
    for (const booked of erp.booked) bookings.set(booked.number, (bookings.get(booked.number) ?? 0) + 1);
    expect(placed.map((o) => bookings.get(o.number) ?? 0)).toEqual(placed.map(() => 1));
    expect(erp.booked).toHaveLength(30);
  }, 120_000);

  it('runs each scheduled tick once although three schedulers fire it', async () => {
    // At least three whole slots after every scheduler was up.
    const from = upAt;
    await pause(Math.max(0, from.getTime() + 4 * SYNC.periodMs - Date.now()) + 1_500);
    const to = new Date();
    const check = await syncOncePerTick(client, SYNC, { from, to }, { from, to });
    expect(check.ok, `${check.detail} ${JSON.stringify(check.examples)}`).toBe(true);
    const { rows } = await client.query<{ slots: number; runs: number }>(
      `SELECT count(DISTINCT floor(extract(epoch FROM started_at) / 5))::int AS slots, count(*)::int AS runs
         FROM sync_runs WHERE trigger = 'schedule' AND stream = $1 AND status = 'succeeded' AND started_at >= $2`,
      [SYNC.name, from],
    );
    expect(rows[0]!.runs).toBeGreaterThanOrEqual(3);
    expect(rows[0]!.runs).toBe(rows[0]!.slots);
  }, 60_000);
});
