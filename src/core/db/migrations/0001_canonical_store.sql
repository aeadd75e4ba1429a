-- The canonical store (DESIGN.md). Quantities are whole units of the product's base UoM;
-- money is numeric (exact), unit prices to 4 places, amounts to 2; currency on every amount.

CREATE TABLE regions (
  code        text PRIMARY KEY CHECK (code ~ '^[0-9]{2}([0-9]{2}([0-9]{2})?)?$'),
  name        text NOT NULL,
  -- 44 → 4403 → 440305: the parent is the code with its last two digits dropped.
  parent_code text GENERATED ALWAYS AS (CASE WHEN length(code) > 2 THEN left(code, length(code) - 2) END) STORED
);

CREATE TABLE dealers (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code                text NOT NULL UNIQUE,
  name                text NOT NULL,
  tier                text NOT NULL,
  dealer_group        text,
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
  cooperation_since   date,
  payment_terms_days  integer NOT NULL DEFAULT 30 CHECK (payment_terms_days >= 0),
  currency            char(3) NOT NULL DEFAULT 'CNY',
  min_remaining_shelf_life_days integer CHECK (min_remaining_shelf_life_days >= 0),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Regions a dealer may sell into; a province code covers its cities and districts.
CREATE TABLE dealer_regions (
  dealer_id   bigint NOT NULL REFERENCES dealers (id) ON DELETE CASCADE,
  region_code text NOT NULL CHECK (region_code ~ '^[0-9]{2}([0-9]{2}([0-9]{2})?)?$'),
  valid_from  date NOT NULL DEFAULT DATE '2000-01-01',
  valid_to    date,
  PRIMARY KEY (dealer_id, region_code, valid_from),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

CREATE TABLE ship_tos (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dealer_id   bigint NOT NULL REFERENCES dealers (id) ON DELETE CASCADE,
  code        text NOT NULL,
  name        text NOT NULL,
  address     text NOT NULL,
  region_code text NOT NULL CHECK (region_code ~ '^[0-9]{6}$'),
  contact     text,
  phone       text,
  status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (dealer_id, code)
);

CREATE TABLE products (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku             text NOT NULL UNIQUE,
  name            text NOT NULL,
  uom             text NOT NULL DEFAULT 'EA',
  pack_size       integer NOT NULL DEFAULT 1 CHECK (pack_size > 0),
  round_to_pack   boolean NOT NULL DEFAULT false,
  shelf_life_days integer CHECK (shelf_life_days > 0),
  min_remaining_shelf_life_days integer CHECK (min_remaining_shelf_life_days >= 0),
  category        text,
  brand           text,
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'discontinued')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_category_idx ON products (category);

-- A price list applies to a dealer tier or to one dealer (an override), within its dates.
CREATE TABLE price_lists (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code        text NOT NULL UNIQUE,
  name        text NOT NULL,
  currency    char(3) NOT NULL DEFAULT 'CNY',
  tier        text,
  dealer_id   bigint REFERENCES dealers (id) ON DELETE CASCADE,
  valid_from  date NOT NULL DEFAULT DATE '2000-01-01',
  valid_to    date,
  CHECK ((tier IS NULL) <> (dealer_id IS NULL)),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

-- min_qty > 1 rows are quantity breaks (阶梯价): the highest min_qty ≤ ordered qty applies.
CREATE TABLE prices (
  price_list_id bigint NOT NULL REFERENCES price_lists (id) ON DELETE CASCADE,
  product_id    bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  min_qty       integer NOT NULL DEFAULT 1 CHECK (min_qty >= 1),
  unit_price    numeric(18, 4) NOT NULL CHECK (unit_price >= 0),
  PRIMARY KEY (price_list_id, product_id, min_qty)
);
CREATE INDEX prices_product_idx ON prices (product_id);

CREATE TABLE warehouses (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code        text NOT NULL UNIQUE,
  name        text NOT NULL,
  region_code text NOT NULL,
  priority    integer NOT NULL DEFAULT 100,
  status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive'))
);

-- `reserved` is kept beside on_hand so ATP is one row read and a reservation one
-- conditional UPDATE; the reservations table is its itemised ledger.
CREATE TABLE stock_lots (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id      bigint NOT NULL REFERENCES products (id),
  warehouse_id    bigint NOT NULL REFERENCES warehouses (id),
  lot             text NOT NULL,
  production_date date,
  expiry_date     date,
  received_at     date,
  on_hand         integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
  reserved        integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  synced_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (product_id, warehouse_id, lot),
  CHECK (expiry_date IS NULL OR production_date IS NULL OR expiry_date >= production_date)
);
CREATE INDEX stock_lots_fefo_idx ON stock_lots (product_id, warehouse_id, expiry_date);

CREATE TABLE safety_stock (
  product_id   bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  warehouse_id bigint NOT NULL REFERENCES warehouses (id) ON DELETE CASCADE,
  channel      text NOT NULL DEFAULT '*',
  qty          integer NOT NULL CHECK (qty >= 0),
  PRIMARY KEY (product_id, warehouse_id, channel)
);

CREATE TABLE credit_accounts (
  dealer_id     bigint PRIMARY KEY REFERENCES dealers (id) ON DELETE CASCADE,
  currency      char(3) NOT NULL DEFAULT 'CNY',
  credit_limit  numeric(18, 2) NOT NULL CHECK (credit_limit >= 0),
  ar_open       numeric(18, 2) NOT NULL DEFAULT 0,
  overdue       numeric(18, 2) NOT NULL DEFAULT 0 CHECK (overdue >= 0),
  oldest_overdue_days integer NOT NULL DEFAULT 0 CHECK (oldest_overdue_days >= 0),
  synced_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ar_open_items (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dealer_id    bigint NOT NULL REFERENCES dealers (id) ON DELETE CASCADE,
  document_no  text NOT NULL,
  document_date date NOT NULL,
  due_date     date NOT NULL,
  currency     char(3) NOT NULL DEFAULT 'CNY',
  amount       numeric(18, 2) NOT NULL,
  open_amount  numeric(18, 2) NOT NULL,
  paid_at      date,
  synced_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (dealer_id, document_no)
);
CREATE INDEX ar_open_items_due_idx ON ar_open_items (dealer_id, due_date);

CREATE TABLE orders (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number          text NOT NULL UNIQUE,
  dealer_id       bigint NOT NULL REFERENCES dealers (id),
  channel         text NOT NULL CHECK (channel IN ('portal', 'api', 'batch', 'edi')),
  external_ref    text,
  idempotency_key text,
  request_hash    text,
  ship_to_id      bigint NOT NULL REFERENCES ship_tos (id),
  status          text NOT NULL CHECK (status IN ('submitted', 'approved', 'held', 'rejected', 'released',
                    'confirmed', 'shipped', 'delivered', 'cancelled')),
  currency        char(3) NOT NULL DEFAULT 'CNY',
  gross           numeric(18, 2) NOT NULL DEFAULT 0,
  discount        numeric(18, 2) NOT NULL DEFAULT 0,
  net             numeric(18, 2) NOT NULL DEFAULT 0,
  review          jsonb,
  erp_order_no    text,
  note            text,
  requested_date  date,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (net = gross - discount)
);
CREATE UNIQUE INDEX orders_idempotency_idx ON orders (dealer_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- The same PO from the same dealer through two channels is one order (duplicate detection).
CREATE UNIQUE INDEX orders_external_ref_idx ON orders (dealer_id, external_ref)
  WHERE external_ref IS NOT NULL AND status <> 'cancelled';
CREATE INDEX orders_dealer_created_idx ON orders (dealer_id, created_at DESC);
CREATE INDEX orders_status_idx ON orders (status, created_at);

CREATE TABLE order_lines (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id     uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line_no      integer NOT NULL CHECK (line_no > 0),
  product_id   bigint NOT NULL REFERENCES products (id),
  warehouse_id bigint REFERENCES warehouses (id),
  qty          integer NOT NULL CHECK (qty > 0),
  unit_price   numeric(18, 4) NOT NULL CHECK (unit_price >= 0),
  gross        numeric(18, 2) NOT NULL,
  discount     numeric(18, 2) NOT NULL DEFAULT 0,
  net          numeric(18, 2) NOT NULL CHECK (net >= 0),
  is_gift      boolean NOT NULL DEFAULT false,
  promotion_id bigint,
  UNIQUE (order_id, line_no),
  CHECK (net = gross - discount)
);
CREATE INDEX order_lines_product_idx ON order_lines (product_id);

CREATE TABLE reservations (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_line_id bigint NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
  stock_lot_id  bigint NOT NULL REFERENCES stock_lots (id),
  qty           integer NOT NULL CHECK (qty > 0),
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'released', 'consumed')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  released_at   timestamptz
);
CREATE INDEX reservations_line_idx ON reservations (order_line_id);
CREATE INDEX reservations_lot_active_idx ON reservations (stock_lot_id) WHERE status = 'active';

-- Append-only audit: every state change and every review decision, with its reasons.
CREATE TABLE order_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id    uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  type        text NOT NULL,
  from_status text,
  to_status   text,
  actor       text NOT NULL,
  reasons     jsonb NOT NULL DEFAULT '[]',
  message     text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_events_order_idx ON order_events (order_id, id);

CREATE TABLE promotions (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code            text NOT NULL UNIQUE,
  name            text NOT NULL,
  type            text NOT NULL,
  rules           jsonb NOT NULL,
  eligibility     jsonb NOT NULL DEFAULT '{}',
  priority        integer NOT NULL DEFAULT 100,
  stackable       boolean NOT NULL DEFAULT true,
  exclusive_group text,
  valid_from      timestamptz,
  valid_to        timestamptz,
  time_zone       text NOT NULL DEFAULT 'Asia/Shanghai',
  budget_amount   numeric(18, 2),
  budget_uses     integer,
  used_amount     numeric(18, 2) NOT NULL DEFAULT 0,
  used_uses       integer NOT NULL DEFAULT 0,
  per_dealer_limit integer,
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'paused', 'ended')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (budget_amount IS NULL OR used_amount <= budget_amount),
  CHECK (budget_uses IS NULL OR used_uses <= budget_uses)
);

-- Written in the same transaction as the state change it announces; delivered at least
-- once, made exactly-once by the target's idempotency on (aggregate_id, event).
CREATE TABLE outbox (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event           text NOT NULL,
  aggregate_type  text NOT NULL,
  aggregate_id    text NOT NULL,
  target          text NOT NULL,
  payload         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'in_flight', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  external_id     text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status IN ('pending', 'in_flight');
CREATE INDEX outbox_aggregate_idx ON outbox (aggregate_type, aggregate_id, id);

CREATE TABLE sync_state (
  connector   text NOT NULL,
  stream      text NOT NULL,
  cursor      jsonb,
  last_run_at timestamptz,
  stats       jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (connector, stream)
);

CREATE TABLE sync_runs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  connector   text NOT NULL,
  stream      text NOT NULL,
  trigger     text NOT NULL DEFAULT 'schedule',
  status      text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  counts      jsonb NOT NULL DEFAULT '{}',
  issues      jsonb NOT NULL DEFAULT '[]',
  error       text
);
CREATE INDEX sync_runs_stream_idx ON sync_runs (connector, stream, id DESC);

CREATE TABLE edi_interchanges (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partner         text NOT NULL,
  standard        text NOT NULL CHECK (standard IN ('x12', 'edifact')),
  direction       text NOT NULL CHECK (direction IN ('in', 'out')),
  control_number  text NOT NULL,
  status          text NOT NULL,
  document_type   text,
  received_at     timestamptz NOT NULL DEFAULT now(),
  summary         jsonb NOT NULL DEFAULT '{}',
  UNIQUE (partner, direction, control_number)
);

-- Bearer tokens are stored as SHA-256 digests only; the prefix lets people tell them apart.
CREATE TABLE api_credentials (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('dealer', 'admin')),
  dealer_id    bigint REFERENCES dealers (id) ON DELETE CASCADE,
  token_hash   text NOT NULL UNIQUE,
  token_prefix text NOT NULL,
  label        text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz,
  CHECK ((kind = 'dealer') = (dealer_id IS NOT NULL))
);
