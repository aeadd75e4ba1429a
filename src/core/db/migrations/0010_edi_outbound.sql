-- Outbound EDI (issue 7, src/edi/transport). Our own control numbers, the documents we send,
-- the EDI facts an order's later documents are written from, and the inbox files handled.

-- One counter per partner and kind (x12.isa = ISA13, x12.gs = GS06, x12.st = ST02,
-- edifact.unb = UNB 0020, edifact.unh = UNH 0062). Taken with an upsert inside the transaction
-- that writes the document: the row stays locked until commit, so two documents never get the
-- same number, a rolled-back one leaves no gap in use, and numbers survive restarts.
CREATE TABLE edi_control_numbers (
  partner    text NOT NULL,
  kind       text NOT NULL,
  last_value bigint NOT NULL CHECK (last_value > 0),
  PRIMARY KEY (partner, kind)
);

-- Every document we send (997, TA1, 855, 856, CONTRL, ORDRSP, DESADV), exactly as sent; an
-- outbox row (target edi) carries it to the partner's folder and/or endpoint.
CREATE TABLE edi_outbound (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partner              text NOT NULL,
  syntax               text NOT NULL CHECK (syntax IN ('x12', 'edifact')),
  document_type        text NOT NULL,
  interchange_control  text NOT NULL,
  group_control        text,
  set_control          text,
  order_id             uuid REFERENCES orders (id) ON DELETE SET NULL,
  inbound_interchange  text,
  file_name            text NOT NULL,
  content              text NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  -- Set once the file is in the partner's folder, so a retry for the endpoint does not write it twice.
  written_to_folder_at timestamptz,
  posted_at            timestamptz,
  UNIQUE (partner, syntax, interchange_control)
);
CREATE INDEX edi_outbound_order_idx ON edi_outbound (order_id, id);

-- An order that came by EDI: the partner's PO as parsed and the envelope to answer with
-- (partner ids, our ids, which documents to send), taken when the order was placed, so the
-- 855 after a person's decision and the 856 at shipping answer the interchange that asked.
CREATE TABLE edi_orders (
  order_id        uuid PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
  partner         text NOT NULL,
  syntax          text NOT NULL CHECK (syntax IN ('x12', 'edifact')),
  po              jsonb NOT NULL,
  envelope        jsonb NOT NULL,
  -- The last order response sent (accepted / changed / rejected), null before the first.
  response_status text,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Files taken from a partner's inbox folder, by content digest: a file is handled once, also
-- when the daemon stopped half-way through it (the row says where it got to).
CREATE TABLE edi_inbox_files (
  partner     text NOT NULL,
  sha256      text NOT NULL,
  file_name   text NOT NULL,
  status      text NOT NULL CHECK (status IN ('processing', 'done', 'failed')),
  report      jsonb,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (partner, sha256)
);
