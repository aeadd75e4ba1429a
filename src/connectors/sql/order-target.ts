/**
 * The SQL staging target: an approved order becomes one header row and its line rows in the
 * staging tables an ERP imports from, in one transaction. The header's UNIQUE order-id column is
 * the idempotency key: `find` looks the order up by it, and an insert that collides with it (a
 * delivery that raced another, or whose answer was lost) reads the staged order back instead of
 * failing. The ERP order number is a column read back after the insert, else the staging id.
 *
 * The database refusing the data (a constraint, a value too long, an error raised by a staging
 * trigger) is a TargetRejection with the database's own words; anything else is transient.
 */
import { TransientError, UpstreamRejectedError } from '../../core/errors.js';
import { TargetRejection, type ErpOrderListing, type ErpOrderRef, type OrderDocument, type OrderTarget } from '../contract.js';
import type { Dialect } from './dialects.js';
import type { QueryFn, SqlDriver } from './drivers.js';
import type { SqlErrorContext } from './errors.js';
import type { HeaderField, LineField, SqlOrdersOptions } from './order-options.js';

const FOLDABLE = /^[A-Za-z_][A-Za-z0-9_$#]*$/;

/**
 * A table or column as the database stores it: an unquoted name folds to lower case in
 * PostgreSQL and upper case in Oracle, so a name written in one case means the folded one;
 * a mixed-case name is taken as written. SQL Server compares names by its collation.
 */
export function identifier(dialect: Dialect, name: string): string {
  return name
    .split('.')
    .map((part) => {
      const oneCase = FOLDABLE.test(part) && (part === part.toLowerCase() || part === part.toUpperCase());
      if (dialect.name === 'postgres') return dialect.alias(oneCase ? part.toLowerCase() : part);
      if (dialect.name === 'oracle') return dialect.alias(oneCase ? part.toUpperCase() : part);
      return dialect.alias(part);
    })
    .join('.');
}

/** Error codes meaning "the database refused this data", per dialect. */
export function isRefusal(dialect: Dialect, error: unknown): boolean {
  const raw = error as { code?: unknown; number?: unknown; message?: unknown } | null;
  const code = typeof raw?.code === 'string' ? raw.code : '';
  const message = typeof raw?.message === 'string' ? raw.message : '';
  switch (dialect.name) {
    case 'postgres':
      // 22 data exception (too long, bad date), 23 integrity (not null, FK, check, unique), P0001 RAISE EXCEPTION in a trigger.
      return /^(22|23)/.test(code) || code === 'P0001';
    case 'mssql': {
      const number = typeof raw?.number === 'number' ? raw.number : -1;
      // null, constraint/FK/check, duplicate key, truncation, conversion, THROW/RAISERROR by a trigger (≥ 50000).
      return [515, 547, 2601, 2627, 2628, 8152, 245, 8114].includes(number) || number >= 50_000;
    }
    case 'oracle': {
      const ora = /\b(ORA-\d{5})\b/.exec(`${code} ${message}`)?.[1] ?? '';
      const n = Number(ora.slice(4));
      return ['ORA-00001', 'ORA-01400', 'ORA-02290', 'ORA-02291', 'ORA-12899', 'ORA-01722', 'ORA-01438', 'ORA-01861'].includes(ora) || (n >= 20_000 && n <= 20_999);
    }
  }
}

export function isDuplicateKey(dialect: Dialect, error: unknown): boolean {
  const raw = error as { code?: unknown; number?: unknown; message?: unknown } | null;
  if (dialect.name === 'postgres') return raw?.code === '23505';
  if (dialect.name === 'mssql') return raw?.number === 2627 || raw?.number === 2601;
  return /ORA-00001\b/.test(`${String(raw?.code ?? '')} ${String(raw?.message ?? '')}`);
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();

function headerValue(order: OrderDocument, field: HeaderField): unknown {
  if (field === 'lineCount') return order.lines.length;
  let value: unknown = order;
  for (const part of field.split('.')) value = (value as Record<string, unknown> | null)?.[part];
  return value ?? null;
}

function lineValue(order: OrderDocument, line: OrderDocument['lines'][number], field: LineField, headerKey: string | null): unknown {
  switch (field) {
    case 'orderId':
      return order.orderId;
    case 'number':
      return order.number;
    case 'headerKey':
      return headerKey;
    case 'lots':
      return JSON.stringify(line.lots);
    default:
      return line[field] ?? null;
  }
}

const DATE_FIELDS = new Set<string>(['orderDate', 'requestedDate']);
/** Staged orders per statement when listing them (listSince). */
const LIST_PAGE = 500;
/** Bound parameters per statement stay well under SQL Server's 2,100. */
const MAX_PARAMS = 1_000;

export interface SqlOrderTargetSettings {
  dialect: Dialect;
  driver: SqlDriver;
  orders: SqlOrdersOptions;
  /** Error context: names the database (`postgres 127.0.0.1:5432/erp`), scrubs secrets. */
  context: Pick<SqlErrorContext, 'where' | 'scrub'>;
}

export function createSqlOrderTarget({ dialect, driver, orders, context }: SqlOrderTargetSettings): OrderTarget {
  const { where } = context;
  const header = identifier(dialect, orders.headerTable);
  const lines = identifier(dialect, orders.linesTable);
  const orderIdColumn = identifier(dialect, orders.orderIdColumn);
  const headerColumns = Object.entries(orders.header);
  const lineColumns = Object.entries(orders.lines);
  // Oracle has no boolean in SQL before 23ai and reads dates through NLS formats; bind what it takes.
  const bindValue = (value: unknown) => (dialect.name === 'oracle' && typeof value === 'boolean' ? (value ? 1 : 0) : value);
  const dateParam = (placeholder: string) => (dialect.name === 'oracle' ? `TO_DATE(${placeholder}, 'YYYY-MM-DD')` : placeholder);

  const readBackSql =
    `SELECT ${orders.erpOrderNoColumn ? identifier(dialect, orders.erpOrderNoColumn) : 'NULL'} AS ${dialect.alias('dh_erp_no')}, ` +
    `${orders.keyColumn ? identifier(dialect, orders.keyColumn) : 'NULL'} AS ${dialect.alias('dh_key')} FROM ${header} WHERE ${orderIdColumn} = ${dialect.placeholder(1)}`;

  function translate(error: unknown, order: Pick<OrderDocument, 'number'>, what: string): Error {
    if (error instanceof TargetRejection) return error;
    const translated = dialect.translateError(error, { where, scrub: context.scrub });
    if (isRefusal(dialect, error) || translated instanceof UpstreamRejectedError) {
      const said = context.scrub(firstLine(error));
      return new TargetRejection(`${where}: ${what} of order ${order.number} refused: ${said}`, said);
    }
    return translated;
  }

  async function readBack(query: QueryFn, orderId: string): Promise<{ erpOrderNo: string | null; key: string | null } | null> {
    const [row] = await query(readBackSql, [orderId]);
    if (!row) return null;
    const text = (value: unknown) => (value === null || value === undefined || value === '' ? null : String(value));
    return { erpOrderNo: text(row.dh_erp_no), key: text(row.dh_key) };
  }

  function toRef(found: { erpOrderNo: string | null; key: string | null }, order: Pick<OrderDocument, 'orderId' | 'number'>, how: string): ErpOrderRef {
    const erpOrderNo = found.erpOrderNo ?? found.key;
    if (!erpOrderNo) throw new TransientError(`${where}: order ${order.number} is staged in ${orders.headerTable} but has no ${orders.erpOrderNoColumn ?? orders.keyColumn} yet`);
    const staging = found.key ? ` as ${found.key}` : '';
    return { erpOrderNo, detail: `${how} in ${orders.headerTable}${staging}${found.erpOrderNo ? '' : ' (staging id; the ERP number follows on import)'}` };
  }

  function insertHeader(order: OrderDocument): { sql: string; params: unknown[] } {
    const params: unknown[] = [order.orderId];
    const values = [dialect.placeholder(1)];
    for (const [, field] of headerColumns) {
      params.push(bindValue(headerValue(order, field)));
      const placeholder = dialect.placeholder(params.length);
      values.push(DATE_FIELDS.has(field) ? dateParam(placeholder) : placeholder);
    }
    const columns = [orderIdColumn, ...headerColumns.map(([column]) => identifier(dialect, column))];
    return { sql: `INSERT INTO ${header} (${columns.join(', ')}) VALUES (${values.join(', ')})`, params };
  }

  /** One multi-row INSERT per chunk: VALUES lists, or SELECT … FROM DUAL UNION ALL on Oracle. */
  function insertLines(order: OrderDocument, headerKey: string | null): Array<{ sql: string; params: unknown[] }> {
    const columns = lineColumns.map(([column]) => identifier(dialect, column)).join(', ');
    const perChunk = Math.max(1, Math.floor(MAX_PARAMS / lineColumns.length));
    const statements: Array<{ sql: string; params: unknown[] }> = [];
    for (let start = 0; start < order.lines.length; start += perChunk) {
      const params: unknown[] = [];
      const rows = order.lines.slice(start, start + perChunk).map((line) =>
        lineColumns.map(([, field]) => {
          params.push(bindValue(lineValue(order, line, field, headerKey)));
          return dialect.placeholder(params.length);
        }),
      );
      const sql =
        dialect.name === 'oracle'
          ? `INSERT INTO ${lines} (${columns}) ${rows.map((row) => `SELECT ${row.join(', ')} FROM DUAL`).join(' UNION ALL ')}`
          : `INSERT INTO ${lines} (${columns}) VALUES ${rows.map((row) => `(${row.join(', ')})`).join(', ')}`;
      statements.push({ sql, params });
    }
    return statements;
  }

  async function find(order: Pick<OrderDocument, 'orderId' | 'number'>, signal: AbortSignal): Promise<ErpOrderRef | null> {
    signal.throwIfAborted();
    try {
      const found = await readBack(driver.query, order.orderId);
      return found ? toRef(found, order, 'found') : null;
    } catch (error) {
      throw translate(error, order, 'lookup');
    }
  }

  /** The header column that takes `field`, if the mapping has one. */
  const headerColumnOf = (field: HeaderField) => headerColumns.find(([, mapped]) => mapped === field)?.[0];

  /**
   * Staged orders with their ERP numbers, keyset-paged on the order-id column. `since` filters on
   * the column that takes the order date (a day early, so no time zone loses an order); without
   * one every staged order is listed.
   */
  async function* listSince(since: Date, signal: AbortSignal): AsyncGenerator<ErpOrderListing> {
    const dateColumn = headerColumnOf('orderDate');
    const numberColumn = headerColumnOf('number');
    const select =
      `SELECT ${orderIdColumn} AS ${dialect.alias('dh_ref')}, ` +
      `${orders.erpOrderNoColumn ? identifier(dialect, orders.erpOrderNoColumn) : 'NULL'} AS ${dialect.alias('dh_erp_no')}, ` +
      `${orders.keyColumn ? identifier(dialect, orders.keyColumn) : 'NULL'} AS ${dialect.alias('dh_key')}, ` +
      `${numberColumn ? identifier(dialect, numberColumn) : 'NULL'} AS ${dialect.alias('dh_number')} FROM ${header}`;
    const from = new Date(since.getTime() - 86_400_000).toISOString().slice(0, 10);
    const text = (value: unknown) => (value === null || value === undefined || value === '' ? null : String(value));
    let after: string | null = null;
    for (;;) {
      signal.throwIfAborted();
      const params: unknown[] = [];
      const conditions: string[] = [];
      if (dateColumn) {
        params.push(from);
        conditions.push(`${identifier(dialect, dateColumn)} >= ${dateParam(dialect.placeholder(params.length))}`);
      }
      if (after !== null) {
        params.push(after);
        conditions.push(`${orderIdColumn} > ${dialect.placeholder(params.length)}`);
      }
      const sql = `${select}${conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''} ORDER BY ${orderIdColumn} ${dialect.limit(LIST_PAGE)}`;
      let rows: Record<string, unknown>[];
      try {
        rows = await driver.query(sql, params);
      } catch (error) {
        throw dialect.translateError(error, { where, scrub: context.scrub });
      }
      for (const row of rows) {
        const reference = text(row.dh_ref);
        if (reference === null) continue;
        yield { reference, erpOrderNo: text(row.dh_erp_no) ?? text(row.dh_key) ?? '', number: text(row.dh_number) };
      }
      if (rows.length < LIST_PAGE) return;
      after = String(rows.at(-1)!.dh_ref);
    }
  }

  return {
    find,
    listSince,

    async create(order, signal) {
      signal.throwIfAborted();
      try {
        return await driver.transaction(async (query) => {
          const head = insertHeader(order);
          await query(head.sql, head.params);
          const staged = await readBack(query, order.orderId);
          if (!staged) throw new TransientError(`${where}: order ${order.number} was inserted into ${orders.headerTable} but cannot be read back by ${orders.orderIdColumn}`);
          for (const statement of insertLines(order, staged.key)) {
            signal.throwIfAborted();
            await query(statement.sql, statement.params);
          }
          return toRef(staged, order, 'staged');
        });
      } catch (error) {
        // Staged meanwhile by another delivery (or by this one, whose answer was lost): the same order, once.
        if (isDuplicateKey(dialect, error)) {
          const found = await find(order, signal);
          if (found) return { ...found, detail: `${found.detail ?? ''} (already staged)`.trim() };
        }
        throw translate(error, order, 'staging');
      }
    },

    async cancel(order, signal) {
      signal.throwIfAborted();
      if (!orders.cancel) {
        throw new TargetRejection(
          `${where}: order ${order.number} cannot be cancelled through the staging tables (no orders.cancel configured); cancel ERP order ${order.erpOrderNo} in the ERP`,
          'cancellations are not staged',
        );
      }
      try {
        await driver.query(`UPDATE ${header} SET ${identifier(dialect, orders.cancel.column)} = ${dialect.placeholder(1)} WHERE ${orderIdColumn} = ${dialect.placeholder(2)}`, [
          orders.cancel.value,
          order.orderId,
        ]);
      } catch (error) {
        throw translate(error, order, 'cancellation');
      }
    },
  };
}
