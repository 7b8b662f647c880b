import { beforeAll, describe, expect, it } from '@jest/globals';
import { serverForTests } from '../support/server.js';

const ctx = serverForTests();
let meta: Record<string, any>;

beforeAll(async () => {
  meta = Object.fromEntries((await ctx.api('GET', '/meta')).body.resources.map((r: { name: string }) => [r.name, r]));
});

const field = (resource: string, name: string) => meta[resource].fields.find((f: { name: string }) => f.name === name);

describe('GET /api/meta', () => {
  it('describes each resource: label, one-line representation and list columns', () => {
    expect(meta.student).toMatchObject({ label: 'Students', representation: '{last_name}, {first_name} ({ssid})', askReason: true });
    expect(meta.app_user.representation).toBe('{first_name} {last_name}');
    expect(meta.fee_schedule_code.representation).toBe('{procedure_code} — {service_description}');
    expect(meta.student.listFields).toEqual(['last_name', 'first_name', 'ssid', 'birthdate', 'grade', 'district', 'school', 'status']);
    expect(meta.student.sections.map((s: { title: string }) => s.title)).toEqual(['Demographics', 'School', 'Contacts', 'Insurance', 'Consent', 'IEP']);
    expect(meta.audit_log).toMatchObject({ readOnly: true, actions: ['list', 'show', 'export'] });
  });

  it('describes every field from the entity: type, nullability, default, read-only, unique', () => {
    expect(field('claim', 'billed_amount')).toMatchObject({ type: 'decimal', columnType: 'numeric(12,2)', nullable: true, readOnly: false });
    expect(field('claim', 'claim_number')).toMatchObject({ type: 'text', nullable: false, unique: true, required: true });
    expect(field('claim', 'modifiers')).toMatchObject({ type: 'text[]', elementsReference: { resource: 'modifier', field: 'code' } });
    expect(field('claim', 'remittance_data')).toMatchObject({ type: 'json', sortable: false });
    expect(field('student', 'status')).toMatchObject({ default: 'Active', choices: ['Active', 'Inactive'] });
    expect(field('student', 'created_at')).toMatchObject({ type: 'timestamp', readOnly: true, default: 'now()' });
    expect(field('service', 'service_time')).toMatchObject({ type: 'time' });
    expect(field('student', 'grade')).toMatchObject({ type: 'smallint' });
    expect(field('file_metadata', 'file_size_bytes')).toMatchObject({ type: 'bigint' });
    expect(field('service_group', 'created_date')).toMatchObject({ default: 'CURRENT_DATE' });
    expect(field('student', 'comments')).toMatchObject({ multiline: true, searchable: false });
    expect(field('student', 'last_name')).toMatchObject({ searchable: true });
    expect(field('modifier', 'notes')).toMatchObject({ multiline: true, searchable: true });
  });

  it('gives references their target and the target\'s representation', () => {
    expect(field('service', 'student_id').reference).toEqual({ resource: 'student', field: 'id', representation: '{last_name}, {first_name} ({ssid})' });
    expect(field('claim', 'student_ssid').reference).toEqual({ resource: 'student', field: 'ssid', representation: '{last_name}, {first_name} ({ssid})' });
    expect(field('audit_log', 'user_id').reference).toMatchObject({ resource: 'app_user' });
    expect(meta.student.referencedBy).toEqual(expect.arrayContaining([{ resource: 'service', field: 'student_id', key: 'id' }, { resource: 'group_membership', field: 'student_id', key: 'id' }, { resource: 'claim', field: 'student_ssid', key: 'ssid' }]));
  });

  it('lists the enum choices the dictionary gives', () => {
    expect(field('app_user', 'role').choices).toEqual(['Practitioner', 'Supervisor', 'District Admin', 'Admin', 'Support']);
    expect(field('app_user', 'permission_level').choices).toEqual(['Standard', 'Advanced', 'Full']);
    expect(field('claim', 'status').choices).toEqual(['Incomplete', 'Approved', 'Submitted', 'Paid', 'Rejected']);
    expect(field('service', 'status').choices).toEqual(['Upcoming', 'Incomplete', 'Completed', 'Cancelled']);
    expect(field('audit_log', 'action').choices).toEqual(['INSERT', 'UPDATE', 'DELETE']);
    expect(field('organization', 'payer_type').choices).toContain('LEA-BOP');
    expect(field('fee_schedule_code', 'service_category').choices).toEqual(['Psychoeducation', 'Screenings/Assessments', 'Treatment', 'Case Mgmt/Care Coordination']);
  });
});

describe('OpenAPI', () => {
  it('documents every resource from the same metadata', async () => {
    const doc = (await ctx.api('GET', '/docs-json')).body;
    expect(doc.openapi).toMatch(/^3\./);
    for (const name of Object.keys(meta)) {
      expect(doc.paths[`/api/${name}`].get).toBeDefined();
      expect(doc.paths[`/api/${name}/{id}`].get).toBeDefined();
      expect(doc.components.schemas[name]).toBeDefined();
      expect(doc.paths[`/api/${name}/aggregate`].get.parameters.map((p: { name: string }) => p.name)).toEqual(['filter', 'group', 'sum']);
    }
    // The dashboard's routes and the search box; a record's edit that carries its links.
    expect(doc.paths['/api/claim/aggregate'].get.parameters[1].description).toMatch(/status, .*service_date\[:day\|:month\].*denial_code/);
    expect(doc.paths['/api/dashboard'].get.responses[200]).toBeDefined();
    expect(doc.paths['/api/search'].get.parameters).toEqual([expect.objectContaining({ name: 'q', required: true })]);
    expect(doc.paths['/api/fee_schedule_code/{id}'].put.summary).toMatch(/_links/);
    expect(doc.paths['/api/audit_log'].post).toBeUndefined();
    expect(doc.components.schemas.claim.properties.status.enum).toContain('Paid');
    expect(doc.components.schemas.student.required).toEqual(expect.arrayContaining(['ssid', 'first_name', 'last_name', 'birthdate', 'district']));
  });

  it('serves Swagger UI', async () => {
    const res = await fetch(`${ctx.app.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger-ui-bundle.js');
    const bundle = await fetch(`${ctx.app.url}/api/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    // Read to the end: an unread 1.5 MB body keeps the connection busy and the server from closing.
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});
