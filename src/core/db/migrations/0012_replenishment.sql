-- Replenishment (issue 8): sell-through and store inventory reported by chain-store dealers,
-- and the suggested orders computed from demand history (src/replenishment).
--
-- One row per dealer × store × product × day. A report may carry the units sold, the units on
-- hand at the end of the day, or both (X12 852 and the JSON/CSV endpoint usually both; EDIFACT
-- SLSRPT sales only, INVRPT stock only), so both are nullable and a later report of the same
-- day fills in or replaces what it carries and keeps the rest. store_code '' is the dealer
-- itself when it reports without stores.
CREATE TABLE sell_through (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dealer_id    bigint NOT NULL REFERENCES dealers (id) ON DELETE CASCADE,
  store_code   text NOT NULL DEFAULT '',
  product_id   bigint NOT NULL REFERENCES products (id),
  report_date  date NOT NULL,
  qty_sold     integer CHECK (qty_sold >= 0),
  on_hand      integer CHECK (on_hand >= 0),
  -- api | csv | x12-852 | edifact-slsrpt | edifact-invrpt | demo
  source       text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (dealer_id, store_code, product_id, report_date),
  CHECK (qty_sold IS NOT NULL OR on_hand IS NOT NULL)
);
CREATE INDEX sell_through_dealer_product_idx ON sell_through (dealer_id, product_id, report_date);

-- The latest suggestions per dealer: one plan header (when, from what) and its lines, replaced
-- whole in one transaction by the nightly job or an on-demand computation.
CREATE TABLE replenishment_plans (
  dealer_id     bigint PRIMARY KEY REFERENCES dealers (id) ON DELETE CASCADE,
  generated_at  timestamptz NOT NULL,
  as_of         date NOT NULL,
  trigger       text NOT NULL,
  -- { bucket, leadTimeDays, reviewPeriodDays, serviceLevel, z, series, methods: { name: count } }
  summary       jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE replenishment_lines (
  dealer_id          bigint NOT NULL REFERENCES replenishment_plans (dealer_id) ON DELETE CASCADE,
  product_id         bigint NOT NULL REFERENCES products (id),
  suggested_qty      integer NOT NULL CHECK (suggested_qty >= 0),
  pack_size          integer NOT NULL,
  forecast_per_week  numeric(14, 2) NOT NULL,
  demand_over_cover  numeric(14, 2) NOT NULL,
  lead_time_days     integer NOT NULL,
  review_period_days integer NOT NULL,
  safety_stock       integer NOT NULL,
  on_hand            integer NOT NULL,
  on_order           integer NOT NULL,
  method             text NOT NULL,
  -- orders | sell-through: where the demand history came from
  demand_source      text NOT NULL,
  reasoning          text NOT NULL,
  detail             jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (dealer_id, product_id)
);
CREATE INDEX replenishment_lines_product_idx ON replenishment_lines (product_id);
