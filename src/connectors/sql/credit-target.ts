/**
 * The SQL credit-limit target (`creditLimits:` of a `sql` connector): every credit-limit change
 * becomes one row in a staging table the ERP applies limits from. The table's UNIQUE change-id
 * column is the idempotency key: the change is looked up first, and an insert that collides with
 * it (a delivery that raced another, or whose answer was lost) reads the staged row back instead.
 * The database refusing the data (a constraint, a value too long, a staging trigger's error) is a
 * TargetRejection with its own words; anything else is transient.
 *
 * ```yaml
 * creditLimits:
 *   table: erp_stage.credit_limit
 *   changeIdColumn: change_id            # UNIQUE
 *   referenceColumn: id                  # read back as the reference (optional; else the change id)
 *   columns: { cust_code: dealerCode, currency: currency, new_limit: newLimit, reason: reason }
 * ```
 */
import { z } from 'zod';
import { UpstreamRejectedError } from '../../core/errors.js';
import { TargetRejection, type CreditLimitChange, type CreditLimitTarget } from '../contract.js';
import type { Dialect } from './dialects.js';
import type { SqlDriver } from './drivers.js';
import type { SqlErrorContext } from './errors.js';
import { identifier, isDuplicateKey, isRefusal } from './order-target.js';

export const CREDIT_FIELDS = ['dealerCode', 'currency', 'oldLimit', 'newLimit', 'reason', 'actor'] as const;

const column = z.string().max(128).regex(/^[A-Za-z_][A-Za-z0-9_$#]*$/, 'expected a column name (letters, digits, _, $, #)');

export const sqlCreditLimitsSchema = z
  .object({
    table: z
      .string()
      .max(257)
      .regex(/^[A-Za-z_][A-Za-z0-9_$#]*(\.[A-Za-z_][A-Za-z0-9_$#]*)?$/, 'expected a table name, optionally with its schema: schema.table')
      .describe('Staging table the ERP applies credit limits from (schema.table); one row per change.'),
    changeIdColumn: column.default('change_id').describe('Column that takes our change id; it must be UNIQUE (a repeated delivery finds the row by it).'),
    referenceColumn: column.optional().describe('Column read back as the reference after the insert (a staging id); unset: the change id.'),
    columns: z
      .record(column, z.enum(CREDIT_FIELDS))
      .default({ dealer_code: 'dealerCode', currency: 'currency', old_limit: 'oldLimit', new_limit: 'newLimit', reason: 'reason', actor: 'actor' })
      .describe('Column → field of the change. Replaces the default set; columns left out take the table defaults.'),
  })
  .strict()
  .refine((o) => !(o.changeIdColumn in o.columns), { message: 'the changeIdColumn is filled with the change id already; do not map it in columns', path: ['columns'] });

export type SqlCreditLimitsOptions = z.infer<typeof sqlCreditLimitsSchema>;

export interface SqlCreditTargetSettings {
  dialect: Dialect;
  driver: SqlDriver;
  creditLimits: SqlCreditLimitsOptions;
  context: Pick<SqlErrorContext, 'where' | 'scrub'>;
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();

export function createSqlCreditTarget({ dialect, driver, creditLimits, context }: SqlCreditTargetSettings): CreditLimitTarget {
  const { where } = context;
  const table = identifier(dialect, creditLimits.table);
  const keyColumn = identifier(dialect, creditLimits.changeIdColumn);
  const mapped = Object.entries(creditLimits.columns);
  const readBackSql =
    `SELECT ${creditLimits.referenceColumn ? identifier(dialect, creditLimits.referenceColumn) : keyColumn} AS ${dialect.alias('dh_ref')} ` +
    `FROM ${table} WHERE ${keyColumn} = ${dialect.placeholder(1)}`;
  const insertSql =
    `INSERT INTO ${table} (${[keyColumn, ...mapped.map(([c]) => identifier(dialect, c))].join(', ')}) ` +
    `VALUES (${[0, ...mapped.map((_, i) => i + 1)].map((i) => dialect.placeholder(i + 1)).join(', ')})`;

  function translate(error: unknown, change: CreditLimitChange, what: string): Error {
    const translated = dialect.translateError(error, { where, scrub: context.scrub });
    if (isRefusal(dialect, error) || translated instanceof UpstreamRejectedError) {
      const said = context.scrub(firstLine(error));
      return new TargetRejection(`${where}: ${what} of credit change ${change.changeId} (dealer ${change.dealerCode}) refused: ${said}`, said);
    }
    return translated;
  }

  async function readBack(change: CreditLimitChange): Promise<string | null> {
    const [row] = await driver.query(readBackSql, [change.changeId]);
    return row ? String(row.dh_ref ?? change.changeId) : null;
  }

  return {
    async applyCreditLimit(change, signal) {
      signal.throwIfAborted();
      let found: string | null;
      try {
        found = await readBack(change);
      } catch (error) {
        throw translate(error, change, 'lookup');
      }
      if (found !== null) return { reference: found, detail: `found in ${creditLimits.table} as ${found}` };
      signal.throwIfAborted();
      try {
        await driver.query(insertSql, [change.changeId, ...mapped.map(([, field]) => change[field])]);
      } catch (error) {
        // Another delivery staged it between our lookup and insert: it is there, which is what we want.
        if (!isDuplicateKey(dialect, error)) throw translate(error, change, 'staging');
      }
      let reference: string | null;
      try {
        reference = await readBack(change);
      } catch (error) {
        throw translate(error, change, 'read-back');
      }
      return { reference: reference ?? String(change.changeId), detail: `staged in ${creditLimits.table} as ${reference ?? change.changeId}` };
    },
  };
}
