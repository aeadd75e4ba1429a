import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { AppConfig } from '../core/config/schema.js';
import { migrate } from '../core/db/migrate.js';
import { UserError } from '../core/errors.js';
import { replayOutbox } from '../delivery/replay.js';
import { withStore } from './store-commands.js';

export interface ReplayOptions {
  /** A JSON file with the edited payload. */
  payloadFile?: string | undefined;
  comment?: string | undefined;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/**
 * `dealer-hub replay <outbox-id>`: a dead or rejected row goes back to pending (audited as
 * `cli:<user>`); the running daemon's relay delivers it at its next tick.
 */
export async function runReplayCommand(config: AppConfig, idText: string, options: ReplayOptions): Promise<number> {
  const id = Number(idText);
  if (!Number.isSafeInteger(id) || id <= 0) throw new UserError(`replay takes an outbox row id (a positive integer), not "${idText}"`);
  let payload: unknown;
  if (options.payloadFile) {
    try {
      payload = JSON.parse(readFileSync(options.payloadFile, 'utf8'));
    } catch (error) {
      throw new UserError(`--payload ${options.payloadFile}: ${(error as Error).message}`);
    }
  }
  const { timeZone, stockPolicy, overdueToleranceDays, warehouseFallback } = config.ordering;
  const row = await withStore(config, async (store) => {
    await migrate(store);
    return replayOutbox(
      store,
      { id, actor: `cli:${currentUser()}`, payload, comment: options.comment },
      { timeZone, policy: { stockPolicy, overdueToleranceDays }, warehouseFallback },
      new Date(),
    );
  });
  const before = row.replays.at(-1);
  process.stdout.write(
    `outbox #${row.id} (${row.event}${row.orderNumber ? ` of order ${row.orderNumber}` : ''} → ${row.target}) is pending again` +
      `${before ? ` (was ${before.statusBefore} after ${before.attemptsBefore} attempt(s))` : ''}; the relay delivers it at its next run\n`,
  );
  return 0;
}
