import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { App } from '../../server/app.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import type { MetaResource } from '../support/sample-record.js';
import { scopedRecord, type Persona } from '../support/scoped-record.js';
import { DEMO, client, q, signIn, startServer, type DemoRole } from '../support/server.js';

/** Every resource x action x role, expected from the matrix as seeded: 2xx when granted, else 403. */
let db: TestDatabase;
let app: App;
let admin: ReturnType<typeof client>;
let meta: Map<string, MetaResource>;

const ROLES: [DemoRole, string][] = [
  ['admin', 'system_admin'],
  ['support', 'support'],
  ['supervisor', 'supervisor'],
  ['districtAdmin', 'district_admin'],
  ['practitioner', 'practitioner'],
];
const ACTIONS = ['list', 'show', 'create', 'edit', 'delete', 'export'] as const;

beforeAll(async () => {
  db = await testDatabase();
  app = await startServer(db);
  admin = client(`${app.url}/api`, await signIn(app.url, 'admin'));
  const resources = (await admin('GET', '/meta')).body.resources as MetaResource[];
  meta = new Map(resources.map((r) => [r.name, r]));
  // Every read-only log needs a row to show: the seed records no write conflict, so one stale save makes one.
  const loaded = (await admin('GET', '/modifier/1')).body;
  await admin('PUT', '/modifier/1', { ...loaded, notes: 'first' });
  expect((await admin('PUT', '/modifier/1', { ...loaded, notes: 'second' })).status).toBe(409);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

async function persona(role: DemoRole): Promise<Persona> {
  const { rows } = await db.pool.query(`SELECT id, role, coalesce(districts, '{}') AS districts FROM app_user WHERE email = $1`, [DEMO[role]]);
  return rows[0];
}

describe('the permission matrix is enforced on every resource and action', () => {
  for (const [role, column] of ROLES) {
    it(`${role}: every resource x action answers as the seeded matrix says`, async () => {
      const api = client(`${app.url}/api`, await signIn(app.url, role));
      const who = await persona(role);
      const granted = new Set((await db.pool.query(`SELECT name FROM permission_item WHERE ${column}`)).rows.map((r) => r.name));
      const outcomes: string[] = [];
      const expectations: string[] = [];
      for (const resource of meta.values()) {
        const may = (action: string) => granted.has(`${resource.name}.${action}`) && (resource.name !== 'audit_log' || granted.has('audit.browse'));
        // Made by the caller where it may create (a saved view is changed by its owner only), else by the admin.
        const record = async () => {
          const res = await (may('create') ? api : admin)('POST', `/${resource.name}`, await scopedRecord(meta, resource.name, admin, db.pool, who));
          if (res.status !== 201) throw new Error(`${resource.name}: ${JSON.stringify(res.body)}`);
          return res.body;
        };
        for (const action of ACTIONS) {
          const readOnlyWrite = resource.readOnly && ['create', 'edit', 'delete'].includes(action);
          let status: number;
          if (action === 'list') status = (await api('GET', `/${resource.name}?range=${q([0, 0])}`)).status;
          else if (action === 'export') status = (await api('GET', `/${resource.name}/export?filter=${q({ id: 0 })}`)).status;
          else if (action === 'create') {
            status = readOnlyWrite ? (await api('POST', `/${resource.name}`, {})).status : (await api('POST', `/${resource.name}`, await scopedRecord(meta, resource.name, admin, db.pool, who))).status;
          } else {
            // A read-only log's rows are the caller's own view of it (events of tables they may show,
            // reads within their districts).
            const visible = resource.readOnly && may('list') ? (await api('GET', `/${resource.name}?range=${q([0, 0])}`)).body[0] : undefined;
            const target = readOnlyWrite || resource.readOnly ? (visible ?? (await admin('GET', `/${resource.name}?range=${q([0, 0])}`)).body[0]) : await record();
            const path = `/${resource.name}/${target.id}`;
            status = (action === 'show' ? await api('GET', path) : action === 'edit' ? await api('PUT', path, {}) : await api('DELETE', path)).status;
          }
          const expected = readOnlyWrite ? 405 : may(action) ? (action === 'create' ? 201 : 200) : 403;
          outcomes.push(`${resource.name}.${action}=${status}`);
          expectations.push(`${resource.name}.${action}=${expected}`);
        }
      }
      expect(outcomes).toEqual(expectations);
    }, 120_000);
  }

  it('lists in /api/meta only what the caller may use, with their actions', async () => {
    const practitioner = client(`${app.url}/api`, await signIn(app.url, 'practitioner'));
    const resources = (await practitioner('GET', '/meta')).body.resources;
    expect(resources.map((r: { name: string }) => r.name).sort()).toEqual(['file_metadata', 'group_membership', 'saved_view', 'service', 'service_group', 'student']);
    expect(resources.find((r: { name: string }) => r.name === 'student').actions).toEqual(['list', 'show', 'create', 'edit', 'export']);
  });

  it('applies a matrix change made through the API on the next request', async () => {
    const support = client(`${app.url}/api`, await signIn(app.url, 'support'));
    expect((await support('GET', '/claim?range=[0,0]')).status).toBe(200);
    const [item] = (await admin('GET', `/permission_item?filter=${q({ name: 'claim.list' })}`)).body;
    expect((await admin('PUT', `/permission_item/${item.id}`, { support: false })).status).toBe(200);
    expect((await support('GET', '/claim?range=[0,0]')).status).toBe(403);
    expect((await support('GET', '/meta')).body.resources.map((r: { name: string }) => r.name)).not.toContain('claim');
    await admin('PUT', `/permission_item/${item.id}`, { support: true });
    expect((await support('GET', '/claim?range=[0,0]')).status).toBe(200);
  });

  it('refuses to take permission.manage away from the writer\'s own role, by any write, and changes nothing', async () => {
    const [manage] = (await admin('GET', `/permission_item?filter=${q({ name: 'permission.manage' })}`)).body;
    const events = async () => Number((await db.pool.query(`SELECT count(*) FROM audit_log WHERE table_name = 'permission_item'`)).rows[0].count);
    const before = await events();
    const refused = await admin('PUT', `/permission_item/${manage.id}`, { system_admin: false });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/take permission.manage away from your own role/);
    expect((await admin('DELETE', `/permission_item/${manage.id}`)).status).toBe(409);
    const bulk = await admin('POST', '/permission_item/bulk-update', { ids: [manage.id], data: { system_admin: false } }, { 'x-change-reason': 'tidy up' });
    expect(bulk.status).toBe(400); // a bulk edit reports it on the row, and writes nothing
    expect(bulk.body.rows[0].errors._record).toMatch(/take permission.manage away from your own role/);
    expect((await db.pool.query(`SELECT system_admin FROM permission_item WHERE id = $1`, [manage.id])).rows[0].system_admin).toBe(true);
    expect(await events()).toBe(before);
    expect((await admin('GET', '/auth/me')).body.permissions).toContain('permission.manage');
    // Granting it to another role, or changing another role's grant, stays possible.
    expect((await admin('PUT', `/permission_item/${manage.id}`, { supervisor: true })).status).toBe(200);
    expect((await admin('PUT', `/permission_item/${manage.id}`, { supervisor: false })).status).toBe(200);
    // A session that names no user (the database owner in psql) can still repair the matrix.
    await db.pool.query(`UPDATE permission_item SET system_admin = false WHERE id = $1`, [manage.id]);
    await db.pool.query(`UPDATE permission_item SET system_admin = true WHERE id = $1`, [manage.id]);
  });
});

describe('field rules', () => {
  const grant = async (name: string, column: string, value: boolean) => {
    const [item] = (await admin('GET', `/permission_item?filter=${q({ name })}`)).body;
    expect((await admin('PUT', `/permission_item/${item.id}`, { [column]: value })).status).toBe(200);
  };

  it('lets only permission.manage change a user\'s role, level, districts and status', async () => {
    await grant('app_user.edit', 'supervisor', true);
    const supervisor = client(`${app.url}/api`, await signIn(app.url, 'supervisor'));
    const target = await persona('practitioner');
    const refused = await supervisor('PUT', `/app_user/${target.id}`, { role: 'Admin', phone: '555-0100' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual({ role: 'can only be changed with the permission.manage permission' });
    expect((await supervisor('PUT', `/app_user/${target.id}`, { phone: '555-0100' })).status).toBe(200);
    // Sending the unchanged role back (react-admin sends the whole record) is not a change.
    const loaded = (await supervisor('GET', `/app_user/${target.id}`)).body;
    expect((await supervisor('PUT', `/app_user/${target.id}`, { ...loaded, department: 'Outreach' })).status).toBe(200);
    await grant('app_user.edit', 'supervisor', false);
  });

  it('lets nobody change their own role', async () => {
    const me = await persona('admin');
    const res = await admin('PUT', `/app_user/${me.id}`, { role: 'Support' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual({ role: 'cannot be changed on your own account' });
  });

  it('keeps sensitive student fields out of reads, filters, search and exports without student.sensitive', async () => {
    await grant('student.sensitive', 'practitioner', false);
    const practitioner = client(`${app.url}/api`, await signIn(app.url, 'practitioner'));
    const who = await persona('practitioner');
    const own = (await db.pool.query(`SELECT id, insurance_policy_number FROM student WHERE practitioner_id = $1 LIMIT 1`, [who.id])).rows[0];
    const one = (await practitioner('GET', `/student/${own.id}`)).body;
    expect(one).not.toHaveProperty('insurance_policy_number');
    expect(one).not.toHaveProperty('medi_cal_benefits_id');
    expect(one).toHaveProperty('last_name');
    expect((await practitioner('GET', `/student?filter=${q({ insurance_policy_number: own.insurance_policy_number })}`)).status).toBe(400);
    expect((await practitioner('GET', `/student?filter=${q({ q: own.insurance_policy_number })}`)).body).toEqual([]);
    const csv = String((await practitioner('GET', '/student/export?raw=1')).body);
    expect(csv.split('\n')[0]).not.toContain('insurance_policy_number');
    expect(csv).not.toContain(own.insurance_policy_number);
    expect((await practitioner('PUT', `/student/${own.id}`, { insurance_policy_number: 'X' })).status).toBe(400);
    const meta = (await practitioner('GET', '/meta')).body.resources.find((r: { name: string }) => r.name === 'student');
    expect(meta.fields.map((f: { name: string }) => f.name)).not.toContain('insurance_group_number');
    // Nor through the audit log's row images, for a role that may browse it.
    await grant('audit.browse', 'practitioner', true);
    await grant('audit_log.list', 'practitioner', true);
    const events = (await practitioner('GET', `/audit_log?filter=${q({ table_name: 'student', record_pk: { id: own.id } })}`)).body;
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(own.insurance_policy_number);
    expect(events[0].changed_data).toHaveProperty('last_name');
    await grant('student.sensitive', 'practitioner', true);
    expect((await practitioner('GET', `/student/${own.id}`)).body.insurance_policy_number).toBe(own.insurance_policy_number);
  });

  it('lets no revert grant what the reverting user could not set', async () => {
    const target = await persona('supervisor');
    await admin('PUT', `/app_user/${target.id}`, { role: 'Support' });
    await admin('PUT', `/app_user/${target.id}`, { role: 'Supervisor' });
    const [event] = (await admin('GET', `/app_user/${target.id}/history`)).body;
    // Support may see users' events only with app_user.show (else the event is not found for them).
    await grant('app_user.show', 'support', true);
    await grant('app_user.edit', 'support', true);
    const support = client(`${app.url}/api`, await signIn(app.url, 'support'));
    const res = await support('POST', `/audit_log/${event.id}/revert`);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/permission\.manage/);
    await grant('app_user.edit', 'support', false);
    await grant('app_user.show', 'support', false);
  });

  it('records the signed-in user on every audit row', async () => {
    const support = client(`${app.url}/api`, await signIn(app.url, 'support'));
    const who = await persona('support');
    await support('PUT', '/student/9', { comments: 'checked by support' });
    const [event] = (await support('GET', '/student/9/history')).body;
    expect(event.user_id).toBe(who.id);
  });
});
