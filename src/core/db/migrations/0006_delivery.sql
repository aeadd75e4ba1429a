-- Outbox delivery (src/delivery/README.md). A row is claimed by the relay (status in_flight,
-- next_attempt_at = claim time + lease), handed to one `deliver` job per claim, and ends
-- delivered, dead (attempts used up) or rejected (the target said no on the merits).
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check CHECK (status IN ('pending', 'in_flight', 'delivered', 'dead', 'rejected'));
-- Claims ever made (never reset, unlike attempts): names the deliver job of each claim and lets a
-- late handler of an earlier claim see that it no longer owns the row.
ALTER TABLE outbox ADD COLUMN claims integer NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_attempt_at timestamptz;
-- The connector that took it, and a short summary of the target's answer (no secrets).
ALTER TABLE outbox ADD COLUMN delivered_by text;
ALTER TABLE outbox ADD COLUMN response text;
CREATE INDEX outbox_status_idx ON outbox (status, id DESC);

-- Every replay of a dead or rejected row: who, when, and the row before and after.
CREATE TABLE outbox_replays (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  outbox_id         bigint NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
  actor             text NOT NULL,
  replayed_at       timestamptz NOT NULL DEFAULT now(),
  status_before     text NOT NULL,
  attempts_before   integer NOT NULL,
  last_error_before text,
  payload_before    jsonb NOT NULL,
  payload_after     jsonb NOT NULL,
  comment           text
);
CREATE INDEX outbox_replays_outbox_idx ON outbox_replays (outbox_id, id);
