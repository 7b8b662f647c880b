import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ident } from '../engine/plan/sql.js';
import { AppError } from '../errors/app-error.js';
import type { Chain } from './chain.sql.js';

/**
 * The archived months of a log that a subject needs, read back from their files into a temporary
 * table on `client` (the same COPY format they were written in), so that their rows go through the
 * same SQL as the live ones. Answers the relation to read instead of the log: the log itself when
 * no archived month is needed. `during`: only the months overlapping [from, to).
 */
export async function logWithArchives(client: PoolClient, chain: Chain, dir: string | null, during?: { from: string; to: string }): Promise<string> {
  const { rows } = await client.query<{ partition: string; file: string }>(
    `SELECT partition, file FROM audit_archive
      WHERE chain = $1 AND to_regclass(quote_ident(partition)) IS NULL
        AND ($2::timestamptz IS NULL OR (last_occurred_at >= $2 AND first_occurred_at < $3))
      ORDER BY partition`,
    [chain, during?.from ?? null, during?.to ?? null],
  );
  if (rows.length === 0) return ident(chain);
  const table = `archived_${chain}`;
  await client.query(`DROP TABLE IF EXISTS ${ident(table)}`);
  await client.query(`CREATE TEMP TABLE ${ident(table)} (LIKE ${ident(chain)})`);
  for (const { partition, file } of rows) {
    const full = dir ? path.join(dir, file) : null;
    if (!full || !existsSync(full)) {
      throw new AppError('UNAVAILABLE', `The archive of ${partition} (${file}) is not in the archive folder (AUDIT_ARCHIVE_DIR): its events cannot be exported`);
    }
    await pipeline(createReadStream(full), createGunzip(), client.query(copyFrom(`COPY ${ident(table)} FROM STDIN WITH (FORMAT csv, HEADER)`)));
  }
  return `(SELECT * FROM ${ident(chain)} UNION ALL SELECT * FROM ${ident(table)})`;
}
