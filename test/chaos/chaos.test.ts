/**
 * Issue 10, the fault harness in CI (a short run of `npm run chaos`, scripts/chaos/harness.ts):
 * three daemons (api+worker, api+scheduler, api+worker+scheduler) on a database of their own and a
 * redis-server of their own, orders / batches / EDI from a load generator, a stock sync every 5 s,
 * and each kind of fault at least once — a daemon SIGKILLed and restarted, Redis SIGKILLed and
 * restarted, every database connection terminated, the SAP double slow, failing and down. After a
 * quiet period and the drain every invariant must hold. The seed is printed: a failure repeats
 * with CHAOS_SEED=<seed>.
 */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { runChaos, summaryLine } from '../../scripts/chaos/harness.js';
import { describeWith } from '../support/services.js';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;

describeWith(['postgres'], 'fault harness (short run)', () => {
  it('keeps every invariant through daemon kills, Redis and PostgreSQL connection loss and an unreliable ERP', { timeout: 150_000 }, async () => {
    if (!hasRedisServer) throw new Error('the redis-server binary is needed: the harness starts (and kills) a Redis of its own');
    const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const lines: string[] = [];
    const result = await runChaos({
      adminUrl: process.env.DATABASE_URL!,
      seed,
      faultMs: 18_000,
      faultEveryMs: 1_500,
      erpFaultMs: [800, 2_000],
      quietMs: 10_500,
      drainMs: 30_000,
      clients: 3,
      log: (line) => lines.push(line),
    });
    console.log(summaryLine(result));
    const report = `${summaryLine(result)}\n${lines.join('\n')}\n${JSON.stringify(result.details, null, 2)}`;
    // Each kind of fault happened (the plan starts with every kind once, in a seeded order).
    expect(Object.keys(result.faults).sort(), report).toEqual(['daemonKilled', 'erpDown', 'erpFailing', 'erpSlow', 'pgConnectionsTerminated', 'redisRestarted']);
    expect(result.acknowledgedOrders, report).toBeGreaterThan(50);
    expect(result.invariants, report).toEqual({
      ackedOrdersExistOnce: true,
      approvedReachedErpOnce: true,
      reservationsMatchOpenLines: true,
      noLotBelowZero: true,
      noOutboxRowStuck: true,
      syncOncePerTick: true,
      daemonsServeAfterwards: true,
      noDaemonCrashed: true,
    });
  });
});
