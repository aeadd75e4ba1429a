/**
 * Found by the fault harness: a connection terminated (pg_terminate_backend, a PostgreSQL restart)
 * while a session or transaction holds it between two queries made the pg client emit 'error'
 * with no listener — an uncaught exception that took the whole daemon down. The store now notes
 * the loss, fails that session's next query, and throws the client away; the process lives on.
 * Only this test's own backend is terminated (found by a unique application_name).
 */
import pg from 'pg';
import { expect, it } from 'vitest';
import { createPgStore } from '../../src/core/db/pg-store.js';
import { describeWith, uniqueName } from '../support/services.js';

describeWith(['postgres'], 'PostgreSQL connection lost under a held session', () => {
  it('fails the session, not the process, and the store keeps serving', async () => {
    const url = process.env.DATABASE_URL!;
    const name = uniqueName('dh_conn_loss');
    const store = createPgStore({ url, poolSize: 2, applicationName: name });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      let signalHeld: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (signalHeld = resolve));
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      const session = store.session(async (q) => {
        await q.query('SELECT 1');
        signalHeld();
        await released;
        return q.query('SELECT 2');
      });
      await held;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ n: number }>(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1`, [name]);
        expect(rows[0]!.n).toBe(1);
      } finally {
        await admin.end();
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      release();
      await expect(session).rejects.toThrow(/connection/i);
      expect(uncaught).toEqual([]);
      expect((await store.query<{ n: number }>('SELECT 3 AS n')).rows).toEqual([{ n: 3 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await store.close();
    }
  });
});
