/**
 * What retention took out of the logs, and the signed chain heads that make a shortened chain show.
 *
 * `audit_archive`: one row per month archived (audit_partitions.ts writes it before the month's
 * table is dropped), with the time of its last event. Time travel reads forwards from a moment, so
 * it needs every event after the moment: a moment before an archived event cannot be answered from
 * the log (server/audit/archive-horizon.ts), and evidence exports read archived months back from
 * their files.
 *
 * `audit_checkpoint`: the chain head (position, event, hash) signed with the Ed25519 evidence key
 * at a moment (server/audit/checkpoints.ts). A hash chain cannot show that its newest rows were
 * removed together with their seals; a signed head that the chain no longer reaches can.
 */
export const ARCHIVES_SQL = `
CREATE TABLE IF NOT EXISTS audit_archive (
  chain text NOT NULL,
  partition text NOT NULL,
  rows bigint NOT NULL,
  first_occurred_at timestamptz,
  last_occurred_at timestamptz,
  file text NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT audit_archive_pkey PRIMARY KEY (chain, partition)
);

CREATE TABLE IF NOT EXISTS audit_checkpoint (
  id bigserial PRIMARY KEY,
  chain text NOT NULL,
  seq bigint NOT NULL,
  event_id bigint NOT NULL,
  hash text NOT NULL,
  signed_at timestamptz NOT NULL,
  key_id text NOT NULL,
  signature text NOT NULL,
  CONSTRAINT audit_checkpoint_chain_check CHECK (chain IN ('audit_log', 'access_log'))
);
CREATE INDEX IF NOT EXISTS audit_checkpoint_chain_seq_index ON audit_checkpoint (chain, seq);
CREATE OR REPLACE TRIGGER audit_checkpoint_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoint FOR EACH ROW EXECUTE FUNCTION append_only_guard();
CREATE OR REPLACE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint FOR EACH STATEMENT EXECUTE FUNCTION append_only_guard();`;
