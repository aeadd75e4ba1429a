/**
 * `npm run chaos`: the fault harness (scripts/chaos/harness.ts) at full length — three daemons,
 * load, seeded faults, drain, invariants — written to bench/results/chaos.json with a summary line.
 * Needs a PostgreSQL server where it may create a database (CHAOS_ADMIN_URL, else DATABASE_URL,
 * else postgres://postgres@127.0.0.1:5432/postgres) and the redis-server binary; it starts its own
 * Redis and drops its database afterwards. Options: CHAOS_SEED, CHAOS_SECONDS, CHAOS_CLIENTS, and
 * CHAOS_FAULTS (comma-separated kinds, e.g. redisRestarted,pgConnectionsTerminated) to hunt one failure.
 * Exits 1 when an invariant fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { FAULT_KINDS, runChaos, summaryLine, type FaultKind } from '../scripts/chaos/harness.js';
import type { SummaryRow } from './table.js';

const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const seconds = Number(process.env.CHAOS_SECONDS ?? 120);
const faultKinds = process.env.CHAOS_FAULTS?.split(',').map((kind) => kind.trim()).filter(Boolean) as FaultKind[] | undefined;
const unknown = (faultKinds ?? []).filter((kind) => !(FAULT_KINDS as readonly string[]).includes(kind));
if (unknown.length > 0) throw new Error(`CHAOS_FAULTS: unknown ${unknown.join(', ')}; known: ${FAULT_KINDS.join(', ')}`);
const result = await runChaos({
  adminUrl: process.env.CHAOS_ADMIN_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  seed,
  faultMs: seconds * 1_000,
  quietMs: 20_000,
  drainMs: 90_000,
  clients: Number(process.env.CHAOS_CLIENTS ?? 6),
  faultEveryMs: 5_000,
  ...(faultKinds?.length ? { faultKinds } : {}),
  log: (line) => console.log(line),
});
const passed = Object.values(result.invariants).filter(Boolean).length;
const out = {
  ...result,
  summary: [
    {
      figure: `chaos: invariants held (${result.operations} operations, ${result.faultsInjected} faults)`,
      value: passed,
      unit: 'invariants',
      baseline: null,
      ratio: null,
      goal: `all ${Object.keys(result.invariants).length}`,
      pass: passed === Object.keys(result.invariants).length,
    },
  ] satisfies SummaryRow[],
  measuredAt: new Date().toISOString(),
  machine: `${cpus().length} cores, node ${process.version}`,
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/chaos.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
for (const [name, check] of Object.entries(result.details)) console.log(`  ${check.ok ? 'ok  ' : 'FAIL'} ${name}: ${check.detail}${check.examples ? `\n       e.g. ${JSON.stringify(check.examples)}` : ''}`);
console.log(summaryLine(result));
process.exit(passed === Object.keys(result.invariants).length ? 0 : 1);
