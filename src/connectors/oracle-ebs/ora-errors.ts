/**
 * How the `oracle-ebs` OrderTarget reads an Oracle error. The database refusing the data —
 * ORA-00001 (unique; after a re-lookup, since a racing delivery may have queued the order),
 * ORA-01400/01407 (NULL), ORA-02290/02291 (check, parent key), ORA-12899 (too long), ORA-01438
 * (precision), ORA-20000…20999 (raised by EBS or site triggers) — is a TargetRejection with
 * Oracle's message. Configuration errors (no table, no grant, bad login) stay ConfigErrors.
 * Everything else — ORA-03113, ORA-12541, NJS-…, timeouts, locks — is transient and retried: an
 * error we do not recognise is no verdict on the order.
 *
 * Not the SQL staging target's refusal list (src/connectors/sql/order-target.ts): that one also
 * refuses ORA-01722 / ORA-01861 (bad number / date) and not ORA-01407, and is private to it.
 */
import { ConfigError, DealerHubError, TransientError } from '../../core/errors.js';
import { TargetRejection, type OrderDocument } from '../contract.js';
import { DIALECTS } from '../sql/index.js';

/** ORA- codes meaning "the database refused this data". */
const REFUSALS = new Set(['ORA-00001', 'ORA-01400', 'ORA-01407', 'ORA-02290', 'ORA-02291', 'ORA-12899', 'ORA-01438']);

/** The ORA-/NJS-/DPI- code in the error's `code` or message, if any. */
export function oraCode(error: unknown): string | undefined {
  const raw = error as { code?: unknown; message?: unknown } | null;
  const code = typeof raw?.code === 'string' ? raw.code : '';
  const message = typeof raw?.message === 'string' ? raw.message : String(error);
  return /\b(ORA-\d{5}|NJS-\d{3}|DPI-\d{4})\b/.exec(`${code} ${message}`)?.[1];
}

export function isRefusal(code: string | undefined): boolean {
  if (!code?.startsWith('ORA-')) return false;
  const n = Number(code.slice(4));
  return REFUSALS.has(code) || (n >= 20_000 && n <= 20_999);
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();

/** An error met while doing `what` (lookup, entry, cancellation) for `order`, as the target throws it. */
export function translateOrderError(
  error: unknown,
  context: { where: string; scrub(text: string): string },
  order: Pick<OrderDocument, 'number'>,
  what: string,
): Error {
  const { where, scrub } = context;
  if (error instanceof TargetRejection || error instanceof DealerHubError) return error;
  const code = oraCode(error);
  const said = scrub(firstLine(error));
  if (isRefusal(code)) return new TargetRejection(`${where}: EBS refused the ${what} of order ${order.number}: ${said}`, said);
  const translated = DIALECTS.oracle.translateError(error, { where, scrub });
  // Only the errors listed above are a verdict on the order; another ORA- (a lock, a full
  // tablespace, an internal error) is worth another attempt, and after the last one a person looks.
  if (translated instanceof DealerHubError && !(translated instanceof TransientError) && !(translated instanceof ConfigError)) {
    return new TransientError(translated.message, { code }, { cause: error });
  }
  return translated;
}
