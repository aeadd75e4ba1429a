/**
 * The fault harness (issue 10): three daemons with mixed roles on one database of their own and a
 * Redis of their own, an SAP OData double as the ERP, a load generator placing orders, batches and
 * EDI interchanges while a scheduled stock sync runs every few seconds — and, at seeded random
 * moments, a daemon SIGKILLed and restarted, Redis killed and restarted, every database connection
 * terminated, the ERP slow, failing or down for a while. Then the faults stop, the system drains,
 * and the invariants (./invariants.ts) are checked from the database and the ERP double.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import YAML from 'yaml';
import { startErpDouble, SAP_PASSWORD, SAP_SERVICE, SAP_USER } from './erp-double.js';
import * as inv from './invariants.js';
import { startLoad, type LoadStats } from './load.js';
import { createOwnDatabase, daemonProcess, pause, startOwnRedis, until, writeConfig, type Daemon } from './processes.js';
import { mulberry32 } from '../../src/core/seeded-random.js';

export interface ChaosOptions {
  /** postgres:// URL of a server where the harness may CREATE DATABASE (it never uses that database itself). */
  adminUrl: string;
  seed: number;
  /** How long load and faults run (at least until every kind of fault happened once). */
  faultMs: number;
  /** Longest wait for the outbox to drain after the faults stop. */
  drainMs: number;
  /** Load and no faults at the end, where each sync tick must run exactly once. */
  quietMs: number;
  clients: number;
  /** Mean gap between faults. */
  faultEveryMs: number;
  /** Only these kinds of fault (default: all); for hunting one failure. */
  faultKinds?: readonly FaultKind[];
  /** How long the ERP stays slow, failing or down: [shortest, longest] ms. */
  erpFaultMs?: [number, number];
  /** Each client waits up to this long between operations (stock lasts longer, so more orders are approved). */
  thinkMs?: number;
  log?: (line: string) => void;
}

export interface ChaosResult {
  seed: number;
  operations: number;
  requests: number;
  acknowledgedOrders: number;
  faultsInjected: number;
  faults: Record<string, number>;
  invariants: Record<string, boolean>;
  details: Record<string, inv.Check>;
  durationSeconds: number;
  erp: { bookings: number; requests: number };
  load: Omit<LoadStats, 'acknowledged'>;
}

export const FAULT_KINDS = ['daemonKilled', 'redisRestarted', 'pgConnectionsTerminated', 'erpSlow', 'erpFailing', 'erpDown'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const TOKENS = { admin: 'dh_demo_admin_chaos_0123456789', dealers: { D001: 'dh_demo_D001_chaos_0123456789', D002: 'dh_demo_D002_chaos_0123456789' } };
const SHIP_TOS = { D001: 'D001-NS', D002: 'D002-XH' };
const EDI_SENDER = 'CHAOSCHAIN';
export const SYNC = { schedule: 'chaos-stock', connector: 'demo-files', name: 'stock_lots', periodMs: 5_000, cron: '*/5 * * * * *' };
/** Mixed roles: every daemon serves the API (clients spread over all three); two run jobs, two schedule. */
const ROLES: Array<[string, string]> = [
  ['a', 'api,worker'],
  ['b', 'api,scheduler'],
  ['c', 'api,worker,scheduler'],
];

/** The demo config (its data set and connectors), plus the ERP double, the EDI partner and a fast relay. */
export function chaosConfig(databaseUrl: string, redisUrl: string, erpBaseUrl: string): string {
  const demo = YAML.parse(readFileSync(new URL('../../config/demo.yaml', import.meta.url), 'utf8')) as Record<string, any>;
  demo.connectors['demo-files'].folder = new URL('../../config/demo-data', import.meta.url).pathname;
  const config = {
    log: { level: 'info', pretty: false },
    server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 5_000 },
    database: { url: databaseUrl, poolSize: 6 },
    redis: { url: redisUrl, prefix: 'chaos' },
    jobs: { concurrency: 4, attempts: 20, backoffMs: 300, keepHours: 2 },
    schedules: { [SYNC.schedule]: { cron: SYNC.cron, job: 'sync', payload: { connector: SYNC.connector, stream: SYNC.name }, timezone: 'UTC' } },
    connectors: {
      'demo-files': demo.connectors['demo-files'],
      erp: {
        kind: 'sap',
        baseUrl: erpBaseUrl,
        client: '100',
        auth: { type: 'basic', username: SAP_USER, password: SAP_PASSWORD },
        timeoutMs: 1_000,
        plants: { '1010': 'WH-SZ', '1020': 'WH-CD', '1030': 'WH-BJ' },
        salesArea: { salesOrganization: '1710', distributionChannel: '10', division: '00' },
        orders: { customerMap: {}, shipToMap: {}, unitMap: {}, rejectionReason: 'Z1' },
      },
    },
    // Generous attempts and short waits: the ERP comes back within the run, so every row must land.
    delivery: { erp: { connector: 'erp' }, attempts: 100, backoffMs: 200, maxBackoffMs: 2_000, quickRetries: 0, leaseMs: 5_000, relayCron: '* * * * * *' },
    edi: { partners: [{ id: 'chaos-chain', dealer: 'D001', x12: { senderIds: [{ qualifier: 'ZZ', id: EDI_SENDER }] }, defaultShipTo: SHIP_TOS.D001 }] },
    demo: { enabled: true, connector: 'demo-files', tokens: TOKENS },
  };
  if (!SAP_SERVICE.endsWith('API_SALES_ORDER_SRV')) throw new Error('the double serves API_SALES_ORDER_SRV');
  return YAML.stringify(config);
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const started = Date.now();
  const say = options.log ?? (() => undefined);
  const log = (line: string) => say(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
  // Separate streams: the clients' timing must not shift the fault plan of a seed.
  const random = mulberry32(options.seed);
  const loadRandom = mulberry32(options.seed + 1);
  const faults: Record<string, number> = {};
  const count = (name: string) => (faults[name] = (faults[name] ?? 0) + 1);
  const cleanups: Array<() => Promise<void>> = [];
  const daemons: Daemon[] = [];
  try {
    const db = await createOwnDatabase(options.adminUrl);
    cleanups.push(() => db.drop());
    const redis = await startOwnRedis();
    cleanups.push(() => redis.stop());
    const erp = await startErpDouble({ slowMs: 2_500, random: mulberry32(options.seed ^ 0x5eed) });
    cleanups.push(() => erp.close());
    const config = writeConfig(chaosConfig(db.url, redis.url, erp.baseUrl));
    cleanups.push(async () => config.remove());
    log(`chaos: seed ${options.seed}, database ${db.name}, ${redis.url}, ERP double on ${erp.port}`);

    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, LOG_LEVEL: 'info', DEALER_HUB_CONFIG: '', DEALER_HUB_DATA_DIR: '' };
    for (const [name, roles] of ROLES) daemons.push(await daemonProcess({ name, roles, configFile: config.file, env }));
    cleanups.push(async () => {
      await Promise.all(daemons.map((d) => d.kill('SIGKILL')));
    });
    // All three start together on the empty database: migrations and the demo load are serialised
    // by advisory locks, so one applies them and the others find them done.
    await Promise.all(daemons.map((d) => d.start()));
    const schedulersFrom = new Date();
    log(`chaos: daemons up (${daemons.map((d) => `${d.name}=${d.roles}@${d.port}`).join(' ')})`);

    const tag = `CH${options.seed.toString(36)}${Date.now().toString(36)}`.toUpperCase();
    const load = startLoad({
      bases: () => daemons.filter((d) => d.running()).map((d) => d.url),
      tokens: TOKENS.dealers,
      shipTos: SHIP_TOS,
      ediDealer: 'D001',
      ediSender: EDI_SENDER,
      random: loadRandom,
      clients: options.clients,
      thinkMs: options.thinkMs ?? 100,
      tag,
    });
    // On an early failure the clients stop before the daemons go (stop() is idempotent).
    cleanups.push(async () => void (await load.stop()));

    // Faults, one at a time, at seeded moments; each ends (restart, ERP back to ok) before the next.
    // The first six are every kind once in a seeded order, so even a short run covers them all.
    const kinds = options.faultKinds ?? FAULT_KINDS;
    const plan = shuffle([...kinds], random);
    const faultsUntil = Date.now() + options.faultMs;
    while (Date.now() < faultsUntil || plan.length > 0) {
      await pause(options.faultEveryMs * (0.5 + random()));
      if (Date.now() >= faultsUntil && plan.length === 0) break;
      const kind = plan.shift() ?? kinds[Math.floor(random() * kinds.length)]!;
      count(kind);
      if (kind === 'daemonKilled') {
        const victim = daemons[Math.floor(random() * daemons.length)]!;
        log(`chaos: SIGKILL ${victim.name} (${victim.roles})`);
        await victim.kill('SIGKILL');
        await pause(300 + random() * 1_500);
        await restart(victim);
      } else if (kind === 'redisRestarted') {
        log('chaos: restart Redis (SIGKILL)');
        await redis.restart(300 + random() * 1_200);
      } else if (kind === 'pgConnectionsTerminated') {
        const n = await db.terminateConnections();
        log(`chaos: pg_terminate_backend on ${n} connections`);
      } else {
        const mode = ({ erpSlow: 'slow', erpFailing: 'failing', erpDown: 'down' } as const)[kind];
        const [shortest, longest] = options.erpFaultMs ?? [1_000, 4_000];
        const forMs = shortest + random() * (longest - shortest);
        log(`chaos: ERP ${mode} for ${Math.round(forMs)} ms`);
        await erp.setMode(mode);
        await pause(forMs);
        await erp.setMode('ok');
      }
    }
    // Every daemon back (a restart may have been refused while the database was away).
    for (const d of daemons) if (!d.running()) await restart(d);

    const quietFrom = new Date();
    log('chaos: faults stopped; quiet load');
    await pause(options.quietMs);
    const stats = await load.stop();
    const quietTo = new Date();
    log(`chaos: load stopped after ${stats.operations} operations (${stats.acknowledged.length} orders acknowledged); draining`);

    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    cleanups.push(() => admin.end());
    await until(
      'the outbox to drain',
      async () => {
        const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE status IN ('pending', 'in_flight')`);
        return rows[0]!.n === 0 ? true : undefined;
      },
      options.drainMs,
      500,
    ).catch((error: unknown) => log(`chaos: ${String(error)}`));
    const windowTo = new Date();
    log('chaos: drained; checking invariants');

    const details: Record<string, inv.Check> = {
      ackedOrdersExistOnce: await inv.ackedOrdersExistOnce(admin, stats.acknowledged, tag),
      approvedReachedErpOnce: await inv.approvedReachedErpOnce(admin, erp.booked),
      reservationsMatchOpenLines: await inv.reservationsMatchOpenLines(admin),
      noLotBelowZero: await inv.noLotBelowZero(admin),
      noOutboxRowStuck: await inv.noOutboxRowStuck(admin),
      syncOncePerTick: await inv.syncOncePerTick(admin, SYNC, { from: schedulersFrom, to: windowTo }, { from: quietFrom, to: quietTo }),
      daemonsServeAfterwards: await daemonsServe(daemons),
      noDaemonCrashed: noCrash(daemons),
    };
    const { acknowledged, ...loadStats } = stats;
    return {
      seed: options.seed,
      operations: stats.operations,
      requests: stats.requests,
      acknowledgedOrders: acknowledged.length,
      faultsInjected: Object.values(faults).reduce((a, b) => a + b, 0),
      faults,
      invariants: Object.fromEntries(Object.entries(details).map(([name, check]) => [name, check.ok])),
      details,
      durationSeconds: Math.round((Date.now() - started) / 100) / 10,
      erp: { bookings: erp.booked.length, requests: erp.requests },
      load: loadStats,
    };
  } catch (error) {
    for (const d of daemons) log(`--- ${d.name} (${d.roles}) output tail:\n${d.output().slice(-3000)}`);
    throw error;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`chaos cleanup: ${String(error)}`));
  }
}

/** A start can fail while the database or Redis is away; a supervisor would try again, so do we. */
async function restart(daemon: Daemon): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await daemon.start();
    } catch (error) {
      if (attempt >= 3) throw error;
      await pause(1_000);
    }
  }
}

/** A daemon may be killed, but no fault may make one exit by itself (a supervisor would hide it). */
function noCrash(daemons: Daemon[]): inv.Check {
  const crashes = daemons.flatMap((d) => d.crashes.map((c) => ({ daemon: d.name, code: c.code, signal: c.signal, tail: c.tail.split('\n').filter((l) => !l.startsWith('{"level":30')).slice(-30).join('\n') })));
  return { ok: crashes.length === 0, detail: `${crashes.length} unexpected exits`, ...(crashes.length ? { examples: crashes } : {}) };
}

async function daemonsServe(daemons: Daemon[]): Promise<inv.Check> {
  const answers = await Promise.all(
    daemons.map(async (d) => {
      try {
        const response = await fetch(`${d.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
        return { daemon: d.name, status: response.status, starts: d.starts };
      } catch (error) {
        return { daemon: d.name, status: 0, error: String(error), starts: d.starts };
      }
    }),
  );
  const ok = answers.every((a) => a.status === 200);
  return { ok, detail: answers.map((a) => `${a.daemon} ${a.status} (started ${a.starts}×)`).join(', '), ...(ok ? {} : { examples: answers }) };
}

export function summaryLine(result: ChaosResult): string {
  const passed = Object.values(result.invariants).filter(Boolean).length;
  const total = Object.keys(result.invariants).length;
  const failed = Object.entries(result.invariants).filter(([, ok]) => !ok).map(([name]) => name);
  return `chaos: ${result.operations} operations (${result.acknowledgedOrders} orders acknowledged), ${result.faultsInjected} faults injected, invariants ${passed}/${total} held${failed.length ? ` — FAILED: ${failed.join(', ')}` : ''} (seed ${result.seed}, ${result.durationSeconds} s)`;
}
