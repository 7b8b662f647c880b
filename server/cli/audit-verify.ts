import 'reflect-metadata';
import { loadConfig } from '../config/config.js';
import { openDatabase } from '../db/database.js';
import { verifyAll, type ChainReport } from '../audit/chain-verify.js';
import { trustedPublicKey } from '../audit/checkpoints.js';

/**
 * `npm run audit:verify`: walks the hash chains of audit_log and access_log, archived months
 * (AUDIT_ARCHIVE_DIR) included. Exit 0 when every sealed row is intact, 1 naming the first event
 * changed, removed or inserted out of order, or a chain that no longer reaches its newest signed
 * head (its newest rows removed); rows not sealed yet are reported with their age.
 */
function describeReport(r: ChainReport): string[] {
  const lines = [`${r.chain}: ${r.checked} sealed rows checked (${r.archived} from archives), chain head ${r.lastSeq ?? '-'} ${r.lastHash.slice(0, 16)}…`];
  if (r.checkpoint) lines.push(`${r.chain}: reaches its head signed at ${r.checkpoint.signed_at} (position ${r.checkpoint.seq})`);
  if (r.note) lines.push(r.note);
  if (r.unsealed.count > 0) lines.push(`${r.chain}: ${r.unsealed.count} rows not sealed yet, the oldest ${r.unsealed.ageSeconds} s old (${r.unsealed.oldest})`);
  for (const p of r.problems) lines.push(`${r.chain}: TAMPERED: ${p.message}`);
  return lines;
}

const config = loadConfig();
const db = await openDatabase(config);
let failed = false;
try {
  for (const report of await verifyAll(db.pool, config.auditArchiveDir, await trustedPublicKey(config.auditSigningKey, config.dataDir))) {
    for (const line of describeReport(report)) console.log(line);
    if (report.problems.length > 0) failed = true;
  }
  console.log(failed ? 'audit trail: NOT intact' : 'audit trail: intact');
} finally {
  await db.close();
}
process.exit(failed ? 1 : 0);
