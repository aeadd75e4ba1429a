-- Credit exposure = open AR (from the ERP) + approved orders not yet invoiced (ours). Summing a
-- dealer's orders on every new order grows with its history; the running total is kept on the
-- credit row instead, changed in the same transaction as the order status it follows.
ALTER TABLE credit_accounts ADD COLUMN open_orders numeric(18, 2) NOT NULL DEFAULT 0;
UPDATE credit_accounts c
   SET open_orders = coalesce((SELECT sum(o.net) FROM orders o WHERE o.dealer_id = c.dealer_id AND o.status IN ('approved', 'released', 'confirmed')), 0);
