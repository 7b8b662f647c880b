import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { App } from '../../server/app.js';
import { migrate } from '../../server/db/database.js';
import { Resource } from '../../server/schema/resource.js';
import { declareRole } from '../../server/schema/roles.js';
import { declareColumnType } from '../../server/engine/types/column-types.js';
import type { ColumnType } from '../../server/engine/types/column-type.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { client, signIn, startServer } from '../support/server.js';

/** A role that exists only in this test: one declaration (and the migration its matrix column needs). */
declareRole({ name: 'Auditor', key: 'auditor', label: 'Auditor', grants: { areas: { Audit: ['list', 'show'] }, permissions: ['audit.browse'] } });

/** A column type that exists only in this test: one descriptor, on widgets' serial numbers. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid: ColumnType = {
  columns: /^uuid$/,
  parse: (_field, value) => (typeof value === 'string' && UUID.test(value) ? { ok: true, value: value.toLowerCase() } : { ok: false, why: 'must be a UUID' }),
  cast: 'uuid',
  serialize: (value) => value,
  fromCell: (t) => (UUID.test(t) ? { ok: true, value: t.toLowerCase() } : { ok: false, why: 'must be a UUID' }),
  ordered: false,
  sortable: true,
  textual: false,
  element: null,
  schema: () => ({ type: 'string', format: 'uuid' }),
  display: 'text',
  input: 'text',
  groups: null,
  summed: false,
};
declareColumnType('uuid', uuid);

/** A table that exists only in this test: one entity declaration and nothing else. */
@Resource({ label: 'Widgets', representation: '{name}', choices: { colour: ['red', 'blue'] } })
@Entity({ tableName: 'widget' })
class Widget {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'text', columnType: 'text' })
  name!: string;

  @Property({ type: 'text', columnType: 'text', nullable: true })
  colour?: string | null;

  @Property({ type: 'uuid', columnType: 'uuid', nullable: true })
  serial?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true, defaultRaw: 'now()' })
  updated_at?: string | null;
}

let db: TestDatabase;
let app: App;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  db = await testDatabase({ extraEntities: [Widget] });
  // The table's migration, as `migration:create` would write it (without the trigger call, on
  // purpose: the migrate step must attach the trigger to any entity table that lacks it).
  await db.pool.query(await db.orm.schema.getUpdateSchemaSQL({ wrap: false, safe: true }));
  await migrate(db);
  app = await startServer(db);
  api = client(`${app.url}/api`, await signIn(app.url, 'admin'));
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('a table added later needs only its entity', () => {
  it('gets a meta entry', async () => {
    const widget = (await api('GET', '/meta')).body.resources.find((r: { name: string }) => r.name === 'widget');
    expect(widget).toMatchObject({ label: 'Widgets', representation: '{name}' });
    expect(widget.fields.map((f: { name: string }) => f.name)).toEqual(['id', 'name', 'colour', 'serial', 'updated_at']);
  });

  it('gets the full API with validation, locking, history and undo', async () => {
    const created = await api('POST', '/widget', { name: 'Sprocket', colour: 'red' });
    expect(created.status).toBe(201);
    expect((await api('POST', '/widget', { name: 'X', colour: 'green' })).status).toBe(400);
    const list = await api('GET', '/widget?filter=%7B%22q%22%3A%22sprock%22%7D');
    expect(list.headers.get('content-range')).toBe('widget 0-0/1');
    const stale = { ...created.body };
    await api('PUT', `/widget/${created.body.id}`, { ...created.body, colour: 'blue' });
    expect((await api('PUT', `/widget/${created.body.id}`, { ...stale, name: 'late' })).status).toBe(409);
    const history = (await api('GET', `/widget/${created.body.id}/history`)).body;
    expect(history.map((e: { action: string }) => e.action)).toEqual(['UPDATE', 'INSERT']);
    expect((await api('POST', `/audit_log/${history[0].id}/revert`)).status).toBe(200);
    expect((await api('GET', `/widget/${created.body.id}`)).body.colour).toBe('red');
  });

  it('gets the audit trigger', async () => {
    const { rows } = await db.pool.query(`SELECT 1 FROM pg_trigger WHERE tgrelid = 'widget'::regclass AND tgname = 'audit_row_change'`);
    expect(rows).toHaveLength(1);
  });

  it('gets OpenAPI paths', async () => {
    expect((await api('GET', '/docs-json')).body.paths['/api/widget/{id}'].put).toBeDefined();
  });

  it('gets a column type from its descriptor alone: parsed, filtered, described and drawn', async () => {
    const serial = '0F8FAD5B-D9CB-469F-A165-70867728950E';
    const created = await api('POST', '/widget', { name: 'Cog', serial });
    expect(created.status).toBe(201);
    expect(created.body.serial).toBe(serial.toLowerCase());
    const bad = await api('POST', '/widget', { name: 'Bad', serial: 'not-a-uuid' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual({ serial: 'must be a UUID' });
    const found = await api('GET', `/widget?filter=${encodeURIComponent(JSON.stringify({ serial }))}`);
    expect(found.body.map((w: { id: number }) => w.id)).toEqual([created.body.id]);
    const field = (await api('GET', '/meta')).body.resources.find((r: { name: string }) => r.name === 'widget').fields.find((f: { name: string }) => f.name === 'serial');
    expect(field).toMatchObject({ type: 'uuid', display: 'text', input: 'text', operators: ['eq', 'neq', 'null'] });
    expect((await api('GET', '/docs-json')).body.components.schemas.widget.properties.serial).toMatchObject({ format: 'uuid' });
  });
});

describe('a role added later needs only its declaration', () => {
  it('is a choice of a user\'s role, a column of the matrix and a role in /api/meta', async () => {
    const meta = (await api('GET', '/meta')).body;
    expect(meta.roles.map((r: { name: string }) => r.name)).toContain('Auditor');
    const users = meta.resources.find((r: { name: string }) => r.name === 'app_user');
    expect(users.fields.find((f: { name: string }) => f.name === 'role').choices).toContain('Auditor');
    const matrix = meta.resources.find((r: { name: string }) => r.name === 'permission_item');
    expect(matrix.fields.find((f: { name: string }) => f.name === 'auditor')).toMatchObject({ label: 'Auditor', display: 'yes-no' });
  });

  it('starts with its declared grants, and its people sign in with exactly those', async () => {
    const { rows } = await db.pool.query(`SELECT name FROM permission_item WHERE auditor ORDER BY name`);
    // The Audit area's reads and audit.browse, as declared; saved views and sensitive fields, as every role starts.
    const savedViews = ['create', 'delete', 'edit', 'export', 'list', 'show'].map((a) => `saved_view.${a}`);
    expect(rows.map((r) => r.name)).toEqual(['audit.browse', 'audit_log.list', 'audit_log.show', 'auth_event.list', 'auth_event.show', ...savedViews, 'student.sensitive', 'write_conflict.list', 'write_conflict.show']);
    const user = await api('POST', '/app_user', { first_name: 'Avery', last_name: 'Auditor', email: 'avery.auditor@test.invalid', role: 'Auditor', status: 'Active' });
    expect(user.status).toBe(201);
    expect((await api('POST', `/app_user/${user.body.id}/password`, { password: 'auditor-test-pass-1' })).status).toBe(204);
    const auditor = client(`${app.url}/api`, await signIn(app.url, 'avery.auditor@test.invalid', 'auditor-test-pass-1'));
    expect((await auditor('GET', '/audit_log?range=%5B0%2C0%5D')).status).toBe(200);
    expect((await auditor('GET', '/claim?range=%5B0%2C0%5D')).status).toBe(403);
  });
});
