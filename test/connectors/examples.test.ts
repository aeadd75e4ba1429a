import { describe, expect, it } from 'vitest';
import { connectorRefinement, createConnectorHub } from '../../src/connectors/hub.js';
import { CONNECTORS } from '../../src/connectors/registry.js';
import { loadConfig } from '../../src/core/config/index.js';
import { createJobRegistry } from '../../src/core/jobs/index.js';
import type { Store } from '../../src/core/db/index.js';
import { createLogger } from '../../src/core/logger.js';
import { validateSchedules } from '../../src/core/scheduler/index.js';
import { JOBS } from '../../src/jobs.js';

const ENV = {
  DATABASE_URL: 'postgres://dealer_hub@db/dealer_hub',
  REDIS_URL: 'redis://cache:6379',
  SAP_USER: 'DEALER_HUB',
  SAP_PASSWORD: 'not-a-real-password',
  EBS_URL: 'oracle://APPS_RO:secret@ebsdb:1521/EBSPROD',
  KINGDEE_URL: 'mssql://hub:secret@erp:1433/AIS',
  WMS_CLIENT_ID: 'hub',
  WMS_CLIENT_SECRET: 'secret',
  TMS_API_KEY: 'EZTK-not-a-key',
  TMS_WEBHOOK_SECRET: 'whsec-not-a-secret',
};
const logger = createLogger({ level: 'silent', pretty: false });

describe('config/examples/erp-integrations.yaml', () => {
  it('describes a SAP system, an Oracle EBS schema, a SQL Server ERP and a WMS that all validate', () => {
    const { config } = loadConfig('config/examples/erp-integrations.yaml', ENV, connectorRefinement(CONNECTORS));
    expect(Object.fromEntries(Object.entries(config.connectors).map(([name, c]) => [name, c.kind]))).toEqual({
      s4: 'sap',
      ebs: 'oracle-ebs',
      kingdee: 'sql',
      wms: 'http',
      tms: 'http',
    });
    const hub = createConnectorHub(config.connectors, CONNECTORS, { logger, now: () => new Date() });
    const streams = Object.fromEntries(hub.list().map((c) => [c.name, c.streams.map((s) => `${s.name}:${s.entity}:${s.mode}`)]));
    expect(streams.s4).toEqual(expect.arrayContaining(['products:products:incremental', 'stock:stock_lots:snapshot']));
    expect(streams.ebs).toEqual(expect.arrayContaining(['dealers:dealers:incremental', 'credit:credit_accounts:snapshot']));
    expect(streams.kingdee).toEqual(['products:products:incremental']);
    expect(streams.wms).toEqual(['stock:stock_lots:snapshot']);
    expect(hub.shipmentTarget('wms')).toBeDefined();
    expect(hub.trackingSource('tms')).toMatchObject({ track: expect.any(Function), webhook: expect.any(Object) });
    const jobs = createJobRegistry(JOBS({ store: {} as Store, logger, connectors: hub }));
    expect(validateSchedules(config.schedules, jobs)).toEqual([]);
  });

  it('refuses to load while a referenced secret is unset, naming the line', () => {
    const { SAP_PASSWORD: _unset, ...env } = ENV;
    expect(() => loadConfig('config/examples/erp-integrations.yaml', env, connectorRefinement(CONNECTORS))).toThrow(
      /erp-integrations\.yaml:\d+:\d+ connectors\.s4\.auth\.password: environment variable SAP_PASSWORD is not set/,
    );
  });
});
