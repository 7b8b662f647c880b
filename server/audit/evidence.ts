import type { Pool, PoolClient } from 'pg';
import { logWithArchives } from './archive-files.js';
import { AppError } from '../errors/app-error.js';
import { ident, Params } from '../engine/plan/sql.js';
import { canonicalSql, GENESIS_HASH, type Chain } from './chain.sql.js';
import { linkHash } from './chain-verify.js';
import { signBytes, verifyBytes, type SigningKey } from './signing-key.js';

const EVIDENCE_FORMAT = 'kcsos-audit-evidence/1';
/** More events than this in one file: narrow the range (the file is built in memory). */
const MAX_EVIDENCE_EVENTS = 50_000;
/** More row content than this in one file: narrow the range (the file and its JSON are built in memory). */
export const MAX_EVIDENCE_BYTES = 4 * 1024 * 1024;

/** One sealed event, with what it takes to recompute its link: sha256(prev_hash + "\n" + canonical). */
interface EvidenceEvent {
  seq: string;
  event_id: string;
  prev_hash: string;
  hash: string;
  /** The row as sealed: a JSON array of its columns (server/audit/chain.sql.ts gives the order). */
  canonical: string;
}

interface EvidenceSection {
  chain: Chain;
  events: EvidenceEvent[];
  /** Events in scope committed but not sealed yet (not in the file; export again shortly). */
  unsealed: string[];
}

export type EvidenceSubject = { kind: 'record'; resource: string; id: number } | { kind: 'range'; log: Chain; from: string; to: string };

export interface Evidence {
  format: typeof EVIDENCE_FORMAT;
  generated_at: string;
  generated_by: { user_id: number | null; name: string | null };
  subject: EvidenceSubject;
  /** sha256 of the signing public key: compare it with the key published for this deployment. */
  key_id: string;
  public_key: string;
  columns: Record<Chain, string[]>;
  sections: EvidenceSection[];
}

const CANONICAL_COLUMNS: Record<Chain, string[]> = {
  audit_log: ['id', 'table_name', 'record_pk', 'action', 'changed_data', 'old_data', 'user_id', 'occurred_at', 'txid', 'reason'],
  access_log: ['id', 'user_id', 'table_name', 'record_ids', 'action', 'occurred_at', 'client_address', 'filter'],
  auth_event: ['id', 'occurred_at', 'event', 'outcome', 'method', 'provider', 'second_factor', 'user_id', 'email', 'client_address', 'detail'],
  write_conflict: ['id', 'occurred_at', 'user_id', 'action', 'checked', 'table_name', 'record_pk', 'client_address'],
};

/** The sealed events of `chain` (read from `source`: the log, with its archived months when needed) matching `where` (on alias t), in chain order. */
async function section(pool: PoolClient, chain: Chain, source: string, where: string, params: Params): Promise<EvidenceSection> {
  const c = chain;
  // Measured in the database first: only a file that fits the budget is ever read into memory.
  const [size] = (
    await pool.query(
      `SELECT count(*)::bigint AS n, coalesce(sum(octet_length(${canonicalSql(chain)})), 0)::bigint AS bytes
         FROM ${source} t JOIN audit_seal s ON s.chain = '${c}' AND s.event_id = t.id WHERE ${where}`,
      params.values,
    )
  ).rows;
  if (Number(size.n) > MAX_EVIDENCE_EVENTS) throw new AppError('PAYLOAD_TOO_LARGE', `More than ${MAX_EVIDENCE_EVENTS} events: export a shorter range`);
  if (Number(size.bytes) > MAX_EVIDENCE_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', `These events hold ${(Number(size.bytes) / 1048576).toFixed(1)} MB; one evidence file holds at most ${MAX_EVIDENCE_BYTES / 1048576} MB: export a shorter range`);
  }
  const limit = params.add(MAX_EVIDENCE_EVENTS + 1, 'integer');
  const { rows } = await pool.query(
    `SELECT s.seq::text AS seq, s.event_id::text AS event_id, coalesce(p.hash, '${GENESIS_HASH}') AS prev_hash, s.hash, ${canonicalSql(chain)} AS canonical
       FROM ${source} t
       JOIN audit_seal s ON s.chain = '${c}' AND s.event_id = t.id
       LEFT JOIN audit_seal p ON p.chain = '${c}' AND p.seq = s.seq - 1
      WHERE ${where} ORDER BY s.seq LIMIT ${limit}`,
    params.values,
  );
  if (rows.length > MAX_EVIDENCE_EVENTS) throw new AppError('BAD_REQUEST', `More than ${MAX_EVIDENCE_EVENTS} events: export a shorter range`);
  const unsealed = await pool.query(
    `SELECT t.id::text AS id FROM ${source} t WHERE ${where} AND NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.chain = '${c}' AND s.event_id = t.id) ORDER BY t.id LIMIT 1000`,
    params.values.slice(0, -1),
  );
  return { chain, events: rows, unsealed: unsealed.rows.map((r) => r.id) };
}

/** A date (the whole day, UTC) or an ISO timestamp; anything else is a 400. */
export function rangeBound(raw: unknown, name: string, endOfDay: boolean): string {
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(raw)) {
    throw new AppError('BAD_REQUEST', `${name} must be a date (2026-11-01) or an ISO timestamp`, { [name]: 'must be a date or an ISO timestamp' });
  }
  const at = new Date(raw.length === 10 ? `${raw}T00:00:00Z` : raw);
  if (Number.isNaN(at.getTime())) throw new AppError('BAD_REQUEST', `${name} is not a valid date`, { [name]: 'not a valid date' });
  if (raw.length === 10 && endOfDay) at.setUTCDate(at.getUTCDate() + 1);
  return at.toISOString();
}

interface EvidenceRequest {
  subject: EvidenceSubject;
  /** Row scope conditions of the caller on each log (null: every row), with their params. */
  scope: (chain: Chain, params: Params) => string | null;
  /** Which logs the caller may take away. */
  chains: Chain[];
  by: { user_id: number | null; name: string | null };
  /** Where archived months are (AUDIT_ARCHIVE_DIR): the events of archived months are read back from there. */
  archiveDir: string | null;
}

/** Each log's section of the file, on one session: archived months are read back into its temporary tables. */
async function sectionsOf(pool: Pool, request: EvidenceRequest): Promise<EvidenceSection[]> {
  const s = request.subject;
  const client = await pool.connect();
  try {
    const sections: EvidenceSection[] = [];
    for (const chain of request.chains) {
      // A range needs the archived months it overlaps; a record's history, every archived month.
      const source = await logWithArchives(client, chain, request.archiveDir, s.kind === 'range' ? { from: s.from, to: s.to } : undefined);
      const params = new Params();
      const where: string[] = [];
      if (s.kind === 'record') {
        where.push(`t.table_name = ${params.add(s.resource, 'text')}`);
        where.push(chain === 'audit_log' ? `t.record_pk = jsonb_build_object('id', ${params.add(s.id, 'bigint')})` : `t.record_ids @> ARRAY[${params.add(s.id, 'bigint')}]`);
      } else {
        where.push(`t.occurred_at >= ${params.add(s.from, 'timestamptz')}`, `t.occurred_at < ${params.add(s.to, 'timestamptz')}`);
      }
      const scope = request.scope(chain, params);
      if (scope) where.push(`t.id IN (SELECT id FROM ${source} AS ${ident(chain)} WHERE ${scope})`);
      sections.push(await section(client, chain, source, where.join(' AND '), params));
    }
    return sections;
  } finally {
    for (const chain of request.chains) await client.query(`DROP TABLE IF EXISTS ${ident(`archived_${chain}`)}`).catch(() => undefined);
    client.release();
  }
}

/** Builds the evidence file (its exact bytes) and its detached Ed25519 signature. */
export async function buildEvidence(pool: Pool, key: SigningKey, request: EvidenceRequest): Promise<{ name: string; file: string; signature: string; evidence: Evidence }> {
  const s = request.subject;
  const sections = await sectionsOf(pool, request);
  const evidence: Evidence = {
    format: EVIDENCE_FORMAT,
    generated_at: new Date().toISOString(),
    generated_by: request.by,
    subject: s,
    key_id: key.keyId,
    public_key: key.publicKeyPem,
    columns: CANONICAL_COLUMNS,
    sections,
  };
  const file = JSON.stringify(evidence, null, 2) + '\n';
  const stamp = evidence.generated_at.slice(0, 19).replace(/[:T]/g, '-');
  const name = s.kind === 'record' ? `evidence-${s.resource}-${s.id}-${stamp}.json` : `evidence-${s.log}-${s.from.slice(0, 10)}-${s.to.slice(0, 10)}-${stamp}.json`;
  return { name, file, signature: signBytes(key, Buffer.from(file, 'utf8')), evidence };
}

interface EvidenceCheck {
  ok: boolean;
  lines: string[];
}

/**
 * Checks an evidence file on its own: the signature over its exact bytes (with the public key the
 * auditor trusts, else the one the file names, said so), every event's link, and the links between
 * consecutive chain positions. `sealed` (optional) looks each event's seal up in a database's chain.
 */
export async function checkEvidence(bytes: Buffer, signature: string, trustedKeyPem: string | null, sealed?: (chain: Chain, seq: string) => Promise<string | null>): Promise<EvidenceCheck> {
  const lines: string[] = [];
  let ok = true;
  const fail = (line: string) => {
    ok = false;
    lines.push(`FAIL ${line}`);
  };
  let evidence: Evidence;
  try {
    evidence = JSON.parse(bytes.toString('utf8')) as Evidence;
  } catch {
    return { ok: false, lines: ['FAIL the file is not JSON'] };
  }
  if (evidence.format !== EVIDENCE_FORMAT) return { ok: false, lines: [`FAIL not an evidence file (${String(evidence.format)})`] };
  const key = trustedKeyPem ?? evidence.public_key;
  if (verifyBytes(key, bytes, signature)) lines.push(`ok   signature (Ed25519, ${trustedKeyPem ? 'the key given' : `the key the file names, ${evidence.key_id.slice(0, 16)}…: compare it with the published key`})`);
  else fail('signature: the file was changed after signing, or signed by another key');
  for (const s of evidence.sections) {
    let previous: EvidenceEvent | null = null;
    let bad = 0;
    for (const e of s.events) {
      if (linkHash(e.prev_hash, e.canonical) !== e.hash) {
        bad++;
        fail(`${s.chain} event #${e.event_id}: its content does not give its hash`);
      }
      if (previous && BigInt(e.seq) === BigInt(previous.seq) + 1n && e.prev_hash !== previous.hash) {
        bad++;
        fail(`${s.chain} event #${e.event_id}: does not chain to event #${previous.event_id} before it`);
      }
      const id = JSON.parse(e.canonical)[0];
      if (String(id) !== e.event_id) fail(`${s.chain} event #${e.event_id}: its content names event #${id}`);
      if (sealed) {
        const inDb = await sealed(s.chain, e.seq);
        if (inDb !== e.hash) {
          bad++;
          fail(`${s.chain} event #${e.event_id}: ${inDb === null ? 'position ' + e.seq + ' is not in the database chain' : 'differs from the database chain at position ' + e.seq}`);
        }
      }
      previous = e;
    }
    if (bad === 0) lines.push(`ok   ${s.chain}: ${s.events.length} events, every link recomputed${sealed ? ' and found in the database chain' : ''}`);
    if (s.unsealed.length) lines.push(`note ${s.chain}: ${s.unsealed.length} events in scope were not sealed yet when exported, and are not in the file`);
  }
  return { ok, lines };
}
