-- Shaped like OmniFlow's messages table where it costs: a text primary key
-- plus one secondary index on (account_id, id).
CREATE TABLE accepted (
  id TEXT PRIMARY KEY NOT NULL,
  account_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX accepted_account_id_idx ON accepted (account_id, id);
