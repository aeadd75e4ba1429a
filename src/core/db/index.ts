import { createPgStore } from './pg-store.js';
import { createPgliteStore } from './pglite-store.js';
import type { Store } from './store.js';

export type { Queryable, QueryResult, Store, TxOptions } from './store.js';
export { isSerializationFailure } from './store.js';

export interface StoreSettings {
  /** PostgreSQL URL (server mode). Without it, PGlite in `dataDir` (embedded mode). */
  url?: string | undefined;
  dataDir?: string | undefined;
  schema?: string | undefined;
  poolSize?: number | undefined;
}

export async function openStore(settings: StoreSettings): Promise<Store> {
  if (settings.url) {
    return createPgStore({ url: settings.url, schema: settings.schema, poolSize: settings.poolSize ?? 10 });
  }
  return createPgliteStore({ dataDir: settings.dataDir });
}
