-- Dynamic credit limits and the risk rule (issue 8; src/credit, src/risk).

-- Every change of a dealer's credit limit made here (job or admin), with the score behind it.
-- Proposals wait as status 'proposed' until a person approves or rejects them; applied rows are
-- the audit trail. old_limit is the limit when the row was written (a proposal re-reads it when
-- approved and records what it replaced then).
CREATE TABLE credit_limit_changes (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dealer_id   bigint NOT NULL REFERENCES dealers (id) ON DELETE CASCADE,
  status      text NOT NULL CHECK (status IN ('applied', 'proposed', 'approved', 'rejected', 'superseded')),
  currency    char(3) NOT NULL,
  old_limit   numeric(18, 2) NOT NULL,
  new_limit   numeric(18, 2) NOT NULL CHECK (new_limit >= 0),
  score       numeric(6, 4),
  band        text,
  reason      text NOT NULL,
  -- The scorer's output: factors with value, sub-score, weight and contribution.
  factors     jsonb NOT NULL DEFAULT '{}',
  -- Who made or proposed it: 'job:credit.review', 'admin:<token label>'.
  actor       text NOT NULL,
  decided_by  text,
  decided_at  timestamptz,
  comment     text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credit_limit_changes_dealer_idx ON credit_limit_changes (dealer_id, id DESC);
-- At most one open proposal per dealer: a newer review supersedes the older one.
CREATE UNIQUE INDEX credit_limit_changes_open_idx ON credit_limit_changes (dealer_id) WHERE status = 'proposed';

-- Optional payment method of an order (risk: a method unlike the dealer's usual one).
ALTER TABLE orders ADD COLUMN payment_method text;
