/**
 * `oracle-ebs`: Oracle E-Business Suite R12 read through its tables — items, on-hand stock by
 * lot, customer accounts and ship-tos, credit limits and open receivables. Presets on the
 * `sql` connector (dialect oracle): the same keyset paging, retries and error translation,
 * with built-in queries (queries.ts) and default mappings (streams.ts). With `orders:` it also
 * takes approved orders through the Order Import interface (order-target.ts), on the same pool.
 */
import type { ConnectorDeps, ConnectorInstance } from '../contract.js';
import { defineConnector } from '../contract.js';
import { SecretScrubber, scrubUrlsIn } from '../shared/scrub.js';
import { createSqlConnector, type QueryFn, type SqlDriver } from '../sql/index.js';
import { createDriver, describeTarget, urlSecrets } from '../sql/drivers.js';
import { oracleEbsOptionsSchema, type OracleEbsOptions } from './options.js';
import { createEbsOrderTarget } from './order-target.js';
import { ebsStreamSpecs, toSqlOptions } from './streams.js';

export { oracleEbsOptionsSchema, type OracleEbsOptions } from './options.js';
export { ebsOrdersSchema, type EbsOrdersOptions } from './order-options.js';
export { createEbsOrderTarget, isProvisionalErpOrderNo, PROVISIONAL_PREFIX, unitSellingPrice, type EbsOrderTargetSettings } from './order-target.js';
export { EBS_STREAMS, toSqlOptions } from './streams.js';

/**
 * An instance. `replacement` stands in for the oracledb driver (tests), as in `createSqlConnector`:
 * a QueryFn (each statement stands alone) or a whole SqlDriver (with transactions).
 */
export function createOracleEbsConnector(options: OracleEbsOptions, deps: ConnectorDeps, replacement?: QueryFn | SqlDriver): ConnectorInstance {
  // One driver (one pool) for the streams and the order target.
  const driver: SqlDriver =
    typeof replacement === 'function'
      ? { query: replacement, transaction: (work) => work(replacement), close: async () => {} }
      : (replacement ?? createDriver({ dialect: 'oracle', url: options.url, timeoutMs: options.timeoutMs, logger: deps.logger }));
  const instance = createSqlConnector(toSqlOptions(options), deps, driver);
  if (!options.orders) return instance;

  const scrubber = new SecretScrubber(urlSecrets(options.url));
  const context = { where: describeTarget('oracle', options.url), scrub: (text: string) => scrubber.scrub(scrubUrlsIn(text)) };
  const orders = createEbsOrderTarget({ driver, orders: options.orders, organizationId: options.organizationId, context, logger: deps.logger });
  const { orderSourceId } = options.orders;
  return {
    ...instance,
    orders,
    async check() {
      const result = await instance.check();
      return result.ok ? { ...result, detail: `${result.detail}; orders via Order Import (ORDER_SOURCE_ID ${orderSourceId})` } : result;
    },
  };
}

export const oracleEbsConnector = defineConnector<OracleEbsOptions>({
  kind: 'oracle-ebs',
  optionsSchema: oracleEbsOptionsSchema,
  streams: ebsStreamSpecs,
  create: (options, deps) => createOracleEbsConnector(options, deps),
});
