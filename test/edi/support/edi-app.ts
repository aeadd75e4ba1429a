/**
 * An app for the EDI transport tests: the demo data, the API on inject(), in-process jobs wired
 * like the daemon's (outbox target edi, job edi.inbox), and helpers to wait for files and to
 * re-parse X12 with node-x12 (the independent parser).
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROUTES } from '../../../src/api/routes.js';
import { orderingSettings } from '../../../src/api/v1/orders.js';
import { createConnectorHub } from '../../../src/connectors/hub.js';
import { CONNECTORS } from '../../../src/connectors/registry.js';
import { issueToken } from '../../../src/core/auth/tokens.js';
import { configSchema } from '../../../src/core/config/schema.js';
import { createMetrics } from '../../../src/core/http/metrics.js';
import { buildServer } from '../../../src/core/http/server.js';
import { createInProcessRunner, createJobRegistry, type JobRunner } from '../../../src/core/jobs/index.js';
import { createLogger } from '../../../src/core/logger.js';
import { deliverySettings } from '../../../src/delivery/settings.js';
import { JOBS } from '../../../src/jobs.js';
import { parseX12 } from '../../../src/edi/x12/envelope.js';
import { loadDemoInto } from '../../support/demo.js';
import { createTestStore, type Driver, type TestStore } from '../../support/store.js';

export interface EdiApp {
  app: Awaited<ReturnType<typeof buildServer>>;
  testStore: TestStore;
  jobs: JobRunner;
  token: string;
  close(): Promise<void>;
}

export async function createEdiApp(driver: Driver, overrides: Record<string, unknown>): Promise<EdiApp> {
  const testStore = await createTestStore(driver);
  const { store } = testStore;
  await loadDemoInto(store);
  const logger = createLogger({ level: process.env.EDI_TEST_LOG === '1' ? 'warn' : 'silent', pretty: false });
  const config = configSchema.parse(overrides);
  const connectors = createConnectorHub(config.connectors, CONNECTORS, { logger, now: () => new Date() });
  const metrics = createMetrics();
  let runner: JobRunner | undefined;
  const registry = createJobRegistry(
    JOBS({
      store,
      logger,
      connectors,
      delivery: { settings: deliverySettings(config), enqueue: (job, payload, o) => runner!.enqueue(job, payload, o) },
      edi: { partners: config.edi.partners, ordering: orderingSettings(config), inboxStaleMs: 0 },
    }),
  );
  const jobs = createInProcessRunner({ registry, logger, defaults: config.jobs });
  runner = jobs;
  await jobs.startWorkers();
  const app = await buildServer({ config, store, jobs, connectors, logger, metrics, version: 'test', isShuttingDown: () => false }, ROUTES);
  const token = (await issueToken(store, { kind: 'dealer', dealerCode: 'D001', label: 'edi' })).token;
  return {
    app,
    testStore,
    jobs,
    token,
    async close() {
      await app.close();
      await jobs.close();
      await connectors.close();
      await testStore.drop();
    },
  };
}

/** Waits until `folder` holds `count` files matching `pattern`; their names, sorted. */
export async function waitForFiles(folder: string, pattern: RegExp, count: number, timeoutMs = 15_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => pattern.test(n)).sort();
    if (names.length >= count) return names;
    if (Date.now() > deadline) throw new Error(`expected ${count} files like ${pattern} in ${folder}, found ${JSON.stringify(names)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const read = (folder: string, name: string) => readFile(join(folder, name), 'utf8');

const require = createRequire(import.meta.url);
export interface NodeX12Segment {
  tag: string;
  elements: Array<{ value: string }>;
}
export interface NodeX12Interchange {
  header: NodeX12Segment;
  trailer: NodeX12Segment;
  functionalGroups: Array<{ header: NodeX12Segment; transactions: Array<{ header: NodeX12Segment; trailer: NodeX12Segment; segments: NodeX12Segment[] }> }>;
}
const { X12Parser } = require('node-x12') as { X12Parser: new (strict?: boolean) => { parse(edi: string): NodeX12Interchange } };

/** node-x12's reading (strict); throws on anything it cannot parse. */
export function nodeX12(text: string): NodeX12Interchange {
  return new X12Parser(true).parse(text);
}

/** The segments of the only transaction set, as [tag, ...element values]. */
export function segmentsOf(ic: NodeX12Interchange): string[][] {
  return ic.functionalGroups[0]!.transactions[0]!.segments.map((s) => [s.tag, ...s.elements.map((e) => e.value)]);
}

/** ISA13 as our reader sees it (node-x12 normalises the header's numbers). */
export const isa13 = (text: string) => parseX12(text).interchanges[0]!.controlNumber;
