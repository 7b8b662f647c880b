import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { App } from '../../server/app.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { DEMO, client, q, signIn, startServer } from '../support/server.js';

/** Defects found by trying the product as a hostile user, each pinned by a test. */
let db: TestDatabase;
let app: App;
let admin: ReturnType<typeof client>;
let adminAuth: Record<string, string>;

beforeAll(async () => {
  db = await testDatabase({ poolMax: 10 });
  app = await startServer(db);
  adminAuth = await signIn(app.url, 'admin');
  admin = client(`${app.url}/api`, adminAuth);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const one = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows[0];

describe('exports', () => {
  it('give their connection back when the client goes away mid-download', async () => {
    // Far more rows than socket buffers hold, so a download is really cut off midway.
    await db.pool.query(`INSERT INTO claim (claim_number, status, student_name, service_description, remittance_data)
      SELECT 'BULK-' || g, 'Paid', repeat('name ', 20), repeat('description ', 20), jsonb_build_object('n', g, 'pad', repeat('x', 200))
        FROM generate_series(1, 30000) AS g`);
    for (let i = 0; i < 15; i++) {
      const controller = new AbortController();
      const res = await fetch(`${app.url}/api/claim/export`, { headers: adminAuth, signal: controller.signal });
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
    }
    // More aborted downloads than the pool has connections: the API must still answer.
    const started = Date.now();
    expect((await admin('GET', '/claim?range=[0,0]')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    // The aborted exports' queries end soon after (their cursors are closed): allow a slow machine 5 s.
    const busy = async () => (await one(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'SELECT%FROM "claim"%' AND state <> 'idle'`)).n;
    for (const until = Date.now() + 5000; (await busy()) > 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100));
    expect(await busy()).toBe(0);
  });

  it('leave numbers alone and escape text a spreadsheet would run', async () => {
    // A negative amount (an adjustment loaded outside the API: the API refuses one) starts with "-" like a formula.
    await db.pool.query(`UPDATE claim SET billed_amount = -5 WHERE id = 1`);
    await admin('PUT', '/claim/1', { batch_number: '=HYPERLINK("x")' });
    const csv = String((await admin('GET', `/claim/export?raw=1&filter=${q({ id: 1 })}`)).body);
    const [header, row] = csv.trim().split('\n');
    const cells = Object.fromEntries(header.split(',').map((h, i) => [h, row.split(',')[i]]));
    expect(cells.billed_amount).toBe('-5');
    expect(cells.batch_number).toBe(`"'=HYPERLINK(""x"")"`);
  });
});

describe('the audit log follows per-table permissions', () => {
  it('shows a support user no events of tables they may not show', async () => {
    const support = client(`${app.url}/api`, await signIn(app.url, 'support'));
    expect((await support('GET', `/app_user/1`)).status).toBe(403);
    expect((await support('GET', `/audit_log?filter=${q({ table_name: 'app_user' })}`)).body).toEqual([]);
    expect((await support('GET', `/audit_log?filter=${q({ table_name: 'permission_item' })}`)).body).toEqual([]);
    expect((await support('GET', `/audit_log?filter=${q({ table_name: 'student' })}&range=${q([0, 0])}`)).body).toHaveLength(1);
    const event = await one(`SELECT id FROM audit_log WHERE table_name = 'app_user' LIMIT 1`);
    expect((await support('GET', `/audit_log/${event.id}`)).status).toBe(404);
  });
});

describe('references in writes stay in the writer\'s scope', () => {
  it('refuses a practitioner booking a service or a membership for another practitioner\'s student, as if it did not exist', async () => {
    const api = client(`${app.url}/api`, await signIn(app.url, 'practitioner'));
    const me = (await one(`SELECT id FROM app_user WHERE email = $1`, [DEMO.practitioner])).id;
    const theirs = await one(`SELECT id FROM student WHERE practitioner_id <> $1 ORDER BY id LIMIT 1`, [me]);
    const group = await one(`SELECT id FROM service_group WHERE practitioner_id = $1 LIMIT 1`, [me]);
    const service = await api('POST', '/service', { student_id: theirs.id, practitioner_id: me, service_date: '2025-05-05' });
    expect(service.status).toBe(400);
    expect(service.body.errors).toEqual({ student_id: 'refers to a record that does not exist or that you cannot reach' });
    const missing = await api('POST', '/service', { student_id: 99999999, practitioner_id: me, service_date: '2025-05-05' });
    expect([missing.status, missing.body.errors]).toEqual([service.status, service.body.errors]);
    const membership = await api('POST', '/group_membership', { group_id: group.id, student_id: theirs.id });
    expect(membership.status).toBe(400);
  });
});

describe('accounts', () => {
  it('lets nobody lock themselves out by changing their own status, level or districts', async () => {
    const me = (await one(`SELECT id FROM app_user WHERE email = $1`, [DEMO.admin])).id;
    for (const patch of [{ status: 'Inactive' }, { permission_level: 'Standard' }, { districts: ['X'] }]) {
      const res = await admin('PUT', `/app_user/${me}`, patch);
      expect(res.status).toBe(400);
      expect(Object.values(res.body.errors)).toEqual(['cannot be changed on your own account']);
    }
    expect((await admin('GET', '/auth/me')).status).toBe(200);
  });

  it('refuses an email that differs from another only by case (409)', async () => {
    const res = await admin('POST', '/app_user', { first_name: 'A', last_name: 'B', email: 'Support@Demo.kcsos.invalid', role: 'Support' });
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual({ email: expect.stringMatching(/unique/) });
  });

  it('undoes the deletion of a user who had a password as one change set', async () => {
    const created = (await admin('POST', '/app_user', { first_name: 'Temp', last_name: 'User', email: 'temp.user@example.invalid', role: 'Support' })).body;
    expect((await admin('POST', `/app_user/${created.id}/password`, { password: 'temporary-password-1' })).status).toBe(204);
    expect((await admin('DELETE', `/app_user/${created.id}`)).status).toBe(200);
    const [deletion] = (await admin('GET', `/app_user/${created.id}/history`)).body;
    const res = await admin('POST', `/audit_log/revert-change-set/${deletion.change_set}`);
    expect(res.status).toBe(200);
    expect((await admin('GET', `/app_user/${created.id}`)).body.email).toBe('temp.user@example.invalid');
  });

  it('accepts the bearer scheme in any case, and a bodyless JSON logout', async () => {
    const auth = await signIn(app.url, 'supervisor');
    const lower = { authorization: auth.authorization.replace('Bearer', 'bearer') };
    expect((await client(`${app.url}/api`, lower)('GET', '/auth/me')).status).toBe(200);
    const res = await fetch(`${app.url}/api/auth/logout`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' } });
    expect(res.status).toBe(204);
    expect((await client(`${app.url}/api`, auth)('GET', '/auth/me')).status).toBe(401);
  });
});

describe('edits and undo', () => {
  it('treats a re-spelled value as no change (10:00 for a stored 10:00:00)', async () => {
    await admin('PUT', '/service/2', { service_time: '10:00:00' });
    const before = (await one(`SELECT count(*)::int AS n FROM audit_log`)).n;
    const loaded = (await admin('GET', '/service/2')).body;
    expect((await admin('PUT', '/service/2', { ...loaded, service_time: '10:00' })).body.updated_at).toBe(loaded.updated_at);
    expect((await one(`SELECT count(*)::int AS n FROM audit_log`)).n).toBe(before);
  });

  it('explains with 409 that an edited record was deleted since', async () => {
    const created = (await admin('POST', '/modifier', { code: 'DEL1' })).body;
    await admin('PUT', `/modifier/${created.id}`, { description: 'edited' });
    const [edit] = (await admin('GET', `/modifier/${created.id}/history`)).body;
    await admin('DELETE', `/modifier/${created.id}`);
    const res = await admin('POST', `/audit_log/${edit.id}/revert`);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/deleted after this change/);
  });
});

describe('OpenAPI', () => {
  it('requires the bearer token and documents sign-in, meta, export and health', async () => {
    const doc = (await admin('GET', '/docs-json')).body;
    expect(doc.security).toEqual([{ bearer: [] }]);
    for (const path of ['/api/auth/login', '/api/auth/me', '/api/auth/logout', '/api/auth/password', '/api/meta', '/api/health', '/api/ready', '/api/claim/export', '/api/app_user/{id}/password']) {
      expect(doc.paths[path]).toBeDefined();
    }
    expect(doc.paths['/api/auth/login'].post.security).toEqual([]);
    expect(doc.paths['/api/claim/{id}'].put.responses).toHaveProperty('409');
  });
});
