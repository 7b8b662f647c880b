import type { Database } from '../db/database.js';
import { ensureSystemUser } from '../db/system-user.js';
import { inUnitOfWork, type Tx } from '../db/unit-of-work.js';
import { resolveResources } from '../engine/metadata/resolve-metadata.js';
import { syncPermissions } from '../auth/sync-permissions.js';
import { ensureAccessLogPermissions } from '../audit/access-permissions.js';
import type { Faker } from '@faker-js/faker';
import type { Practitioner } from './demo-data.js';
import { insertRows, syncSequence } from './insert-rows.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { BILLING_CODES, DISTRICTS, FEE_SCHEDULE_CODES, MODIFIERS, PRACTITIONER_TYPES, QUALIFICATIONS, SAMPLE } from './reference-data.js';

export const DEFAULT_SCALE = 10_000;
const CHUNK = 5_000;

/** Demo sign-ins, one per role. The passwords are public demo values, printed by `npm start`. */
const DEMO_USERS = [
  { email: 'admin@demo.kcsos.invalid', role: 'Admin', department: 'Platform', permission_level: 'Full' },
  { email: 'support@demo.kcsos.invalid', role: 'Support', department: 'Help desk', permission_level: 'Advanced' },
  { email: 'supervisor@demo.kcsos.invalid', role: 'Supervisor', department: 'Behavioral Health', permission_level: 'Advanced' },
  { email: 'district.admin@demo.kcsos.invalid', role: 'District Admin', department: 'District office', permission_level: 'Advanced' },
  { email: 'practitioner@demo.kcsos.invalid', role: 'Practitioner', department: 'Behavioral Health', permission_level: 'Standard' },
];
export const demoPassword = (email: string) => `${email.split('@')[0].replace(/\d+$/, '')}-demo-pass`;
const EXTRA_PRACTITIONERS = 11;

async function idsBy(tx: Tx, table: string, key: string): Promise<Map<string, number>> {
  const { rows } = await tx.query(`SELECT id, ${key} AS k FROM ${table}`);
  return new Map(rows.map((r: { id: number; k: string }) => [r.k, r.id]));
}

async function referenceData(tx: Tx, resources: ReturnType<typeof resolveResources>): Promise<void> {
  await insertRows(tx, 'modifier', MODIFIERS);
  await insertRows(tx, 'practitioner_type', PRACTITIONER_TYPES);
  await insertRows(tx, 'qualification', QUALIFICATIONS.map((q) => ({ ...q, status: 'Active' })));
  await insertRows(tx, 'billing_code', BILLING_CODES.map((b) => ({ ...b, status: 'Active', effective_date: '2025-07-01', payer_specific: false })));
  // Organizations and fee codes have no unique key of their own: insert the ones not there yet.
  const orgs = await idsBy(tx, 'organization', 'name');
  await insertRows(tx, 'organization', DISTRICTS.filter((name) => !orgs.has(name)).map((name) => ({
    name,
    payer_type: DISTRICTS.indexOf(name) % 3 === 0 ? 'LEA-BOP' : 'Fee Schedule',
    status: 'Active',
    effective_date: '2025-07-01',
    contact_email: `contact${DISTRICTS.indexOf(name) + 1}@district.example`,
  })));
  const existing = await idsBy(tx, 'fee_schedule_code', 'procedure_code');
  await insertRows(tx, 'fee_schedule_code', FEE_SCHEDULE_CODES.filter((c) => !existing.has(c.procedure_code)).map((c) => ({
    procedure_code: c.procedure_code,
    service_description: c.service_description,
    service_category: c.service_category,
    time_increment_text: c.time_increment_text,
    base_minutes: c.base_minutes,
    group_size_min: c.group ? 2 : null,
    group_size_max: c.group ? 12 : null,
    rate_amount: c.rate_amount,
    rate_unit: c.rate_unit,
    dyadic_allowed: 'dyadic' in c ? c.dyadic : false,
    telehealth_audio: (c.modifiers as string[]).includes('93'),
    telehealth_av: (c.modifiers as string[]).includes('95'),
    add_on_to_code: 'addOn' in c ? c.addOn : null,
    effective_year: 2025,
    source_version: SAMPLE,
    notes: 'Rate is a sample figure.',
  })));
  const codes = await idsBy(tx, 'fee_schedule_code', 'procedure_code');
  const types = await idsBy(tx, 'practitioner_type', 'code');
  const mods = await idsBy(tx, 'modifier', 'code');
  await insertRows(tx, 'fee_code_practitioner_type', FEE_SCHEDULE_CODES.flatMap((c) => c.types.map((t) => ({ fee_schedule_code_id: codes.get(c.procedure_code), practitioner_type_id: types.get(t) }))));
  await insertRows(tx, 'fee_code_modifier', FEE_SCHEDULE_CODES.flatMap((c) => c.modifiers.map((m) => ({
    fee_schedule_code_id: codes.get(c.procedure_code),
    modifier_id: mods.get(m),
    is_required: m === 'HQ' && c.group,
    context_note: m === 'HQ' ? 'Group only' : m === '93' ? 'Audio-only telehealth' : m === '95' ? 'Audio/video telehealth' : null,
  }))));
  // The permission matrix, generated from the served resources.
  await ensureAccessLogPermissions(tx);
  await syncPermissions(tx, resources.values());
}

async function demoUsers(tx: Tx, f: Faker): Promise<Practitioner[]> {
  const districts = DISTRICTS.slice(1);
  const rows = [
    ...DEMO_USERS.map((u) => ({ ...u })),
    ...Array.from({ length: EXTRA_PRACTITIONERS }, (_, i) => ({ email: `practitioner${i + 2}@demo.kcsos.invalid`, role: 'Practitioner', department: 'Behavioral Health', permission_level: 'Standard' })),
  ].map((u, i) => ({
    ...u,
    first_name: f.person.firstName(),
    last_name: f.person.lastName(),
    phone: f.phone.number({ style: 'national' }),
    npi: u.role === 'Practitioner' ? String(1_900_000_000 + i * 97) : null,
    license_number: u.role === 'Practitioner' ? `LCSW ${f.string.numeric(5)}` : null,
    hire_date: f.date.between({ from: '2015-01-01', to: '2025-06-30' }).toISOString().slice(0, 10),
    status: 'Active',
    districts: u.role === 'District Admin' ? districts.slice(0, 2) : u.role === 'Practitioner' ? [districts[i % districts.length], districts[(i + 1) % districts.length]] : null,
    user_type: u.role === 'Practitioner' ? (i % 2 ? 'Embedded' : 'Affiliated') : null,
  }));
  await insertRows(tx, 'app_user', rows);
  const { rows: found } = await tx.query(
    `SELECT id, first_name || ' ' || last_name AS name, npi, coalesce(districts, '{}') AS districts FROM app_user WHERE role = 'Practitioner' AND email LIKE '%@demo.kcsos.invalid' ORDER BY id`,
  );
  const supervisor = await tx.query(`SELECT id FROM app_user WHERE email = 'supervisor@demo.kcsos.invalid'`);
  await tx.query(`UPDATE app_user SET supervisor_id = $1 WHERE role = 'Practitioner' AND email LIKE '%@demo.kcsos.invalid' AND supervisor_id IS NULL`, [supervisor.rows[0].id]);
  // Demo passwords, for the demo users that have none yet (hashing is the slow part of the seed).
  const { rows: bare } = await tx.query(
    `SELECT u.id, u.email FROM app_user u WHERE u.email LIKE '%@demo.kcsos.invalid' AND NOT EXISTS (SELECT 1 FROM user_credential c WHERE c.user_id = u.id)`,
  );
  for (const u of bare) {
    await tx.query(`INSERT INTO user_credential (user_id, password_hash) VALUES ($1, $2)`, [u.id, await hashPassword(demoPassword(u.email))]);
  }
  const types = await idsBy(tx, 'practitioner_type', 'code');
  const quals = await idsBy(tx, 'qualification', 'code');
  const codes = await idsBy(tx, 'billing_code', 'code');
  const cycle = ['LCSW', 'LMFT', 'LPCC', 'ASW', 'PPS-SSW', 'CHW', 'CWC'];
  const qualOf: Record<string, string> = { LCSW: 'CA-LCSW', LMFT: 'CA-LMFT', LPCC: 'CA-LPCC', ASW: 'BBS-ASSOC', 'PPS-SSW': 'PPS-SSW', CHW: 'CHW-CERT', CWC: 'CWC' };
  await insertRows(tx, 'user_practitioner_type', found.map((p: Practitioner, i: number) => ({ user_id: p.id, practitioner_type_id: types.get(cycle[i % cycle.length]) })));
  await insertRows(tx, 'user_qualification', found.map((p: Practitioner, i: number) => ({ user_id: p.id, qualification_id: quals.get(qualOf[cycle[i % cycle.length]]), date_obtained: '2019-06-01', expiration_date: '2027-06-30', is_active: true, verification_status: i % 4 === 0 ? 'Pending' : 'Verified' })));
  await insertRows(tx, 'user_authorized_service', found.flatMap((p: Practitioner) => ['96127', '90837', 'T1017'].map((c) => ({ user_id: p.id, billing_code_id: codes.get(c) }))));
  return found;
}

interface SeedReport {
  scale: number;
  inserted: Record<string, number>;
  ms: number;
}

/**
 * `npm run db:seed -- --scale N`: reference data, the permission matrix, demo users and N claims
 * of synthetic operational data. Each step is its own unit of work recorded as the system account
 * with reason "seed"; every insert skips rows that exist, so a second run adds nothing.
 */
export async function seed(db: Database, options: { scale?: number; log?: (line: string) => void } = {}): Promise<SeedReport> {
  const started = Date.now();
  // The fake-data generator (faker and its locale) is loaded only to seed: a server that finds its
  // database seeded never holds it in memory.
  const { claims, fakerFor, scaleFor, services, students } = await import('./demo-data.js');
  const scale = scaleFor(options.scale ?? DEFAULT_SCALE);
  const log = options.log ?? (() => undefined);
  const systemUserId = await ensureSystemUser(db.pool);
  const actor = { userId: systemUserId, reason: 'seed' };
  const resources = resolveResources(db.orm.getMetadata().getAll().values());
  const inserted: Record<string, number> = {};
  const count = (table: string, n: number) => (inserted[table] = (inserted[table] ?? 0) + n);
  const unit = <T>(work: (tx: Tx) => Promise<T>) => inUnitOfWork(db.pool, actor, work);

  await unit((tx) => referenceData(tx, resources));
  const practitioners = await unit((tx) => demoUsers(tx, fakerFor(0)));
  log(`reference data and ${practitioners.length} practitioners ready`);
  const studentRows = students(scale, practitioners);
  await unit(async (tx) => {
    count('student', await insertRows(tx, 'student', studentRows));
    await syncSequence(tx, 'student');
    const f = fakerFor(4);
    const groups = Array.from({ length: scale.groups }, (_, i) => ({
      id: i + 1,
      name: `Group ${i + 1}: ${f.helpers.arrayElement(['Coping Skills', 'Anger Management', 'Social Skills', 'Grief Support', 'Mindfulness', 'Study Skills'])}`,
      description: f.lorem.sentence(),
      created_date: '2025-08-20',
      practitioner_id: practitioners[i % practitioners.length].id,
      status: i % 9 === 0 ? 'Completed' : 'Active',
      service_type: 'Psychoeducation',
      meeting_frequency: f.helpers.arrayElement(['1x/week', '2x/week', 'every other week']),
      duration: f.helpers.arrayElement(['30 min', '45 min', '60 min']),
      location: f.helpers.arrayElement(['Counseling office', 'Library', 'Room 12', 'Telehealth']),
    }));
    count('service_group', await insertRows(tx, 'service_group', groups));
    await syncSequence(tx, 'service_group');
    // A group's members are students of its practitioner, so scopes stay coherent.
    const members: Record<string, unknown>[] = [];
    for (const g of groups) {
      const own = studentRows.filter((s) => s.practitioner_id === g.practitioner_id).slice((g.id * 3) % 5, ((g.id * 3) % 5) + 6);
      own.forEach((s) => members.push({ id: members.length + 1, group_id: g.id, student_id: s.id, join_date: '2025-09-01', status: 'Active' }));
    }
    count('group_membership', await insertRows(tx, 'group_membership', members));
    await syncSequence(tx, 'group_membership');
    const files = studentRows.filter((_, i) => i % 5 === 0).map((s, i) => ({
      id: i + 1,
      entity_table: 'student',
      entity_id: s.id,
      document_type: 'Parental Consent',
      file_name: `consent-${s.ssid}.pdf`,
      mime_type: 'application/pdf',
      storage_path: `seed/consent-${s.ssid}.pdf`,
      file_size_bytes: 40_000 + i,
      notes: 'Seed metadata only: no file is stored.',
      uploaded_by: systemUserId,
    }));
    count('file_metadata', await insertRows(tx, 'file_metadata', files));
    await syncSequence(tx, 'file_metadata');
  });
  for (let start = 1; start <= scale.services; start += CHUNK) {
    const end = Math.min(scale.services, start + CHUNK - 1);
    await unit(async (tx) => count('service', await insertRows(tx, 'service', services(scale, studentRows, start, end))));
  }
  await unit((tx) => syncSequence(tx, 'service'));
  for (let start = 1; start <= scale.claims; start += CHUNK) {
    const end = Math.min(scale.claims, start + CHUNK - 1);
    await unit(async (tx) => count('claim', await insertRows(tx, 'claim', claims(studentRows, practitioners, start, end))));
    if (end % 100_000 === 0) log(`${end} claims`);
  }
  await unit((tx) => syncSequence(tx, 'claim'));
  await db.pool.query('ANALYZE');
  return { scale: scale.claims, inserted, ms: Date.now() - started };
}

/** First start: seed the demo database when it holds no students yet. */
export async function seedIfEmpty(db: Database): Promise<string | null> {
  const { rows } = await db.pool.query('SELECT EXISTS (SELECT 1 FROM student) AS any');
  if (rows[0].any) return null;
  const report = await seed(db);
  return `Seeded the demo database (${report.inserted.student ?? 0} students, ${report.inserted.claim ?? 0} claims) in ${(report.ms / 1000).toFixed(1)} s`;
}

/** The demo sign-ins whose password is still the public demo one (so printing them is true). */
export async function demoSignIns(db: Database): Promise<{ email: string; role: string; password: string }[]> {
  const { rows } = await db.pool.query(
    `SELECT u.email, u.role, c.password_hash FROM app_user u JOIN user_credential c ON c.user_id = u.id
      WHERE u.email = ANY($1) ORDER BY array_position($1, u.email)`,
    [DEMO_USERS.map((u) => u.email)],
  );
  const out = [];
  for (const r of rows) if (await verifyPassword(r.password_hash, demoPassword(r.email))) out.push({ email: r.email, role: r.role, password: demoPassword(r.email) });
  return out;
}
