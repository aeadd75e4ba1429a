/** Staging tables like a Kingdee/Yonyou import interface, on the test's PostgreSQL or PGlite. */
import { sqlConnector, createSqlConnector, type SqlDriver } from '../../../src/connectors/sql/index.js';
import { createConnectorRegistry, type ConnectorRegistry } from '../../../src/connectors/hub.js';
import { CONNECTOR_DEFINITIONS } from '../../../src/connectors/registry.js';
import type { Store } from '../../../src/core/db/index.js';

export function stagingDdl(schema: string): string {
  return `
    CREATE SCHEMA ${schema};
    CREATE SEQUENCE ${schema}.so_no;
    CREATE TABLE ${schema}.so_header (
      id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      ext_order_id    text NOT NULL UNIQUE,
      order_no        text NOT NULL,
      external_ref    text,
      dealer_code     text NOT NULL,
      ship_to_code    text,
      ship_to_address varchar(200),
      currency        char(3),
      order_date      date,
      gross           numeric(18, 2),
      discount        numeric(18, 2),
      net             numeric(18, 2),
      note            text,
      erp_order_no    text NOT NULL DEFAULT ('XS' || lpad(nextval('${schema}.so_no')::text, 8, '0')),
      status          text NOT NULL DEFAULT 'NEW',
      staged_at       timestamptz NOT NULL DEFAULT now());
    CREATE TABLE ${schema}.so_line (
      id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      header_id      bigint NOT NULL REFERENCES ${schema}.so_header (id),
      ext_order_id   text NOT NULL,
      line_no        integer NOT NULL,
      sku            text NOT NULL,
      qty            integer NOT NULL CHECK (qty > 0),
      uom            text,
      unit_price     numeric(18, 4),
      gross          numeric(18, 2),
      discount       numeric(18, 2),
      net            numeric(18, 2),
      is_gift        boolean,
      warehouse_code text,
      lots           text,
      UNIQUE (ext_order_id, line_no));
    -- The ERP's own import rule, as a trigger: some customers are blocked.
    CREATE FUNCTION ${schema}.check_header() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.note = 'credit-block' THEN RAISE EXCEPTION 'customer % is blocked for credit (rule K3-17)', NEW.dealer_code; END IF;
        RETURN NEW;
      END $$;
    CREATE TRIGGER check_header BEFORE INSERT ON ${schema}.so_header FOR EACH ROW EXECUTE FUNCTION ${schema}.check_header();`;
}

/** The `orders:` options for those tables. */
export function stagingOrders(schema: string) {
  return {
    headerTable: `${schema}.so_header`,
    linesTable: `${schema}.so_line`,
    orderIdColumn: 'ext_order_id',
    keyColumn: 'id',
    erpOrderNoColumn: 'erp_order_no',
    header: {
      order_no: 'number', external_ref: 'externalRef', dealer_code: 'dealer.code', ship_to_code: 'shipTo.code', ship_to_address: 'shipTo.address',
      currency: 'currency', order_date: 'orderDate', gross: 'totals.gross', discount: 'totals.discount', net: 'totals.net', note: 'note',
    },
    lines: {
      header_id: 'headerKey', ext_order_id: 'orderId', line_no: 'lineNo', sku: 'sku', qty: 'qty', uom: 'uom', unit_price: 'unitPrice', gross: 'gross',
      discount: 'discount', net: 'net', is_gift: 'isGift', warehouse_code: 'warehouseCode', lots: 'lots',
    },
    cancel: { column: 'status', value: 'CANCELLED' },
  };
}

/** A SqlDriver over a store (PGlite has no URL to connect to: the staging tables live in the same embedded database). */
export function storeDriver(store: Store): SqlDriver {
  return {
    query: async (sql, params) => (await store.query<Record<string, unknown>>(sql, params)).rows,
    transaction: (work) => store.tx((q) => work(async (sql, params) => (await q.query<Record<string, unknown>>(sql, params)).rows)),
    close: async () => {},
  };
}

/** The daemon's connector kinds, with `sql` connectors of dialect postgres running on `store` instead of a URL. */
export function registryOnStore(store: Store): ConnectorRegistry {
  return createConnectorRegistry([
    ...CONNECTOR_DEFINITIONS.filter((definition) => definition.kind !== 'sql'),
    { ...sqlConnector, create: (options, deps) => createSqlConnector(options, deps, storeDriver(store)) },
  ]);
}
