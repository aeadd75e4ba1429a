-- Inventory intelligence (issue 8, src/inventory). The last expiry tier the
-- inventory.expiry-alerts job saw for each lot ('none' = no tier yet), so a lot crossing into a
-- worse tier is alerted once; and the alerts it raised, with what became of the webhook call.
-- Channel quotas need no table: a reservation's channel is its dealer's channel under the
-- current config, read from reservations → order_lines → orders → dealers. An alert is
-- 'pending' until the configured webhook took it (resent by every run until then), 'none' without one.
CREATE TABLE expiry_lot_tiers (
  stock_lot_id bigint PRIMARY KEY REFERENCES stock_lots (id) ON DELETE CASCADE,
  tier         text NOT NULL CHECK (tier IN ('none', 'blue', 'yellow', 'red', 'expired')),
  seen_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE expiry_alerts (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stock_lot_id   bigint NOT NULL REFERENCES stock_lots (id) ON DELETE CASCADE,
  from_tier      text NOT NULL,
  to_tier        text NOT NULL,
  business_date  date NOT NULL,
  on_hand        integer NOT NULL,
  webhook_status text NOT NULL DEFAULT 'none' CHECK (webhook_status IN ('none', 'pending', 'sent')),
  raised_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX expiry_alerts_raised_idx ON expiry_alerts (raised_at DESC);
