/**
 * Tamper evidence for the append-only logs (audit_log, access_log, auth_event, write_conflict). Each committed row gets a
 * seal in `audit_seal`: its position in its log's chain (`seq`, 1, 2, 3, ... without gaps) and
 * `hash = sha256(previous hash || '\n' || canonical content)`, hex. Rows are sealed in id order by
 * the sealer (server/audit/sealer.ts) once no transaction that could still add a lower id is open,
 * so the chain order is final and a row that appears later below the sealed range was inserted out
 * of order. Anyone who edits, removes or slips in a row (even a superuser with the append-only
 * guards turned off) leaves a chain that `npm run audit:verify` no longer recomputes.
 *
 * The canonical content is one SQL expression per log, so the sealer (in PL/pgSQL), the verifier
 * (over live rows and over archived months loaded back into a temporary table) and the signed
 * evidence files all canonicalize a row the same way, whatever the session's time zone or
 * DateStyle: a JSON array of the columns in a fixed order, timestamps in UTC with microseconds.
 */

export const CHAINS = ['audit_log', 'access_log', 'auth_event', 'write_conflict'] as const;
export type Chain = (typeof CHAINS)[number];
/** The logs that name records (a record's evidence file holds these; sign-ins name none). */
export const RECORD_CHAINS: Chain[] = ['audit_log', 'access_log'];

export const GENESIS_HASH = '0'.repeat(64);

const utc = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The canonical text of a row of `chain`, for a row aliased `alias`. */
export function canonicalSql(chain: Chain, alias = 't'): string {
  const c = (name: string) => `${alias}.${name}`;
  if (chain === 'audit_log') {
    return `jsonb_build_array(${c('id')}, ${c('table_name')}, ${c('record_pk')}, ${c('action')}, ${c('changed_data')}, ${c('old_data')}, ${c('user_id')}, ${utc(c('occurred_at'))}, ${c('txid')}, ${c('reason')})::text`;
  }
  if (chain === 'write_conflict') {
    return `jsonb_build_array(${c('id')}, ${utc(c('occurred_at'))}, ${c('user_id')}, ${c('action')}, ${c('checked')}, ${c('table_name')}, ${c('record_pk')}, ${c('client_address')})::text`;
  }
  if (chain === 'auth_event') {
    return `jsonb_build_array(${c('id')}, ${utc(c('occurred_at'))}, ${c('event')}, ${c('outcome')}, ${c('method')}, ${c('provider')}, ${c('second_factor')}, ${c('user_id')}, ${c('email')}, ${c('client_address')}, ${c('detail')})::text`;
  }
  return `jsonb_build_array(${c('id')}, ${c('user_id')}, ${c('table_name')}, to_jsonb(${c('record_ids')}), ${c('action')}, ${utc(c('occurred_at'))}, ${c('client_address')}, ${c('filter')})::text`;
}

/** The seal table's check, naming every chain (widened by each migration adding a chain). */
export const SEAL_CHAIN_CHECK_SQL = `ALTER TABLE audit_seal DROP CONSTRAINT audit_seal_chain_check,
  ADD CONSTRAINT audit_seal_chain_check CHECK (chain IN (${CHAINS.map((c) => `'${c}'`).join(', ')}));`;

export const SEAL_TABLE_SQL = `
CREATE TABLE audit_seal (
  chain text NOT NULL,
  seq bigint NOT NULL,
  event_id bigint NOT NULL,
  occurred_at timestamptz NOT NULL,
  hash text NOT NULL,
  sealed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT audit_seal_pkey PRIMARY KEY (chain, seq),
  CONSTRAINT audit_seal_chain_check CHECK (chain IN ('audit_log', 'access_log'))
);
CREATE UNIQUE INDEX audit_seal_chain_event_id_index ON audit_seal (chain, event_id);
CREATE TRIGGER audit_seal_no_update_delete BEFORE UPDATE OR DELETE ON audit_seal FOR EACH ROW EXECUTE FUNCTION append_only_guard();
CREATE TRIGGER audit_seal_no_truncate BEFORE TRUNCATE ON audit_seal FOR EACH STATEMENT EXECUTE FUNCTION append_only_guard();`;

/**
 * Seals the rows of `p_chain` above the last sealed id, up to `p_upto` (the sealer's horizon) and
 * at most `p_max` of them, in id order; answers how many. Callers take turns (an advisory lock).
 */
export const SEAL_FUNCTION_SQL = `
CREATE OR REPLACE FUNCTION audit_seal_rows(p_chain text, p_upto bigint, p_max integer) RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
  last_seq bigint;
  prev text;
  last_id bigint;
  r record;
  n integer := 0;
  seqs bigint[] := '{}';
  ids bigint[] := '{}';
  ats timestamptz[] := '{}';
  hashes text[] := '{}';
BEGIN
  SELECT s.seq, s.hash, s.event_id INTO last_seq, prev, last_id FROM audit_seal s WHERE s.chain = p_chain ORDER BY s.seq DESC LIMIT 1;
  IF last_seq IS NULL THEN
    last_seq := 0;
    prev := '${GENESIS_HASH}';
    last_id := 0;
  END IF;
  FOR r IN EXECUTE format(
    'SELECT t.id, t.occurred_at, %s AS c FROM %I t WHERE t.id > $1 AND ($2::bigint IS NULL OR t.id <= $2) ORDER BY t.id LIMIT $3',
    CASE p_chain ${CHAINS.map((c) => `WHEN '${c}' THEN $canon$${canonicalSql(c)}$canon$`).join(' ')} END,
    p_chain)
    USING last_id, p_upto, p_max
  LOOP
    last_seq := last_seq + 1;
    prev := encode(sha256(convert_to(prev || E'\\n' || r.c, 'UTF8')), 'hex');
    seqs := seqs || last_seq;
    ids := ids || r.id;
    ats := ats || r.occurred_at;
    hashes := hashes || prev;
    n := n + 1;
  END LOOP;
  -- One INSERT for the batch: a row-by-row INSERT costs several times as much per seal.
  INSERT INTO audit_seal (chain, seq, event_id, occurred_at, hash) SELECT p_chain, u.* FROM unnest(seqs, ids, ats, hashes) AS u;
  RETURN n;
END
$fn$;`;
