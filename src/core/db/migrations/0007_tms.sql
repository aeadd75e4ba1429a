-- TMS tracking (src/delivery/README.md, "Tracking"): the carrier and tracking number an order
-- shipped with, the connector that reports on it, and when it shipped and was delivered.
ALTER TABLE orders ADD COLUMN carrier text;
ALTER TABLE orders ADD COLUMN tracking_number text;
ALTER TABLE orders ADD COLUMN tms_connector text;
ALTER TABLE orders ADD COLUMN shipped_at timestamptz;
ALTER TABLE orders ADD COLUMN delivered_at timestamptz;
-- The polling job asks about shipped orders, least recently asked first.
ALTER TABLE orders ADD COLUMN tracking_polled_at timestamptz;
CREATE INDEX orders_tracking_number_idx ON orders (tracking_number) WHERE tracking_number IS NOT NULL;
CREATE INDEX orders_shipped_poll_idx ON orders (tracking_polled_at NULLS FIRST) WHERE status = 'shipped';

-- Webhook deliveries already accepted, per connector: a replayed delivery id is a no-op.
CREATE TABLE tms_webhook_deliveries (
  connector   text NOT NULL,
  delivery_id text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  events      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (connector, delivery_id)
);

-- Every tracking event heard (webhook or poll), once per connector and event key (tracking
-- number or reference, status word, time): what it did to its order, or that no order matched.
CREATE TABLE tracking_events (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  connector       text NOT NULL,
  source          text NOT NULL CHECK (source IN ('webhook', 'poll')),
  event_key       text NOT NULL,
  order_id        uuid REFERENCES orders (id) ON DELETE SET NULL,
  reference       text,
  carrier         text,
  tracking_number text,
  -- picked_up | in_transit | delivered; null when the TMS's word moves nothing.
  status          text CHECK (status IN ('picked_up', 'in_transit', 'delivered')),
  raw_status      text NOT NULL,
  occurred_at     timestamptz,
  received_at     timestamptz NOT NULL DEFAULT now(),
  -- shipped | delivered (the order moved), no_change, ignored (the order is in no state to move), unmatched
  outcome         text NOT NULL CHECK (outcome IN ('shipped', 'delivered', 'no_change', 'ignored', 'unmatched')),
  message         text,
  UNIQUE (connector, event_key)
);
CREATE INDEX tracking_events_order_idx ON tracking_events (order_id, id) WHERE order_id IS NOT NULL;
CREATE INDEX tracking_events_unmatched_idx ON tracking_events (received_at DESC) WHERE outcome = 'unmatched';
