import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import simpleRestProvider from 'ra-data-simple-rest';
import { fetchUtils, type DataProvider } from 'ra-core';
import type { App } from '../../server/app.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { sampleRecord, type MetaResource } from '../support/sample-record.js';
import { signIn, startServer } from '../support/server.js';

/** The console's own client, driving all nine methods for every resource against the server. */
let db: TestDatabase;
let app: App;
let dp: DataProvider;
let meta: Map<string, MetaResource>;

beforeAll(async () => {
  db = await testDatabase();
  app = await startServer(db);
  // The console's httpClient: fetchJson with the bearer token added.
  const auth = await signIn(app.url, 'admin');
  const httpClient = (url: string, options: fetchUtils.Options = {}) => {
    const headers = new Headers(options.headers as HeadersInit);
    headers.set('Authorization', auth.authorization);
    return fetchUtils.fetchJson(url, { ...options, headers });
  };
  dp = simpleRestProvider(`${app.url}/api`, httpClient);
  const { json } = await httpClient(`${app.url}/api/meta`);
  meta = new Map(json.resources.map((r: MetaResource) => [r.name, r]));
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const create = async (resource: string, data: Record<string, unknown>) => (await dp.create(resource, { data })).data;
const first = async (resource: string) => (await dp.getList(resource, { pagination: { page: 1, perPage: 1 }, sort: { field: 'id', order: 'ASC' }, filter: {} })).data[0];

const ALL = [
  'audit_log', 'app_user', 'organization', 'qualification', 'billing_code', 'practitioner_type', 'modifier', 'fee_schedule_code',
  'fee_code_practitioner_type', 'fee_code_modifier', 'user_qualification', 'user_authorized_service', 'user_practitioner_type',
  'student', 'service', 'claim', 'permission_category', 'permission_item', 'service_group', 'group_membership', 'file_metadata', 'saved_view',
  'access_log', 'auth_event', 'write_conflict',
];

describe('ra-data-simple-rest against every resource', () => {
  it('meta lists all 21 tables, saved views, the access log, the sign-ins and the write conflicts', () => {
    expect([...meta.keys()].sort()).toEqual([...ALL].sort());
  });

  // The logs are read-only: their lists are covered by their own specs.
  for (const name of ALL.filter((n) => !['audit_log', 'access_log', 'auth_event', 'write_conflict'].includes(n))) {
    it(`${name}: create, getOne, getList, getMany, getManyReference, update, updateMany, delete, deleteMany`, async () => {
      const resource = meta.get(name)!;
      const data = await sampleRecord(meta, name, create, first);
      const created = await create(name, data);
      expect(typeof created.id).toBe('number');
      for (const [k, v] of Object.entries(data)) {
        // Timestamps come back in the server's canonical spelling of the same instant.
        if (resource.fields.find((f) => f.name === k)?.type === 'timestamp') expect(Date.parse(created[k] as string)).toBe(Date.parse(v as string));
        else expect(created[k]).toEqual(v);
      }

      const one = (await dp.getOne(name, { id: created.id })).data;
      expect(one).toEqual(created);

      const list = await dp.getList(name, { pagination: { page: 1, perPage: 5 }, sort: { field: 'id', order: 'DESC' }, filter: {} });
      expect(list.data[0].id).toBe(created.id);
      expect(list.total).toBeGreaterThanOrEqual(1);

      const second = await create(name, await sampleRecord(meta, name, create, first));
      const many = await dp.getMany(name, { ids: [created.id, second.id] });
      expect(many.data.map((r) => r.id).sort()).toEqual([created.id, second.id].sort());

      for (const ref of resource.fields.filter((f) => f.reference)) {
        if (created[ref.name] === null || created[ref.name] === undefined) continue;
        const related = await dp.getManyReference(name, {
          target: ref.name,
          id: created[ref.name] as number,
          pagination: { page: 1, perPage: 25 },
          sort: { field: 'id', order: 'DESC' },
          filter: {},
        });
        expect(related.data.some((r) => r.id === created.id)).toBe(true);
        expect(related.data.every((r) => r[ref.name] === created[ref.name])).toBe(true);
        expect(related.total).toBeGreaterThanOrEqual(related.data.length);
      }

      // A field the two records may both take the same value of (not unique, alone or with others).
      const text = resource.fields.find((f) => !f.readOnly && !f.reference && !f.choices && !f.unique && !resource.uniqueTogether.flat().includes(f.name) && f.type === 'text' && f.name !== 'entity_table');
      const patch = text ? { [text.name]: `edited ${text.name}` } : {};
      const updated = (await dp.update(name, { id: created.id, data: { ...one, ...patch }, previousData: one })).data;
      if (text) expect(updated[text.name]).toBe(`edited ${text.name}`);
      if ('updated_at' in one && text) expect(updated.updated_at).not.toBe(one.updated_at);

      // updateMany sends one patch for every id, so it cannot carry each record's version: a
      // versioned resource refuses it (428); the console's bulk edit is POST /<resource>/bulk-update.
      if ('updated_at' in one) {
        await expect(dp.updateMany(name, { ids: [created.id, second.id], data: patch })).rejects.toMatchObject({ status: 428 });
      } else {
        const updatedIds = (await dp.updateMany(name, { ids: [created.id, second.id], data: patch })).data;
        expect(updatedIds!.sort()).toEqual([created.id, second.id].sort());
      }

      const deleted = (await dp.delete(name, { id: created.id, previousData: updated })).data;
      expect(deleted.id).toBe(created.id);
      await expect(dp.getOne(name, { id: created.id })).rejects.toMatchObject({ status: 404 });
      expect((await dp.deleteMany(name, { ids: [second.id] })).data).toEqual([second.id]);
    });
  }

  it('audit_log: lists, shows and gets many, and refuses writes with 405', async () => {
    const list = await dp.getList('audit_log', { pagination: { page: 1, perPage: 10 }, sort: { field: 'id', order: 'DESC' }, filter: { table_name: 'claim' } });
    expect(list.data).toHaveLength(10);
    expect(list.data.every((r) => r.table_name === 'claim')).toBe(true);
    const one = (await dp.getOne('audit_log', { id: list.data[0].id })).data;
    expect(one.action).toMatch(/INSERT|UPDATE|DELETE/);
    expect((await dp.getMany('audit_log', { ids: [list.data[0].id, list.data[1].id] })).data).toHaveLength(2);
    await expect(dp.create('audit_log', { data: { table_name: 'x' } })).rejects.toMatchObject({ status: 405 });
    await expect(dp.update('audit_log', { id: one.id, data: { reason: 'x' }, previousData: one })).rejects.toMatchObject({ status: 405 });
    await expect(dp.delete('audit_log', { id: one.id, previousData: one })).rejects.toMatchObject({ status: 405 });
  });

  it('access_log: lists, shows and gets many the reads recorded, and refuses writes with 405', async () => {
    await dp.getOne('student', { id: 1 });
    const list = await dp.getList('access_log', { pagination: { page: 1, perPage: 10 }, sort: { field: 'id', order: 'DESC' }, filter: { table_name: 'student', action: 'show' } });
    expect(list.data.length).toBeGreaterThan(0);
    expect(list.data[0]).toMatchObject({ table_name: 'student', action: 'show', record_ids: [1] });
    const one = (await dp.getOne('access_log', { id: list.data[0].id })).data;
    expect((await dp.getMany('access_log', { ids: [one.id] })).data).toHaveLength(1);
    await expect(dp.create('access_log', { data: { table_name: 'x' } })).rejects.toMatchObject({ status: 405 });
    await expect(dp.delete('access_log', { id: one.id, previousData: one })).rejects.toMatchObject({ status: 405 });
  });

  it('exposes Content-Range to browsers (CORS) and sends it in the simple-rest format', async () => {
    const res = await fetch(`${app.url}/api/claim?range=[0,24]`, { headers: { Origin: 'http://localhost:5173', ...(await signIn(app.url, 'admin')) } });
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Content-Range/i);
    expect(res.headers.get('content-range')).toMatch(/^claim 0-24\/\d+$/);
  });
});
