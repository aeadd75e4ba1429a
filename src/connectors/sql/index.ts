export { createSqlConnector, sqlConnector, sqlStreamSpecs } from './connector.js';
export { DIALECTS, pageQuery, type Dialect } from './dialects.js';
export { ORACLE_SESSION_SQL, type QueryFn, type SqlDriver } from './drivers.js';
export { createSqlOrderTarget, identifier } from './order-target.js';
export { sqlOrdersSchema, HEADER_FIELDS, LINE_FIELDS, type SqlOrdersOptions } from './order-options.js';
export { createKeysetDouble, type KeysetDouble, type KeysetDoubleOptions } from './query-double.js';
export { parseUrl, resolveSqlStreams, sqlOptionsSchema, sqlRetrySchema, type SqlDialectName, type SqlOptions, type SqlStream, type SqlStreamOptions } from './options.js';
export { createSqlCreditTarget, sqlCreditLimitsSchema, CREDIT_FIELDS, type SqlCreditLimitsOptions } from './credit-target.js';
