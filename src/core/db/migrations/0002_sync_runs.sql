-- A snapshot stream (stock) is authoritative for what it reports: rows it stopped reporting
-- have disappeared. sync_seen collects, per page, the ids of the rows a snapshot run reported
-- (one array per page, not one row per record: a 1M-row snapshot adds ~100 rows here). It
-- survives a crash, so a resumed run keeps counting, and is cleared when a snapshot starts afresh.
ALTER TABLE sync_state ADD COLUMN complete boolean NOT NULL DEFAULT true;
ALTER TABLE sync_state ADD COLUMN run_id bigint;

CREATE UNLOGGED TABLE sync_seen (
  scope text NOT NULL,
  ids   bigint[] NOT NULL
);
CREATE INDEX sync_seen_scope_idx ON sync_seen (scope);

ALTER TABLE sync_runs ADD COLUMN resumed_from jsonb;
