-- Inbound EDI interchanges (issue 7, src/edi/intake.ts). The table itself came with the
-- canonical schema (0001: partner, standard, direction, control_number, status, document_type,
-- received_at, summary, UNIQUE (partner, direction, control_number)); inbound rows now also keep
-- who sent them and what became of every document.
--
-- Inbound (direction 'in') statuses: processing (being worked on), processed (documents handled,
-- see summary/errors/results), failed (an unexpected error stopped it; a resend is accepted and
-- is safe because every order is idempotent on partner + PO number). `summary` holds the counts
-- { documents, created, replayed, failed, held }. A control number seen again within the
-- partner's duplicate window is refused and only counted here (duplicates, last_duplicate_at);
-- after the window, the row is reused for the new interchange.
ALTER TABLE edi_interchanges
  ADD COLUMN dealer_id         bigint REFERENCES dealers (id) ON DELETE SET NULL,
  ADD COLUMN sender            text,
  ADD COLUMN receiver          text,
  ADD COLUMN finished_at       timestamptz,
  -- Failed and held documents: [{ index, poNumber, status, code, message, position, lines? }].
  ADD COLUMN errors            jsonb NOT NULL DEFAULT '[]',
  -- Every document's result as returned to the sender.
  ADD COLUMN results           jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN duplicates        integer NOT NULL DEFAULT 0,
  ADD COLUMN last_duplicate_at timestamptz;
CREATE INDEX edi_interchanges_dealer_idx ON edi_interchanges (dealer_id, received_at DESC);
