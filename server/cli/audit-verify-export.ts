import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { checkEvidence } from '../audit/evidence.js';
import { PUBLIC_KEY_FILE } from '../audit/signing-key.js';
import { flag } from './args.js';

/**
 * `npm run audit:verify-export -- <file> [--sig <file>.sig] [--key <public.pem>] [--database-url <url>]`
 *
 * Checks an evidence file against its detached signature (with the public key given, else
 * DATA_DIR's, else the one the file names, which the output then says) and its hash chain: every
 * event's link recomputed, consecutive positions linked, and, with a database (the option or
 * DATABASE_URL), every event found at its position in that database's chain. Exit 0 when all hold.
 */
const argv = process.argv.slice(2);
const file = argv.find((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1].startsWith('--') && !argv[i - 1].includes('=')));
if (!file) {
  console.error('usage: npm run audit:verify-export -- <file> [--sig <file>.sig] [--key <public.pem>] [--database-url <url>]');
  process.exit(2);
}
const sigFile = flag('sig') ?? `${file}.sig`;
const dataKey = path.join(path.resolve(process.env.DATA_DIR || '.data'), PUBLIC_KEY_FILE);
const keyFile = flag('key') ?? (existsSync(dataKey) ? dataKey : undefined);
const url = flag('database-url') ?? process.env.DATABASE_URL;

const bytes = await readFile(file);
const signature = await readFile(sigFile, 'utf8').catch(() => {
  console.error(`no signature file ${sigFile}`);
  process.exit(2);
});
const key = keyFile ? await readFile(keyFile, 'utf8') : null;
const pool = url ? new pg.Pool({ connectionString: url, max: 1 }) : null;
try {
  const result = await checkEvidence(bytes, signature, key, pool
    ? async (chain, seq) => (await pool.query(`SELECT hash FROM audit_seal WHERE chain = $1 AND seq = $2`, [chain, seq])).rows[0]?.hash ?? null
    : undefined);
  for (const line of result.lines) console.log(line);
  if (!pool) console.log('note no database given (--database-url or DATABASE_URL): the chain was checked within the file only');
  console.log(result.ok ? `${path.basename(file)}: verified` : `${path.basename(file)}: NOT verified`);
  process.exitCode = result.ok ? 0 : 1;
} finally {
  await pool?.end();
}
