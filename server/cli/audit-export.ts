import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CHAINS, RECORD_CHAINS, type Chain } from '../audit/chain.sql.js';
import { buildEvidence, rangeBound, type EvidenceSubject } from '../audit/evidence.js';
import { loadSigningKey } from '../audit/signing-key.js';
import { loadConfig } from '../config/config.js';
import { openDatabase } from '../db/database.js';
import { flag } from './args.js';

/**
 * `npm run audit:export -- --log audit_log --from 2026-11-01 --to 2026-11-30 [--out <dir>]`, or
 * `--record student/3`: the same signed evidence file as the API's, written with its `.sig` beside
 * it, for an administrator on the server (every row, no caller scope).
 */
const record = flag('record');
const log = flag('log');
let subject: EvidenceSubject;
let chains: Chain[];
if (record && /^[a-z_]+\/\d+$/.test(record)) {
  const [resource, id] = record.split('/');
  subject = { kind: 'record', resource, id: Number(id) };
  chains = [...RECORD_CHAINS];
} else if (log && (CHAINS as readonly string[]).includes(log) && flag('from') && flag('to')) {
  subject = { kind: 'range', log: log as Chain, from: rangeBound(flag('from'), 'from', false), to: rangeBound(flag('to'), 'to', true) };
  chains = [log as Chain];
} else {
  console.error('usage: npm run audit:export -- (--log audit_log|access_log|auth_event --from <date> --to <date> | --record <resource>/<id>) [--out <dir>]');
  process.exit(2);
}
const config = loadConfig();
const db = await openDatabase(config);
try {
  const key = await loadSigningKey(config.auditSigningKey, config.dataDir);
  const out = await buildEvidence(db.pool, key, { subject, chains, by: { user_id: null, name: 'command line' }, scope: () => null, archiveDir: config.auditArchiveDir });
  const file = path.join(path.resolve(flag('out') ?? '.'), out.name);
  await writeFile(file, out.file);
  await writeFile(`${file}.sig`, out.signature + '\n');
  const events = out.evidence.sections.reduce((n, s) => n + s.events.length, 0);
  console.log(`wrote ${file} (${events} events) and ${path.basename(file)}.sig, signed by key ${key.keyId}`);
} finally {
  await db.close();
}
process.exit(0);
