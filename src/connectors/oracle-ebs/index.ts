/**
 * `oracle-ebs`: Oracle E-Business Suite R12 read through its tables — items, on-hand stock by
 * lot, customer accounts and ship-tos, credit limits and open receivables. Presets on the
 * `sql` connector (dialect oracle): the same keyset paging, retries and error translation,
 * with built-in queries (queries.ts) and default mappings (streams.ts).
 */
import type { ConnectorDeps, ConnectorInstance } from '../contract.js';
import { defineConnector } from '../contract.js';
import { createSqlConnector, type QueryFn } from '../sql/index.js';
import { oracleEbsOptionsSchema, type OracleEbsOptions } from './options.js';
import { ebsStreamSpecs, toSqlOptions } from './streams.js';

export { oracleEbsOptionsSchema, type OracleEbsOptions } from './options.js';
export { EBS_STREAMS, toSqlOptions } from './streams.js';

/** An instance; `queryFn` replaces the oracledb driver (tests), as in `createSqlConnector`. */
export function createOracleEbsConnector(options: OracleEbsOptions, deps: ConnectorDeps, queryFn?: QueryFn): ConnectorInstance {
  return createSqlConnector(toSqlOptions(options), deps, queryFn);
}

export const oracleEbsConnector = defineConnector<OracleEbsOptions>({
  kind: 'oracle-ebs',
  optionsSchema: oracleEbsOptionsSchema,
  streams: ebsStreamSpecs,
  create: (options, deps) => createOracleEbsConnector(options, deps),
});
