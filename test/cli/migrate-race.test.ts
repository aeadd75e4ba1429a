import { afterAll, expect, it } from 'vitest';
import { loadMigrations } from '../../src/core/db/migrate.js';
import { openStore } from '../../src/core/db/index.js';
import { quoteIdent } from '../../src/core/db/pg-store.js';
import { runCli, tempConfig } from '../support/cli.js';
import { describeWith, uniqueName } from '../support/services.js';
import { adminQuery } from '../support/store.js';

describeWith(['postgres'], 'migrations under concurrent starts', () => {
  const url = process.env.DATABASE_URL ?? '';
  const schema = uniqueName('race');
  afterAll(async () => adminQuery(url, `DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`));

  it('applies each migration exactly once when two processes migrate together', async () => {
    await adminQuery(url, `CREATE SCHEMA ${quoteIdent(schema)}`);
    const { file } = tempConfig(`database:\n  schema: ${schema}\nlog:\n  level: warn\n`);
    const runs = [runCli(['migrate', '--config', file]), runCli(['migrate', '--config', file])];
    const codes = await Promise.all(runs.map((run) => run.exited));
    const outputs = runs.map((run) => run.output());
    expect(codes, outputs.join('\n---\n')).toEqual([0, 0]);

    const expected = loadMigrations().length;
    const appliers = outputs.filter((output) => output.includes(`applied ${expected} migration(s)`));
    const idle = outputs.filter((output) => output.includes('database is up to date'));
    expect([appliers.length, idle.length]).toEqual([1, 1]);

    const store = await openStore({ url, schema, poolSize: 1 });
    try {
      const { rows } = await store.query<{ version: number; n: number }>('SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version');
      expect(rows).toHaveLength(expected);
      expect(rows.every((row) => row.n === 1)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
