-- Reconciliation with the ERP (src/reconciliation/README.md): each run compares the canonical
-- store with the ERP over a window and records what disagrees as findings.
CREATE TABLE reconciliation_runs (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trigger       text NOT NULL DEFAULT 'schedule',
  status        text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  window_from   timestamptz NOT NULL,
  window_to     timestamptz NOT NULL,
  -- The connector asked about orders (delivery.erp unless the run named another); null: none.
  erp_connector text,
  -- The settings the run used (window, tolerances, drift streams …).
  settings      jsonb NOT NULL DEFAULT '{}',
  -- Per check: done / skipped (with the reason) / failed (with the error), and what it looked at.
  checks        jsonb NOT NULL DEFAULT '{}',
  -- Findings per kind, and what was compared.
  counts        jsonb NOT NULL DEFAULT '{}',
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  error         text
);

CREATE TABLE reconciliation_findings (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id           bigint NOT NULL REFERENCES reconciliation_runs (id) ON DELETE CASCADE,
  kind             text NOT NULL CHECK (kind IN ('missing_in_erp', 'not_delivered', 'unknown_in_erp', 'number_mismatch', 'stock_drift', 'credit_drift')),
  -- What the finding is about, unique per run and kind (an order id, an ERP reference,
  -- sku|warehouse|lot, dealer|field): one finding per thing even when two checks see it.
  key              text NOT NULL,
  order_id         uuid REFERENCES orders (id) ON DELETE SET NULL,
  order_number     text,
  -- The order's create row (order.approved), which a replay sends again.
  outbox_id        bigint REFERENCES outbox (id) ON DELETE SET NULL,
  erp_reference    text,
  sku              text,
  warehouse_code   text,
  lot              text,
  dealer_code      text,
  -- Which figure drifted (on_hand, credit_limit, ar_open) or which number differs (erp_order_no).
  field            text,
  ours             text,
  theirs           text,
  detail           text NOT NULL,
  resolved         boolean NOT NULL DEFAULT false,
  resolved_at      timestamptz,
  resolved_by      text,
  resolution       text,
  -- A replay from the finding: the outbox row sent again; resolved once it is delivered.
  replay_outbox_id bigint REFERENCES outbox (id) ON DELETE SET NULL,
  replayed_at      timestamptz,
  replayed_by      text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (run_id, kind, key)
);
CREATE INDEX reconciliation_findings_run_idx ON reconciliation_findings (run_id, id);
CREATE INDEX reconciliation_findings_order_idx ON reconciliation_findings (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX reconciliation_findings_replay_idx ON reconciliation_findings (replay_outbox_id) WHERE replay_outbox_id IS NOT NULL AND NOT resolved;

-- The order check reads the window's orders in (created_at, id) order, a batch at a time.
CREATE INDEX orders_created_idx ON orders (created_at, id);
