import { createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pool } from 'pg';
import { CHAINS, type Chain } from './chain.sql.js';
import type { ChainProblem, ChainReport } from './chain-verify.js';
import { keyIdOf, PUBLIC_KEY_FILE, signBytes, verifyBytes, type SigningKey } from './signing-key.js';

/**
 * Signed chain heads. A hash chain shows a changed, removed or slipped-in row, but not that its
 * newest rows were removed together with their seals: what is left is a shorter, consistent
 * chain. So every AUDIT_CHECKPOINT_INTERVAL_MS (when the head moved) and before a month is
 * archived, the head of each chain (position, event, hash, time) is signed with the evidence key
 * and kept twice: in `audit_checkpoint` (append-only) and as a line of
 * `<AUDIT_ARCHIVE_DIR>/<chain>.checkpoints.jsonl`, outside the database. `audit:verify` then
 * requires the chain to reach the newest validly signed head of either copy with the same hash.
 * Without the private key nobody can sign a head for a shorter chain; a copy of the database
 * alone cannot remove the file's lines.
 */
interface Checkpoint {
  /** The database the head is of (its cluster's system identifier and its name): a shared folder may hold others'. */
  database: string;
  chain: Chain;
  seq: string;
  event_id: string;
  hash: string;
  signed_at: string;
  key_id: string;
  signature: string;
}

const FORMAT = 'kcsos-audit-checkpoint/1';

/** The exact bytes signed: one field a line. */
function payload(c: Omit<Checkpoint, 'signature' | 'key_id'>): Buffer {
  return Buffer.from([FORMAT, c.database, c.chain, c.seq, c.event_id, c.hash, c.signed_at].join('\n'), 'utf8');
}

/** Which database this is: its cluster's system identifier (when the role may read it) and its name. */
async function databaseOf(pool: Pool): Promise<string> {
  const system = await pool.query(`SELECT system_identifier::text AS id FROM pg_control_system()`).then((r) => r.rows[0].id as string, () => '');
  const { rows } = await pool.query(`SELECT current_database() AS name`);
  return `${system}/${rows[0].name}`;
}

export const checkpointFile = (dir: string, chain: Chain) => path.join(dir, `${chain}.checkpoints.jsonl`);

/** Signs each chain's head if it moved since its last checkpoint; answers the new checkpoints. */
export async function signCheckpoints(pool: Pool, key: SigningKey, dir: string | null): Promise<Checkpoint[]> {
  const out: Checkpoint[] = [];
  const database = await databaseOf(pool);
  for (const chain of CHAINS) {
    const { rows } = await pool.query(
      `SELECT s.seq::text AS seq, s.event_id::text AS event_id, s.hash,
              to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS signed_at
         FROM audit_seal s WHERE s.chain = $1
          AND s.seq > coalesce((SELECT max(c.seq) FROM audit_checkpoint c WHERE c.chain = $1), 0)
        ORDER BY s.seq DESC LIMIT 1`,
      [chain],
    );
    if (!rows[0]) continue;
    const head = { database, chain, ...rows[0] } as Omit<Checkpoint, 'signature' | 'key_id'>;
    const checkpoint: Checkpoint = { ...head, key_id: key.keyId, signature: signBytes(key, payload(head)) };
    // The file first: a head in the database but in no file would be a weaker record.
    if (dir) {
      await mkdir(dir, { recursive: true });
      await appendFile(checkpointFile(dir, chain), JSON.stringify(checkpoint) + '\n');
    }
    await pool.query(
      `INSERT INTO audit_checkpoint (chain, seq, event_id, hash, signed_at, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [chain, checkpoint.seq, checkpoint.event_id, checkpoint.hash, checkpoint.signed_at, checkpoint.key_id, checkpoint.signature],
    );
    out.push(checkpoint);
  }
  return out;
}

/** The public key checkpoints are checked with: the configured key's, else the data folder's (null: none). */
export async function trustedPublicKey(configured: string | undefined, dataDir: string): Promise<string | null> {
  if (configured) return String(createPublicKey(configured.replaceAll('\\n', '\n')).export({ type: 'spki', format: 'pem' }));
  const file = path.join(dataDir, PUBLIC_KEY_FILE);
  return existsSync(file) ? readFile(file, 'utf8') : null;
}

/** The newest checkpoints of a chain from the database and from the file, newest first. */
async function candidates(pool: Pool, chain: Chain, dir: string | null): Promise<{ from: string; c: Checkpoint }[]> {
  const database = await databaseOf(pool);
  const { rows } = await pool.query(
    `SELECT $2::text AS database, chain, seq::text AS seq, event_id::text AS event_id, hash,
            to_char(signed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS signed_at, key_id, signature
       FROM audit_checkpoint WHERE chain = $1 ORDER BY seq DESC, id DESC LIMIT 20`,
    [chain, database],
  );
  const list = rows.map((c: Checkpoint) => ({ from: 'audit_checkpoint', c }));
  const file = dir ? checkpointFile(dir, chain) : null;
  if (file && existsSync(file)) {
    // This database's lines only (a line that is not JSON is reported as one that does not verify).
    const parse = (line: string): Checkpoint => {
      try {
        return JSON.parse(line) as Checkpoint;
      } catch {
        return { database, chain, seq: '0', event_id: '0', hash: '', signed_at: '', key_id: '', signature: '' };
      }
    };
    const lines = (await tail(file)).split('\n').filter(Boolean).map(parse).filter((c) => c.database === database);
    for (const c of lines.slice(-20)) list.push({ from: path.basename(file), c });
  }
  return list.sort((a, b) => Number(BigInt(b.c.seq) - BigInt(a.c.seq)));
}

/** The file's last 256 kB, from its first whole line: only the newest heads matter, and the file only grows. */
async function tail(file: string, bytes = 256 * 1024): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - bytes);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
  } finally {
    await handle.close();
  }
}

interface CheckpointCheck {
  /** The newest validly signed head the chain was checked against, or null (none, or no key). */
  newest: Checkpoint | null;
  problems: ChainProblem[];
  note: string | null;
}

/** Whether the chain still reaches its newest signed head, with the same hash there. */
export async function checkCheckpoints(pool: Pool, report: ChainReport, publicKeyPem: string | null, dir: string | null): Promise<CheckpointCheck> {
  const chain = report.chain;
  if (!publicKeyPem) return { newest: null, problems: [], note: `${chain}: no signing key to check checkpoints with (AUDIT_SIGNING_KEY or DATA_DIR/${PUBLIC_KEY_FILE})` };
  const keyId = keyIdOf(createPublicKey(publicKeyPem));
  const problems: ChainProblem[] = [];
  let newest: Checkpoint | null = null;
  for (const { from, c } of await candidates(pool, chain, dir)) {
    if (c.chain !== chain || !verifyBytes(publicKeyPem, payload(c), c.signature)) {
      const signer = c.key_id && c.key_id !== keyId ? ` (signed by another key, ${c.key_id.slice(0, 16)}…)` : '';
      problems.push({ kind: 'changed', chain, eventId: c.event_id || null, seq: c.seq || null, message: `a checkpoint in ${from} at position ${c.seq} does not verify${signer}: forged or changed` });
      continue;
    }
    newest = c;
    break;
  }
  if (!newest) return { newest, problems, note: problems.length ? null : `${chain}: no signed checkpoint yet` };
  // Looked up now rather than taken from the walk: the sealer may have gone on meanwhile.
  const { rows } = await pool.query(
    `SELECT (SELECT hash FROM audit_seal WHERE chain = $1 AND seq = $2) AS hash, (SELECT coalesce(max(seq), 0)::text FROM audit_seal WHERE chain = $1) AS last`,
    [chain, newest.seq],
  );
  const last = BigInt(rows[0].last);
  if (rows[0].hash === null) {
    problems.push({
      kind: 'removed',
      chain,
      eventId: newest.event_id,
      seq: newest.seq,
      message: `the chain ends at position ${last}, but its head signed at ${newest.signed_at} was position ${newest.seq} (event #${newest.event_id}): the newest ${BigInt(newest.seq) - last} sealed events, up to event #${newest.event_id}, were removed with their seals`,
    });
  } else if (rows[0].hash !== newest.hash) {
    problems.push({ kind: 'changed', chain, eventId: newest.event_id, seq: newest.seq, message: `the seal at position ${newest.seq} (event #${newest.event_id}) differs from the head signed at ${newest.signed_at}: the chain was rewritten up to there` });
  }
  return { newest, problems, note: null };
}

/** The server's periodic signing of the chain heads (every replica; a head already signed is skipped). */
export class AuditCheckpoints {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly pool: Pool, private readonly key: SigningKey, private readonly options: { dir: string; everyMs: number; warn: (line: string) => void }) {}

  start(): void {
    this.timer = setInterval(() => void this.sign(), this.options.everyMs);
    this.timer.unref();
  }

  /** Signs the heads now (also before a month is archived); failures are logged and retried next round. */
  sign(): Promise<unknown> {
    this.running = this.running.then(() => signCheckpoints(this.pool, this.key, this.options.dir).catch((error: unknown) => this.options.warn(`audit checkpoint failed (retried): ${(error as Error).message}`)));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
