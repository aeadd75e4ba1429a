export { runSync, type RunSyncOptions, type SyncCounts, type SyncReport, type SyncTarget } from './runner.js';
export { canonicalSchemas, canonicalKeys, canonicalShape, type CanonicalRecord } from './canonical.js';
export type { SyncIssue } from './page-mapping.js';
