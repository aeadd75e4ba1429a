import pg from 'pg';
import { openStore, type Store } from '../../src/core/db/index.js';
import { migrate } from '../../src/core/db/migrate.js';
import { quoteIdent } from '../../src/core/db/pg-store.js';
import { serviceAvailable, servicesRequired, uniqueName } from './services.js';

export type Driver = 'pglite' | 'pg';

/** Drivers a store suite runs on: PGlite always, PostgreSQL when DATABASE_URL is set (or required). */
export function storeDrivers(): Driver[] {
  return serviceAvailable('postgres') || servicesRequired ? ['pglite', 'pg'] : ['pglite'];
}

export interface TestStore {
  store: Store;
  /** For pg: the private schema this test works in (search_path). */
  schema?: string;
  url?: string;
  drop(): Promise<void>;
}

/** A fresh, empty store: in-memory PGlite, or a new schema on DATABASE_URL dropped afterwards. */
export async function createTestStore(driver: Driver, options: { migrated?: boolean } = {}): Promise<TestStore> {
  let result: TestStore;
  if (driver === 'pglite') {
    const store = await openStore({});
    result = { store, drop: () => store.close() };
  } else {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('REQUIRE_SERVICES=1 but DATABASE_URL is not set');
    const schema = uniqueName('t');
    await adminQuery(url, `CREATE SCHEMA ${quoteIdent(schema)}`);
    const store = await openStore({ url, schema, poolSize: 20 });
    result = {
      store,
      schema,
      url,
      async drop() {
        await store.close();
        await adminQuery(url, `DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      },
    };
  }
  if (options.migrated !== false) await migrate(result.store);
  return result;
}

export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
