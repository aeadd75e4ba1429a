import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '../errors.js';

const LOCK_FILE = 'dealer-hub.lock';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is one process's database: a second process opening the same folder corrupts it.
 * A lock file holding the owner's pid turns that into a clear refusal; a stale lock (its
 * process is gone) is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (owner === process.pid || !Number.isInteger(owner) || !processAlive(owner)) {
        rmSync(path, { force: true });
        continue;
      }
      throw new ConflictError(
        `the embedded store in ${dataDir} is in use by process ${owner} (a running dealer-hub); ` +
          'stop it first, or use the admin API, or set DATABASE_URL to share a PostgreSQL server',
        { dataDir, pid: owner },
      );
    }
  }
  throw new ConflictError(`could not lock the embedded store in ${dataDir}`, { dataDir });
}
