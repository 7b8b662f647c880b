import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Pool, PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import { from as copyFrom } from 'pg-copy-streams';
import { ident } from '../engine/plan/sql.js';
import { canonicalSql, CHAINS, GENESIS_HASH, type Chain } from './chain.sql.js';
import { checkCheckpoints } from './checkpoints.js';

/** What is wrong with a chain, naming the event. */
export interface ChainProblem {
  kind: 'changed' | 'removed' | 'out-of-order';
  chain: Chain;
  /** The event (audit_log or access_log id) concerned, when it is known. */
  eventId: string | null;
  /** Its position in the chain. */
  seq: string | null;
  message: string;
}

export interface ChainReport {
  chain: Chain;
  /** Rows whose seal was checked (live and archived). */
  checked: number;
  /** Of which read back from archive files. */
  archived: number;
  lastSeq: string | null;
  lastHash: string;
  /** Rows committed after the last sealed one, waiting for the sealer; not a fault. */
  unsealed: { count: number; oldest: string | null; ageSeconds: number | null };
  problems: ChainProblem[];
  /** The newest signed head the chain reaches (checked by verifyAll with a key). */
  checkpoint?: { seq: string; signed_at: string } | null;
  note?: string | null;
}

/** One chain link: sha256(previous hash || "\n" || canonical content), hex. */
export function linkHash(previous: string, canonical: string): string {
  return createHash('sha256').update(previous + '\n' + canonical, 'utf8').digest('hex');
}

/** The manifest written beside each archived month: where the month sits in its chain. */
export interface ArchiveManifest {
  chain: Chain;
  partition: string;
  rows: number;
  first: { seq: string; event_id: string; hash: string } | null;
  last: { seq: string; event_id: string; hash: string } | null;
}

export const manifestPath = (csvFile: string) => csvFile.replace(/\.csv\.gz$/, '.chain.json');

/**
 * Loads the archived months of `chain` (`<chain>_pYYYY_MM.csv.gz` under `dir`) into a temporary
 * table, so that their rows are canonicalized by the same SQL as the live ones.
 */
async function loadArchives(client: PoolClient, chain: Chain, dir: string | null): Promise<{ table: string; rows: number; manifests: ArchiveManifest[]; problems: ChainProblem[] }> {
  const table = `verify_archive_${chain}`;
  await client.query(`CREATE TEMP TABLE ${ident(table)} (LIKE ${ident(chain)}) ON COMMIT PRESERVE ROWS`);
  const manifests: ArchiveManifest[] = [];
  const problems: ChainProblem[] = [];
  let rows = 0;
  if (!dir || !existsSync(dir)) return { table, rows, manifests, problems };
  const pattern = new RegExp(`^${chain}_p\\d{4}_\\d{2}\\.csv\\.gz$`);
  for (const name of (await readdir(dir)).filter((f) => pattern.test(f)).sort()) {
    const file = path.join(dir, name);
    const copy = client.query(copyFrom(`COPY ${ident(table)} FROM STDIN WITH (FORMAT csv, HEADER)`));
    await pipeline(createReadStream(file), createGunzip(), copy);
    rows += copy.rowCount ?? 0;
    if (existsSync(manifestPath(file))) manifests.push(JSON.parse(await readFile(manifestPath(file), 'utf8')) as ArchiveManifest);
    else problems.push({ kind: 'removed', chain, eventId: null, seq: null, message: `${name} has no chain manifest (${path.basename(manifestPath(file))})` });
  }
  return { table, rows, manifests, problems };
}

/**
 * Walks `chain` from its first seal to its last, archived months included, recomputing every
 * link. Names the first event changed (its content no longer gives its hash), removed (a sealed
 * event whose row is gone, or a position missing from the chain) or inserted out of order (a row
 * below the sealed range without a seal, or sealed out of id order).
 */
export async function verifyChain(pool: Pool, chain: Chain, archiveDir: string | null, now = new Date()): Promise<ChainReport> {
  const client = await pool.connect();
  try {
    await client.query(`SET statement_timeout = 0`);
    const archives = await loadArchives(client, chain, archiveDir);
    const problems = [...archives.problems];
    const rowsSql = `SELECT DISTINCT ON (id) id, occurred_at, c FROM (
        SELECT t.id, t.occurred_at, ${canonicalSql(chain)} AS c FROM ${ident(chain)} t
        UNION ALL SELECT t.id, t.occurred_at, ${canonicalSql(chain)} AS c FROM ${ident(archives.table)} t) all_rows`;
    await client.query(`CREATE TEMP TABLE verify_rows AS ${rowsSql} ORDER BY id`);
    await client.query(`CREATE INDEX ON verify_rows (id)`);
    await client.query(`ANALYZE verify_rows`);

    const cursor = client.query(
      new Cursor(
        `SELECT s.seq::text AS seq, s.event_id::text AS event_id, s.hash, r.c, r.id IS NOT NULL AS present
           FROM audit_seal s LEFT JOIN verify_rows r ON r.id = s.event_id
          WHERE s.chain = $1 ORDER BY s.seq`,
        [chain],
      ),
    );
    let previous = GENESIS_HASH;
    let previousSeq = 0n;
    let previousId = 0n;
    let checked = 0;
    const bySeq = new Map<string, string>();
    const wanted = new Set(archives.manifests.flatMap((m) => [m.first?.seq, m.last?.seq]).filter((s): s is string => !!s));
    for (;;) {
      const batch: { seq: string; event_id: string; hash: string; c: string | null; present: boolean }[] = await cursor.read(5000);
      if (batch.length === 0) break;
      for (const s of batch) {
        const seq = BigInt(s.seq);
        const id = BigInt(s.event_id);
        if (seq !== previousSeq + 1n) {
          problems.push({ kind: 'removed', chain, eventId: null, seq: String(previousSeq + 1n), message: `chain positions ${previousSeq + 1n}–${seq - 1n} are missing: the events after #${previousId} and before #${id} were removed` });
        } else if (id <= previousId) {
          problems.push({ kind: 'out-of-order', chain, eventId: s.event_id, seq: s.seq, message: `event #${id} is sealed at position ${seq} after event #${previousId}: inserted out of order` });
        } else if (!s.present) {
          problems.push({ kind: 'removed', chain, eventId: s.event_id, seq: s.seq, message: `event #${id} (chain position ${seq}) was removed: its seal remains, its row is in neither the log nor an archive` });
        } else if (linkHash(previous, s.c!) !== s.hash) {
          problems.push({ kind: 'changed', chain, eventId: s.event_id, seq: s.seq, message: `event #${id} (chain position ${seq}) was changed: its content no longer gives its sealed hash` });
        }
        if (wanted.has(s.seq)) bySeq.set(s.seq, s.hash);
        // Go on from the stored hash: one altered row is reported once, not with every row after it.
        previous = s.hash;
        previousSeq = seq;
        if (id > previousId) previousId = id;
        checked++;
      }
    }
    await cursor.close();

    for (const m of archives.manifests) {
      for (const end of [m.first, m.last]) {
        if (end && bySeq.get(end.seq) !== end.hash) {
          problems.push({ kind: 'changed', chain, eventId: end.event_id, seq: end.seq, message: `the seal of event #${end.event_id} (position ${end.seq}) differs from the one recorded in ${m.partition}'s archive manifest` });
        }
      }
    }

    // Rows without a seal: below the sealed range they were slipped in; above it, not sealed yet.
    const { rows: loose } = await client.query(
      `SELECT r.id::text AS id, extract(epoch FROM r.occurred_at)::float8 AS at FROM verify_rows r
        WHERE NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.chain = $1 AND s.event_id = r.id) ORDER BY r.id`,
      [chain],
    );
    let count = 0;
    let oldest: Date | null = null;
    for (const r of loose) {
      if (BigInt(r.id) < previousId) {
        problems.push({ kind: 'out-of-order', chain, eventId: r.id, seq: null, message: `event #${r.id} has no seal although later events are sealed: inserted out of order` });
      } else {
        count++;
        const at = new Date(Number(r.at) * 1000);
        if (!oldest || at < oldest) oldest = at;
      }
    }
    return {
      chain,
      checked,
      archived: archives.rows,
      lastSeq: previousSeq === 0n ? null : String(previousSeq),
      lastHash: previous,
      unsealed: { count, oldest: oldest?.toISOString() ?? null, ageSeconds: oldest ? Math.max(0, Math.round((now.getTime() - oldest.getTime()) / 1000)) : null },
      problems,
    };
  } finally {
    await client.query(`DROP TABLE IF EXISTS verify_rows, ${ident(`verify_archive_${chain}`)}`).catch(() => undefined);
    client.release();
  }
}

/**
 * Both chains; with the trusted public key (`undefined`: checkpoints not checked), each also
 * against its newest signed head (server/audit/checkpoints.ts), which shows a removed tail.
 */
export async function verifyAll(pool: Pool, archiveDir: string | null, publicKeyPem?: string | null): Promise<ChainReport[]> {
  const out: ChainReport[] = [];
  for (const chain of CHAINS) {
    const report = await verifyChain(pool, chain, archiveDir);
    if (publicKeyPem !== undefined) {
      const check = await checkCheckpoints(pool, report, publicKeyPem, archiveDir);
      report.problems.push(...check.problems);
      report.checkpoint = check.newest ? { seq: check.newest.seq, signed_at: check.newest.signed_at } : null;
      report.note = check.note;
    }
    out.push(report);
  }
  return out;
}
