import { beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { samplePdf } from '../support/sample-files.js';
import { DEMO, client, q, serverForTests, signIn, type DemoRole } from '../support/server.js';

/**
 * An authorization oracle, not cases: random requests of every demo role on every resource and on
 * every route that reads or writes (document downloads too), each compared with what the role may reach, computed here in
 * SQL of the test's own (not the product's scope code):
 * - every row a read answers is one the role may read;
 * - every row a write changed (the audit log's rows of that request, cascades included) was within
 *   the role's write reach before and is within it after;
 * - no answer body carries a value of a field the role may not see.
 *
 * ORACLE_RUNS cases per role and kind (default 40), from ORACLE_SEED (default random; fast-check
 * prints the seed and path of a failure).
 */
const ctx = serverForTests({ as: 'admin' });
const RUNS = Number(process.env.ORACLE_RUNS) || 40;
const SEED = process.env.ORACLE_SEED ? Number(process.env.ORACLE_SEED) : undefined;
const settings = { numRuns: RUNS, seed: SEED, endOnFailure: true };
const ROLES = Object.keys(DEMO) as DemoRole[];

/** Who may reach which rows, by the role's scope kind: `$1` the user's id, `$2` their districts, `$3` their role. */
const OF_STUDENTS = (where: string) => `(SELECT id FROM student WHERE ${where})`;
const REACH: Record<'own' | 'district', Record<string, string>> = {
  own: {
    student: 'practitioner_id = $1',
    service: 'practitioner_id = $1',
    claim: 'student_ssid IN (SELECT ssid FROM student WHERE practitioner_id = $1)',
    service_group: 'practitioner_id = $1',
    group_membership: 'group_id IN (SELECT id FROM service_group WHERE practitioner_id = $1)',
    file_metadata: `entity_table = 'student' AND entity_id IN ${OF_STUDENTS('practitioner_id = $1')}`,
  },
  district: {
    student: 'district = ANY($2)',
    claim: 'district = ANY($2)',
    service: `student_id IN ${OF_STUDENTS('district = ANY($2)')}`,
    service_group: 'practitioner_id IN (SELECT id FROM app_user WHERE districts && $2)',
    group_membership: `student_id IN ${OF_STUDENTS('district = ANY($2)')}`,
    file_metadata: `entity_table = 'student' AND entity_id IN ${OF_STUDENTS('district = ANY($2)')}`,
  },
};
/** A saved view is its owner's, or shared with the role (to read); only its owner changes it. */
const SAVED_VIEW_READ = 'created_by = $1 OR shared_with_role = $3';
const SAVED_VIEW_WRITE = 'created_by = $1';
const SCOPE_KIND: Partial<Record<DemoRole, 'own' | 'district'>> = { practitioner: 'own', districtAdmin: 'district' };
/** Roles that keep the sensitive student fields; the others lose them for this test. */
const SEES_SENSITIVE = new Set<DemoRole>(['admin', 'supervisor']);
const SENSITIVE = /MCSECRET\d+|POLSECRET\d+/;

interface Field {
  name: string;
  type: string;
  readOnly: boolean;
  sortable: boolean;
  reference: { resource: string } | null;
}
interface Resource {
  name: string;
  readOnly: boolean;
  fields: Field[];
}
interface Who {
  role: DemoRole;
  id: number;
  districts: string[];
  roleName: string;
  api: ReturnType<typeof client>;
  headers: Record<string, string>;
}

let resources: Resource[] = [];
const people = new Map<DemoRole, Who>();
const one = async (sql: string, params: unknown[] = []) => (await ctx.db.pool.query(sql, params)).rows[0];
const rows = async (sql: string, params: unknown[] = []) => (await ctx.db.pool.query(sql, params)).rows;

function condition(who: Who, table: string, purpose: 'read' | 'write'): string | null {
  if (table === 'saved_view') return purpose === 'read' ? SAVED_VIEW_READ : SAVED_VIEW_WRITE;
  const kind = SCOPE_KIND[who.role];
  return kind ? (REACH[kind][table] ?? null) : null;
}

/** The ids of `table` the role may reach now, or null for every row. */
async function reach(who: Who, table: string, purpose: 'read' | 'write'): Promise<Set<number> | null> {
  const where = condition(who, table, purpose);
  if (!where) return null;
  const typed = `$1::int IS NOT NULL AND $2::text[] IS NOT NULL AND $3::text IS NOT NULL`;
  const found = await rows(`SELECT id FROM ${table} WHERE (${where}) AND ${typed}`, [who.id, who.districts, who.roleName]);
  return new Set(found.map((r) => Number(r.id)));
}

async function reachAll(who: Who, purpose: 'read' | 'write'): Promise<Map<string, Set<number> | null>> {
  const out = new Map<string, Set<number> | null>();
  for (const r of resources) out.set(r.name, await reach(who, r.name, purpose));
  return out;
}

/** No hidden value in an answer, and no hidden field's name unless the request itself named it. */
function noHiddenValues(who: Who, what: string, text: string, sent = '') {
  if (SEES_SENSITIVE.has(who.role)) return;
  const leak = SENSITIVE.exec(text);
  if (leak) throw new Error(`${who.role}: ${what} answered the hidden value ${leak[0]}`);
  for (const name of ['medi_cal_benefits_id', 'insurance_policy_number', 'insurance_group_number']) {
    if (text.includes(`"${name}"`) && !sent.includes(name)) throw new Error(`${who.role}: ${what} answered the hidden field ${name}`);
  }
}

beforeAll(async () => {
  resources = (await ctx.api('GET', '/meta')).body.resources.filter((r: Resource) => r.name !== 'audit_log');
  // Distinctive sensitive values, so any answer that carries one is caught by its text.
  await ctx.db.pool.query(`SELECT set_config('app.change_reason', 'oracle setup', false)`);
  await ctx.db.pool.query(`UPDATE student SET medi_cal_benefits_id = 'MCSECRET' || id, insurance_policy_number = 'POLSECRET' || id`);
  // Rows across the scopes' edges: groups of a district's practitioners with members from elsewhere.
  const admins = await one(`SELECT districts FROM app_user WHERE email = $1`, [DEMO.districtAdmin]);
  await ctx.db.pool.query(
    `INSERT INTO service_group (name, practitioner_id)
     SELECT 'Oracle group ' || g, (SELECT id FROM app_user WHERE districts && $1 AND role = 'Practitioner' ORDER BY id LIMIT 1) FROM generate_series(1, 8) g`,
    [admins.districts],
  );
  await ctx.db.pool.query(`INSERT INTO group_membership (group_id, student_id)
    SELECT g.id, s.id FROM service_group g CROSS JOIN LATERAL (SELECT id FROM student WHERE id % 97 = g.id % 97 ORDER BY id LIMIT 2) s
    ON CONFLICT DO NOTHING`);
  const grants: [string, string][] = [
    ['student.sensitive', 'support'],
    ['student.sensitive', 'district_admin'],
    ['student.sensitive', 'practitioner'],
  ];
  for (const [name] of grants) {
    const [item] = (await ctx.api('GET', `/permission_item?filter=${q({ name })}`)).body;
    const patch = Object.fromEntries(grants.filter(([n]) => n === name).map(([, column]) => [column, false]));
    expect((await ctx.api('PUT', `/permission_item/${item.id}`, patch)).status).toBe(200);
  }
  // Scoped roles may also delete and undo, so their writes reach cascades and reverts.
  for (const name of ['service_group.delete', 'group_membership.delete', 'student.delete', 'service.delete', 'audit.revert', 'audit.browse', 'audit_log.list']) {
    const [item] = (await ctx.api('GET', `/permission_item?filter=${q({ name })}`)).body;
    expect((await ctx.api('PUT', `/permission_item/${item.id}`, { practitioner: true, district_admin: true })).status).toBe(200);
  }
  // Stored documents on students across the districts, so downloads have bytes to refuse or send.
  const adminHeaders = await signIn(ctx.app.url, 'admin');
  for (const student of await rows(`SELECT id FROM student ORDER BY id LIMIT 12`)) {
    const form = new FormData();
    form.append('document_type', 'Parental Consent');
    form.append('file', new Blob([new Uint8Array(samplePdf(`consent of ${student.id}`))], { type: 'application/pdf' }), `consent-${student.id}.pdf`);
    expect((await fetch(`${ctx.app.url}/api/student/${student.id}/files`, { method: 'POST', headers: adminHeaders, body: form })).status).toBe(201);
  }
  for (const role of ROLES) {
    const user = await one(`SELECT id, districts, role FROM app_user WHERE email = $1`, [DEMO[role]]);
    const headers = await signIn(ctx.app.url, role);
    people.set(role, { role, id: user.id, districts: user.districts ?? [], roleName: user.role, headers, api: client(`${ctx.app.url}/api`, headers) });
  }
});

/** Resources by name, so a failure prints a name rather than the whole description. */
const resource = () => fc.constantFrom(...resources.map((r) => r.name)).map((name) => resources.find((r) => r.name === name)!, (r) => (r as Resource).name);
const role = () => fc.constantFrom(...ROLES);

/** A value of a field taken from a random stored row (so filters match something, writes move rows). */
async function someValue(table: string, field: string, pick: number): Promise<unknown> {
  const found = await rows(`SELECT ${field === 'id' ? 'id' : `"${field}"`} AS v FROM ${table} WHERE "${field}" IS NOT NULL ORDER BY id OFFSET $1 LIMIT 1`, [pick]);
  return found[0]?.v ?? null;
}

const maxId = async (table: string) => Number((await one(`SELECT coalesce(max(id), 0) AS n FROM ${table}`)).n);

function assertRead(who: Who, what: string, table: string, allowed: Set<number> | null, ids: number[]) {
  if (!allowed) return;
  const outside = ids.filter((id) => !allowed.has(id));
  if (outside.length) throw new Error(`${who.role}: ${what} answered ${table} rows out of reach: ${outside.slice(0, 5).join(', ')}`);
}

describe('reads answer only rows the role may read, and no hidden value', () => {
  it('lists with random filters and sorts, getMany, getManyReference, labels, getOne, history and export', async () => {
    await fc.assert(
      fc.asyncProperty(
        role(),
        resource(),
        fc.constantFrom('list', 'getMany', 'reference', 'labels', 'getOne', 'history', 'export', 'download'),
        fc.nat(400),
        fc.nat(1000),
        fc.constantFrom('ASC', 'DESC'),
        fc.constantFrom('', '_gte', '_lte', '_neq'),
        async (r, res, route, pick, n, order, op) => {
          const who = people.get(r)!;
          const allowed = await reach(who, res.name, 'read');
          const field = res.fields[n % res.fields.length];
          const sortable = res.fields.filter((f) => f.sortable);
          const sort = sortable[n % sortable.length]?.name ?? 'id';
          const value = field.type === 'json' ? null : await someValue(res.name, field.name, pick);
          const filter = value === null ? {} : { [`${field.name}${['integer', 'bigint', 'date', 'timestamp', 'decimal'].includes(field.type) ? op : ''}`]: value };
          const base = `/${res.name}`;
          let path: string;
          if (route === 'list') path = `${base}?filter=${q(filter)}&sort=${q([sort, order])}&range=${q([0, 49])}`;
          else if (route === 'getMany') path = `${base}?filter=${q({ id: Array.from({ length: 8 }, (_, i) => ((pick + i * 37) % 600) + 1) })}`;
          else if (route === 'reference') {
            const ref = res.fields.find((f) => f.reference);
            const refValue = ref ? await someValue(res.name, ref.name, pick) : null;
            path = `${base}?filter=${q(ref && refValue !== null ? { [ref.name]: refValue } : {})}&range=${q([0, 24])}`;
          } else if (route === 'labels') path = `${base}/labels?range=${q([0, 49])}&sort=${q(['id', order])}`;
          else if (route === 'getOne') path = `${base}/${(pick % Math.max(1, await maxId(res.name))) + 1}`;
          else if (route === 'history') path = `${base}/${(pick % Math.max(1, await maxId(res.name))) + 1}/history`;
          else if (route === 'download') {
            const stored = await rows(`SELECT id FROM file_metadata WHERE storage_path LIKE 'student/%' ORDER BY id`);
            path = `/file_metadata/${stored.length ? stored[pick % stored.length].id : 1}/content`;
          }
          else path = `${base}/export?raw=1&filter=${q(filter)}`;
          const answer = await fetch(`${ctx.app.url}/api${path}`, { headers: who.headers });
          const text = await answer.text();
          expect([answer.status, path]).toEqual([expect.any(Number), path]);
          if (answer.status >= 500) throw new Error(`${r}: ${path} -> ${answer.status} ${text.slice(0, 200)}`);
          // A refusal may name what the request itself sent (an unknown filter field): not a leak.
          if (route !== 'download') noHiddenValues(who, path, text, decodeURIComponent(path));
          if (answer.status !== 200) return;
          if (route === 'download') {
            // A document is answered only when its row is in reach (and so is the record it belongs to).
            assertRead(who, path, 'file_metadata', await reach(who, 'file_metadata', 'read'), [Number(path.split('/')[2])]);
          } else if (route === 'export') {
            const [header, ...lines] = text.trim().split('\n');
            const idAt = header.split(',').indexOf('id');
            assertRead(who, path, res.name, allowed, lines.filter(Boolean).map((l) => Number(l.split(',')[idAt])));
          } else if (route === 'getOne') {
            assertRead(who, path, res.name, allowed, [JSON.parse(text).id]);
          } else if (route === 'history') {
            const id = Number(path.split('/')[2]);
            // History outlives a deleted record: judged by the record as it stands, or last stood.
            const exists = await one(`SELECT 1 AS x FROM ${res.name} WHERE id = $1`, [id]);
            if (exists) assertRead(who, path, res.name, allowed, [id]);
          } else {
            assertRead(who, path, res.name, allowed, (JSON.parse(text) as { id: number }[]).map((row) => row.id));
          }
        },
      ),
      { ...settings, numRuns: RUNS * ROLES.length },
    );
  });
});

describe('writes change only rows within the role\'s write reach, before and after', () => {
  it('edits, deletes and their cascades, bulk edit and delete, import, revert and change-set revert', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Weighted toward the scoped roles and the tables their scopes cover: that is where a write
        // can reach past its target (a cascade, a moved row, an undo of someone else's change).
        fc.oneof({ arbitrary: role(), weight: 1 }, { arbitrary: fc.constantFrom<DemoRole>('practitioner', 'districtAdmin'), weight: 3 }),
        fc.oneof(
          { arbitrary: resource().filter((r) => !r.readOnly), weight: 1 },
          { arbitrary: resource().filter((r) => Object.keys(REACH.own).includes(r.name)), weight: 3 },
        ),
        fc.constantFrom('edit', 'delete', 'bulk-delete', 'bulk-update', 'import', 'revert', 'revert-change-set'),
        fc.nat(400),
        fc.nat(1000),
        async (r, res, route, pick, n) => {
          const who = people.get(r)!;
          const writable = res.fields.filter((f) => !f.readOnly && f.type !== 'json');
          const field = writable[n % Math.max(1, writable.length)];
          const before = await reachAll(who, 'write');
          // Half the time a row the role may change (so the request gets past its target's checks).
          const mine = before.get(res.name);
          const inside = mine && mine.size && pick % 4 !== 0 ? [...mine] : null;
          const id = inside ? inside[pick % inside.length] : (pick % Math.max(1, await maxId(res.name))) + 1;
          const ids = inside ? [id, inside[(pick + n) % inside.length], inside[(pick * 3 + n) % inside.length]] : [id, id + 1, id + 2];
          const value = field ? await someValue(res.name, field.name, (pick * 7 + n) % 500) : null;
          const lastEvent = Number((await one(`SELECT coalesce(max(id), 0) AS n FROM audit_log`)).n);
          const reason = { 'x-change-reason': 'oracle' };
          let answer: { status: number; body: unknown };
          if (route === 'edit') answer = await who.api('PUT', `/${res.name}/${id}`, field ? { [field.name]: value } : {});
          else if (route === 'delete') answer = await who.api('DELETE', `/${res.name}/${id}`);
          else if (route === 'bulk-delete') answer = await who.api('POST', `/${res.name}/bulk-delete`, { ids: [...new Set(ids)] }, reason);
          else if (route === 'bulk-update') answer = await who.api('POST', `/${res.name}/bulk-update`, { ids: [...new Set(ids)], data: field ? { [field.name]: value } : { id } }, reason);
          else if (route === 'import') {
            const csv = field ? `id,${field.name}\n${id},${typeof value === 'object' && value !== null ? JSON.stringify(JSON.stringify(value)) : String(value ?? '')}\n` : `id\n${id}\n`;
            answer = await who.api('POST', `/${res.name}/import`, { csv, mode: 'upsert', key: ['id'] }, reason);
          } else if (route === 'revert') {
            const event = await one(`SELECT id FROM audit_log WHERE table_name = $1 ORDER BY id DESC OFFSET $2 LIMIT 1`, [res.name, pick % 40]);
            answer = await who.api('POST', `/audit_log/${event?.id ?? 1}/revert`);
          } else {
            const event = await one(`SELECT txid FROM audit_log WHERE table_name = $1 AND txid IS NOT NULL ORDER BY id DESC OFFSET $2 LIMIT 1`, [res.name, pick % 40]);
            answer = await who.api('POST', `/audit_log/revert-change-set/${event?.txid ?? 1}`);
          }
          const text = JSON.stringify(answer.body);
          if (answer.status >= 500) throw new Error(`${r} ${route} ${res.name}/${id} -> ${answer.status} ${text.slice(0, 300)}`);
          noHiddenValues(who, `${route} ${res.name}/${id}`, text, field?.name);
          const changed = await rows(
            `SELECT table_name, (record_pk->>'id')::bigint AS id, old_data IS NOT NULL AS existed, changed_data IS NOT NULL AS exists FROM audit_log WHERE id > $1 AND user_id = $2`,
            [lastEvent, who.id],
          );
          if (answer.status >= 400) {
            expect([`${r} ${route} ${res.name} -> ${answer.status}`, changed.length]).toEqual([`${r} ${route} ${res.name} -> ${answer.status}`, 0]);
            return;
          }
          const after = await reachAll(who, 'write');
          for (const c of changed) {
            const table = String(c.table_name);
            const was = before.get(table);
            const is = after.get(table);
            if (c.existed && was && !was.has(Number(c.id))) throw new Error(`${r} ${route} ${res.name}/${id} changed ${table} ${c.id}, which was out of reach`);
            const stillThere = c.exists && (await one(`SELECT 1 AS x FROM ${table} WHERE id = $1`, [c.id]));
            if (stillThere && is && !is.has(Number(c.id))) throw new Error(`${r} ${route} ${res.name}/${id} moved ${table} ${c.id} out of reach`);
          }
        },
      ),
      { ...settings, numRuns: RUNS * ROLES.length },
    );
  });
});
