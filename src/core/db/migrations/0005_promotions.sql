-- Promotions in the order path (src/ordering/promotions/README.md): coupons, redemptions that
-- consume budgets in the order's transaction and are given back on cancel/reject, and what each
-- order's promotions did (per line and per order), kept for the ERP write-back and for audit.

ALTER TABLE promotions ADD COLUMN requires_coupon boolean NOT NULL DEFAULT false;
ALTER TABLE promotions ADD COLUMN source text NOT NULL DEFAULT 'admin';
ALTER TABLE promotions ADD CONSTRAINT promotions_type_check
  CHECK (type IN ('threshold', 'tiered', 'repeating', 'order_percent', 'line_discount', 'buy_x_get_y', 'gift', 'bundle', 'quantity_break', 'mix_match'));
ALTER TABLE promotions ADD CONSTRAINT promotions_window_check CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from);
ALTER TABLE promotions ADD CONSTRAINT promotions_used_check CHECK (used_amount >= 0 AND used_uses >= 0);
CREATE INDEX promotions_active_idx ON promotions (status, valid_to) WHERE status = 'active';

CREATE TABLE coupons (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code             text NOT NULL,
  promotion_id     bigint NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
  -- NULL = unlimited; 1 = single use.
  max_uses         integer CHECK (max_uses > 0),
  used             integer NOT NULL DEFAULT 0 CHECK (used >= 0),
  per_dealer_limit integer CHECK (per_dealer_limit > 0),
  -- A code issued to one dealer; NULL = any dealer the promotion is open to.
  dealer_id        bigint REFERENCES dealers (id),
  valid_from       timestamptz,
  valid_to         timestamptz,
  status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (max_uses IS NULL OR used <= max_uses),
  CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from)
);
-- Dealers type codes in any case.
CREATE UNIQUE INDEX coupons_code_idx ON coupons (lower(code));
CREATE INDEX coupons_promotion_idx ON coupons (promotion_id);

-- One row per promotion an order used. Budget counters on promotions and coupons are changed in
-- the same transaction; `released` rows gave their share back (order cancelled or rejected).
CREATE TABLE promotion_redemptions (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  promotion_id  bigint NOT NULL REFERENCES promotions (id),
  order_id      uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  dealer_id     bigint NOT NULL REFERENCES dealers (id),
  coupon_id     bigint REFERENCES coupons (id),
  discount      numeric(18, 2) NOT NULL CHECK (discount >= 0),
  -- Whether this redemption moved the promotion's used_amount/used_uses (it has a budget).
  counted       boolean NOT NULL DEFAULT false,
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'released')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  released_at   timestamptz,
  UNIQUE (order_id, promotion_id)
);
CREATE INDEX promotion_redemptions_dealer_idx ON promotion_redemptions (dealer_id, promotion_id) WHERE status = 'active';
CREATE INDEX promotion_redemptions_promotion_idx ON promotion_redemptions (promotion_id, created_at);

-- The promotion report of the order as placed (every promotion considered, applied or not, why).
ALTER TABLE orders ADD COLUMN promotions jsonb;
-- Each promotion's share of the line's discount: [{"promotion": "P-CODE", "amount": "12.34"}].
ALTER TABLE order_lines ADD COLUMN discounts jsonb NOT NULL DEFAULT '[]';
ALTER TABLE order_lines ADD CONSTRAINT order_lines_promotion_fk FOREIGN KEY (promotion_id) REFERENCES promotions (id);
