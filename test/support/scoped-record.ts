import type { Pool } from 'pg';
import { sampleRecord, type MetaResource } from './sample-record.js';

type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

export interface Persona {
  id: number;
  role: string;
  districts: string[];
}

/**
 * A valid new record of any resource that falls inside a persona's row scope: the generic sample,
 * with the fields scopes are made of pointed at rows the persona owns (practitioner) or rows in its
 * districts (district admin). Parents are created through the admin's API.
 */
export async function scopedRecord(meta: Map<string, MetaResource>, name: string, admin: Api, pool: Pool, who: Persona): Promise<Record<string, unknown>> {
  const create = async (resource: string, data: Record<string, unknown>) => {
    const res = await admin('POST', `/${resource}`, data);
    if (res.status !== 201) throw new Error(`admin could not create ${resource}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const first = async (resource: string) => (await admin('GET', `/${resource}?range=[0,0]`)).body[0];
  const data = await sampleRecord(meta, name, create, first);
  if (who.role !== 'Practitioner' && who.role !== 'District Admin') return data;
  const own = who.role === 'Practitioner';
  const student = (
    await pool.query(own ? `SELECT id, ssid FROM student WHERE practitioner_id = $1 ORDER BY id LIMIT 1` : `SELECT id, ssid FROM student WHERE district = ANY($1) ORDER BY id LIMIT 1`, [own ? who.id : who.districts])
  ).rows[0];
  const practitioner = own
    ? who.id
    : (await pool.query(`SELECT id FROM app_user WHERE role = 'Practitioner' AND districts && $1 ORDER BY id LIMIT 1`, [who.districts])).rows[0].id;
  const fields = new Set(meta.get(name)!.fields.filter((f) => !f.readOnly).map((f) => f.name));
  const set = (field: string, value: unknown) => fields.has(field) && (data[field] = value);
  set('practitioner_id', practitioner);
  set('student_id', student.id);
  set('student_ssid', student.ssid);
  if (!own) set('district', who.districts[0]);
  if (fields.has('group_id')) {
    const group = await create('service_group', { name: `scoped group ${Math.random()}`, practitioner_id: practitioner });
    set('group_id', group.id);
  }
  if (fields.has('entity_id')) {
    set('entity_table', 'student');
    set('entity_id', student.id);
  }
  return data;
}
