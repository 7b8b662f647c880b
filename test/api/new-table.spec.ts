import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { App } from '../../server/app.js';
import { migrate } from '../../server/db/database.js';
import { Resource } from '../../server/schema/resource.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { client, signIn, startServer } from '../support/server.js';

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
    expect(widget.fields.map((f: { name: string }) => f.name)).toEqual(['id', 'name', 'colour', 'updated_at']);
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
});
