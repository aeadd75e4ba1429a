-- Human-facing order numbers (DH2611240000123): a sequence never hands out the same value twice,
-- even across replicas, and never blocks concurrent orders.
CREATE SEQUENCE order_number_seq;
CREATE INDEX reservations_status_idx ON reservations (status) WHERE status = 'active';
