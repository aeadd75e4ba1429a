/** Connector kinds and helpers for the reconciliation tests. */
import { z } from 'zod';
import { defineConnector, type ConnectorDefinition } from '../../src/connectors/contract.js';
import { createConnectorRegistry, type ConnectorRegistry } from '../../src/connectors/hub.js';
import { CONNECTOR_DEFINITIONS } from '../../src/connectors/registry.js';
import { createSqlConnector, sqlConnector, type SqlOptions } from '../../src/connectors/sql/index.js';
import type { Store } from '../../src/core/db/index.js';
import { TransientError } from '../../src/core/errors.js';
import { storeDriver } from '../delivery/support/staging.js';
import { waitFor, type DemoOrders } from '../delivery/support/orders.js';
import type { Finding } from '../../src/reconciliation/queries.js';

/**
 * The daemon's kinds, plus: `sql-nolist`, the SQL staging target without listSince (a target
 * that cannot say which orders it holds); `erp-down`, a target whose every lookup fails. On
 * PGlite, `sql` connectors run on the store itself (the staging tables live in it).
 */
export function reconciliationRegistry(store: Store, embedded: boolean): ConnectorRegistry {
  const sqlOn = (options: SqlOptions, deps: Parameters<ConnectorDefinition<SqlOptions>['create']>[1]) =>
    createSqlConnector(options, deps, embedded ? storeDriver(store) : undefined);
  const noList: ConnectorDefinition<SqlOptions> = {
    ...sqlConnector,
    kind: 'sql-nolist',
    create(options, deps) {
      const instance = sqlOn(options, deps);
      const { find, create, cancel } = instance.orders!;
      return { ...instance, orders: { find, create, cancel } };
    },
  };
  const down = defineConnector({
    kind: 'erp-down',
    optionsSchema: z.object({}).strict(),
    streams: () => [],
    create: () => ({
      check: async () => ({ ok: false, detail: 'down' }),
      async *read() {},
      close: async () => {},
      orders: {
        find: async () => {
          throw new TransientError('connect ECONNREFUSED 10.0.0.9:1433');
        },
        create: async () => {
          throw new TransientError('connect ECONNREFUSED 10.0.0.9:1433');
        },
        cancel: async () => {
          throw new TransientError('connect ECONNREFUSED 10.0.0.9:1433');
        },
      },
    }),
  });
  return createConnectorRegistry([
    ...CONNECTOR_DEFINITIONS.filter((definition) => definition.kind !== 'sql'),
    { ...sqlConnector, create: sqlOn },
    noList,
    down,
  ]);
}

export interface RunView {
  id: number;
  status: string;
  trigger: string;
  checks: Record<string, any>;
  counts: { findings: Record<string, number>; durationMs: number };
  error: string | null;
}

/** A finding as the admin API shows it: the stored finding without its dates and actors. */
export type FindingView = Omit<Finding, 'runId' | 'resolvedAt' | 'resolvedBy' | 'replayedAt' | 'replayedBy' | 'createdAt'>;

/** POST /admin/reconciliation/run, then waits for that run to finish; returns it with all its findings. */
export async function reconcileNow(api: DemoOrders, body: Record<string, unknown> = {}): Promise<{ run: RunView; findings: FindingView[] }> {
  const before = (await api.admin('GET', '/admin/reconciliation/runs?limit=1')).json().items[0]?.id ?? 0;
  for (;;) {
    const queued = await api.admin('POST', '/admin/reconciliation/run', body);
    if (queued.statusCode !== 202) throw new Error(`queueing a run: ${queued.statusCode} ${queued.body}`);
    if (!queued.json().deduplicated) break;
    // One manual run per second: wait for the next slot.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const run = await waitFor(
    'the reconciliation run to finish',
    async () => {
      const latest = (await api.admin('GET', '/admin/reconciliation/runs?limit=1')).json().items[0] as RunView | undefined;
      return latest && latest.id > before && latest.status !== 'running' ? latest : undefined;
    },
    12_000,
  );
  const page = (await api.admin('GET', `/admin/reconciliation?run=${run.id}&limit=500`)).json();
  return { run, findings: page.findings.items };
}
