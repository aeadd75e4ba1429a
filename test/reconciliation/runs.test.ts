/**
 * The SQL staging target's listSince (paged, filtered by order date, abort-aware) and the run
 * itself: one at a time (in this process and across processes), and a cancelled run recorded
 * as failed with what it had found so far.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { ErpOrderListing, OrderTarget } from '../../src/connectors/contract.js';
import type { ConnectorHub } from '../../src/connectors/hub.js';
import { createSqlConnector, sqlOptionsSchema } from '../../src/connectors/sql/index.js';
import { scheduleSchema } from '../../src/core/config/schema.js';
import type { Store } from '../../src/core/db/index.js';
import { quoteIdent } from '../../src/core/db/pg-store.js';
import { createJobRegistry } from '../../src/core/jobs/index.js';
import { validateSchedules } from '../../src/core/scheduler/index.js';
import { JOBS } from '../../src/jobs.js';
import { createLogger } from '../../src/core/logger.js';
import { runReconciliation } from '../../src/reconciliation/reconcile.js';
import { reconcilePayload } from '../../src/reconciliation/settings.js';
import { uniqueName } from '../support/services.js';
import { adminQuery, createTestStore, storeDrivers, type TestStore } from '../support/store.js';
import { stagingDdl, stagingOrders, storeDriver } from '../delivery/support/staging.js';

const logger = createLogger({ level: 'silent', pretty: false });

describe.each(storeDrivers())('reconciliation runs and listSince on %s', (driver) => {
  let testStore: TestStore;
  const schema = driver === 'pg' ? uniqueName('rlst') : 'rlst';
  const close: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    testStore = await createTestStore(driver);
    await testStore.store.query(stagingDdl(schema));
    // 1,203 staged orders: 600 dated a month ago, 603 today (more than two pages of 500).
    await testStore.store.query(`
      INSERT INTO ${schema}.so_header (ext_order_id, order_no, dealer_code, order_date)
      SELECT 'ref-' || lpad(g::text, 5, '0'), 'DH26110100' || lpad(g::text, 5, '0'), 'D001', CASE WHEN g <= 600 THEN current_date - 30 ELSE current_date END
        FROM generate_series(1, 1203) AS g`);
  });
  afterAll(async () => {
    for (const done of close) await done();
    await testStore?.drop();
    if (driver === 'pg') await adminQuery(process.env.DATABASE_URL!, `DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  });

  function target(orders: Record<string, unknown> = {}): OrderTarget {
    const options = sqlOptionsSchema.parse({ dialect: 'postgres', url: process.env.DATABASE_URL ?? 'postgres://embedded/unused', orders: { ...stagingOrders(schema), ...orders } });
    const instance = createSqlConnector(options, { logger, now: () => new Date() }, driver === 'pglite' ? storeDriver(testStore.store) : undefined);
    close.push(() => instance.close());
    return instance.orders!;
  }

  async function list(orderTarget: OrderTarget, since: Date): Promise<ErpOrderListing[]> {
    const listed: ErpOrderListing[] = [];
    for await (const entry of orderTarget.listSince!(since, new AbortController().signal)) listed.push(entry);
    return listed;
  }

  it('lists the staged orders from the order date on, page after page, each once', async () => {
    const listed = await list(target(), new Date(Date.now() - 7 * 86_400_000));
    expect(listed).toHaveLength(603);
    expect(new Set(listed.map((entry) => entry.reference)).size).toBe(603);
    expect(listed[0]).toEqual({ reference: 'ref-00601', erpOrderNo: expect.stringMatching(/^XS\d{8}$/), number: 'DH2611010000601' });
    expect(listed.at(-1)!.reference).toBe('ref-01203');
  });

  it('without an order-date column every staged order is listed; without a number column, number is null', async () => {
    const header = { ...stagingOrders(schema).header } as Record<string, string>;
    delete header.order_date;
    delete header.order_no;
    const listed = await list(target({ header }), new Date());
    expect(listed).toHaveLength(1203);
    expect(listed[0]).toMatchObject({ reference: 'ref-00001', number: null });
  });

  it('stops between pages once aborted', async () => {
    const controller = new AbortController();
    let read = 0;
    const reading = (async () => {
      for await (const _ of target().listSince!(new Date(0), controller.signal)) {
        if (++read === 10) controller.abort(new Error('shutdown'));
      }
    })();
    await expect(reading).rejects.toThrow('shutdown');
    expect(read).toBe(500);
  });

  it('runs one at a time; a cancelled run is recorded as failed', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inList = new Promise<void>((resolve) => (entered = resolve));
    const slow: OrderTarget = {
      find: async () => null,
      create: async () => ({ erpOrderNo: 'x' }),
      cancel: async () => {},
      async *listSince(_since, signal) {
        yield { reference: 'DH2611019999999', erpOrderNo: 'XS-1' };
        entered();
        await held;
        signal.throwIfAborted();
        yield { reference: 'DH2611019999998', erpOrderNo: 'XS-2' };
      },
    };
    const connectors = { orderTarget: () => slow, stream: () => { throw new Error('no streams'); } } as unknown as ConnectorHub;
    const deps = { store: testStore.store, connectors, logger, erpConnector: 'slow' };
    const controller = new AbortController();
    const first = runReconciliation(deps, reconcilePayload.parse({ trigger: 'test' }), controller.signal);
    await inList;
    await expect(runReconciliation(deps, reconcilePayload.parse({}), new AbortController().signal)).rejects.toThrow('a reconciliation run is already in progress');
    controller.abort(new Error('the daemon is stopping'));
    release();
    const report = await first;
    expect(report).toMatchObject({ status: 'failed', error: 'cancelled: the daemon is stopping' });
    const { rows } = await testStore.store.query<{ status: string; error: string; checks: Record<string, { status: string }> }>(
      `SELECT status, error, checks FROM reconciliation_runs WHERE id = $1`,
      [report.runId],
    );
    expect(rows[0]).toMatchObject({ status: 'failed', error: 'cancelled: the daemon is stopping', checks: { orders: { status: 'done' } } });

    const again = await runReconciliation(deps, reconcilePayload.parse({}), new AbortController().signal);
    expect(again.status).toBe('succeeded');
    // The page of listings is matched when the listing ends; a listing made up of foreign DH numbers only.
    expect(again.findings.unknown_in_erp).toBe(2);
  });

  it.runIf(driver === 'pg')('a run in another process holds the lock: this one does not start', async () => {
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock(7202, hashtext($1))', [testStore.schema]);
      const connectors = { orderTarget: () => null, stream: () => null } as unknown as ConnectorHub;
      await expect(runReconciliation({ store: testStore.store, connectors, logger }, reconcilePayload.parse({}), new AbortController().signal)).rejects.toThrow(
        'a reconciliation run is already in progress in another process',
      );
    } finally {
      await other.end();
    }
  });
});

describe('the reconcile schedule', () => {
  it('is checked against the job’s payload when the daemon starts (and by dealer-hub check)', () => {
    const registry = createJobRegistry(JOBS({ store: {} as Store, logger, connectors: {} as ConnectorHub }));
    const schedule = (payload: Record<string, unknown>) => scheduleSchema.parse({ cron: '30 2 * * *', job: 'reconcile', payload });
    expect(
      validateSchedules(
        {
          nightly: schedule({ windowDays: 7, tolerance: { stockQty: 2, creditAmount: '100.00' }, drift: [{ connector: 'kingdee', stream: 'stock' }] }),
          weekly: schedule({ windowDays: 400, tolerance: { creditAmount: 100 }, numberPattern: '(' }),
        },
        registry,
      ),
    ).toEqual([
      'schedule "weekly": invalid payload for job "reconcile": windowDays: Too big: expected number to be <=366; numberPattern: not a regular expression; tolerance.creditAmount: Invalid input: expected string, received number',
    ]);
  });
});
