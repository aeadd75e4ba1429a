/**
 * Driver errors → dealer-hub errors, one function per dialect: what the caller should do
 * (retry: TransientError; fix the stream's query or the settings: ConfigError; the database
 * refused this data: UpstreamRejectedError) with the database's own words, scrubbed.
 */
import { ConfigError, DealerHubError, TransientError, UpstreamRejectedError } from '../../core/errors.js';

export interface SqlErrorContext {
  /** Names the database in messages, e.g. `mssql erp.example.com:1433/AIS` — never credentials. */
  where: string;
  stream?: string;
  scrub(text: string): string;
}

export type SqlErrorTranslator = (error: unknown, context: SqlErrorContext) => Error;

type Kind = 'transient' | 'config' | 'rejected';

/** Node socket and TLS failures shared by every driver. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);
const TLS_CODES = /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID)$/;

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim();
}

function build(kind: Kind, error: unknown, context: SqlErrorContext, code: string | undefined, what?: string): Error {
  const stream = context.stream ? ` stream ${context.stream}` : '';
  const said = what ?? firstLine(error);
  const text = context.scrub(`${context.where}${stream}: ${said}${code && !said.includes(code) ? ` [${code}]` : ''}`);
  const details = { code, stream: context.stream };
  if (kind === 'transient') return new TransientError(text, details, { cause: error });
  if (kind === 'config') return new ConfigError(text, details, { cause: error });
  return new UpstreamRejectedError(text, details, { cause: error });
}

/** Errors without a database code: sockets, TLS, timeouts of the driver itself. */
function translateOther(error: unknown, context: SqlErrorContext, code: string | undefined): Error {
  if (code && NETWORK_CODES.has(code)) return build('transient', error, context, code);
  if (code && TLS_CODES.test(code)) return build('config', error, context, code, `TLS: ${firstLine(error)} (check the URL's TLS settings)`);
  if (/timeout|timed out|terminated|connection (closed|ended|lost)|socket/i.test(firstLine(error))) return build('transient', error, context, code);
  return error instanceof Error ? error : new Error(context.scrub(String(error)));
}

/** A column as the user wrote it: without quotes and without the wrapper's `q.` alias. */
const columnName = (raw: string | undefined) => (raw ?? '?').replaceAll('"', '').replace(/^q\./i, '');

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** PostgreSQL SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
export function translatePostgresError(error: unknown, context: SqlErrorContext): Error {
  if (error instanceof DealerHubError) return error;
  const code = codeOf(error);
  const message = firstLine(error);
  if (!code || !/^[0-9A-Z]{5}$/.test(code)) return translateOther(error, context, code);
  // 08 connection, 53 resources, 57P0x shutdown/crash, 57014 statement timeout, 40001/40P01 serialization/deadlock, 55P03 lock.
  if (/^(08|53|57P0)/.test(code) || ['57014', '40001', '40P01', '55P03'].includes(code)) return build('transient', error, context, code);
  if (code === '42703') return build('config', error, context, code, `column ${columnName(/column "?(.+?)"? does not exist/.exec(message)?.[1])} does not exist`);
  if (code === '42P01') return build('config', error, context, code, `table ${/relation "?(.+?)"? does not exist/.exec(message)?.[1] ?? '?'} does not exist`);
  if (code === '42501') return build('config', error, context, code, `permission denied: ${message}`);
  // 42 syntax/names, 28 authentication, 3D000 unknown database, 22 a value (or saved cursor) the column type cannot read.
  if (/^(42|28|22)/.test(code) || code === '3D000') return build('config', error, context, code);
  return build('rejected', error, context, code);
}

const MSSQL_TRANSIENT_NUMBERS = new Set([-2, 233, 1205, 10053, 10054, 10060, 10928, 10929, 40197, 40501, 40613, 49918, 49919, 49920]);
const MSSQL_PERMISSION_NUMBERS = new Set([229, 230, 262, 297, 300, 916]);
/** Syntax, unknown names, conversions (also of a saved cursor), login. */
const MSSQL_CONFIG_NUMBERS = new Set([102, 105, 156, 170, 195, 209, 241, 242, 245, 295, 1033, 4104, 4060, 8114, 8120, 8155, 8156, 18456]);

/** SQL Server via mssql/tedious: `code` (ESOCKET, ETIMEOUT, ELOGIN, EREQUEST …) and `number`. */
export function translateMssqlError(error: unknown, context: SqlErrorContext): Error {
  if (error instanceof DealerHubError) return error;
  const code = codeOf(error);
  const raw = (error as { number?: unknown; originalError?: { number?: unknown } } | null) ?? {};
  const number = typeof raw.number === 'number' ? raw.number : typeof raw.originalError?.number === 'number' ? raw.originalError.number : undefined;
  const message = firstLine(error);
  if (['ESOCKET', 'ETIMEOUT', 'ECONNCLOSED', 'ECONNRESET', 'ENOTOPEN', 'EINSTLOOKUP'].includes(code ?? '') || (number !== undefined && MSSQL_TRANSIENT_NUMBERS.has(number))) {
    return build('transient', error, context, number !== undefined ? `mssql ${number}` : code);
  }
  const label = `mssql ${number}`;
  if (code === 'ELOGIN' || number === 18456) return build('config', error, context, code ?? label, `login failed: ${message}`);
  if (number === 207) return build('config', error, context, label, `column ${columnName(/Invalid column name '(.+?)'/.exec(message)?.[1])} does not exist`);
  if (number === 208) return build('config', error, context, label, `table ${/Invalid object name '(.+?)'/.exec(message)?.[1] ?? '?'} does not exist`);
  if (number !== undefined && MSSQL_PERMISSION_NUMBERS.has(number)) return build('config', error, context, label, `permission denied: ${message}`);
  if (number !== undefined && MSSQL_CONFIG_NUMBERS.has(number)) return build('config', error, context, label);
  if (number !== undefined) return build('rejected', error, context, label);
  return translateOther(error, context, code);
}

const ORACLE_TRANSIENT = new Set([
  'ORA-00060', 'ORA-01013', 'ORA-01033', 'ORA-01034', 'ORA-01089', 'ORA-01090', 'ORA-03113', 'ORA-03114', 'ORA-03135', 'ORA-08177', 'ORA-12170',
  'ORA-12516', 'ORA-12519', 'ORA-12520', 'ORA-12528', 'ORA-12537', 'ORA-12541', 'ORA-12543', 'ORA-12547', 'ORA-12571', 'ORA-25408',
  'NJS-040', 'NJS-500', 'NJS-501', 'NJS-503', 'NJS-510', 'NJS-521', 'DPI-1067', 'DPI-1080',
]);
/** Credentials, unknown service, privileges, and values (or a saved cursor) the column type cannot read. */
const ORACLE_CONFIG = new Set(['ORA-01017', 'ORA-28000', 'ORA-12505', 'ORA-12514', 'ORA-01722', 'ORA-01840', 'ORA-01841', 'ORA-01843', 'ORA-01858', 'ORA-01861']);

/** Oracle via oracledb (thin): `code` is `ORA-nnnnn`, `NJS-nnn` or `DPI-nnnn`. */
export function translateOracleError(error: unknown, context: SqlErrorContext): Error {
  if (error instanceof DealerHubError) return error;
  const message = firstLine(error);
  const code = codeOf(error) ?? /\b(ORA-\d{5}|NJS-\d{3}|DPI-\d{4})\b/.exec(message)?.[1];
  if (!code || !/^(ORA|NJS|DPI)-/.test(code)) return translateOther(error, context, code);
  if (ORACLE_TRANSIENT.has(code)) return build('transient', error, context, code);
  if (code === 'ORA-00904') return build('config', error, context, code, `column ${columnName(/ORA-00904: (.+?): invalid identifier/.exec(message)?.[1])} does not exist`);
  if (code === 'ORA-00942') return build('config', error, context, code, `table or view does not exist (or no SELECT grant on it)`);
  if (code === 'ORA-01031') return build('config', error, context, code, `permission denied: ${message}`);
  // ORA-009xx: the statement does not parse.
  if (ORACLE_CONFIG.has(code) || /^ORA-009\d\d$/.test(code)) return build('config', error, context, code);
  if (code.startsWith('ORA-')) return build('rejected', error, context, code);
  return translateOther(error, context, code);
}
