import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig } from '../../db/orm-config.js';
import { resolveResources } from './resolve-metadata.js';

// The entities' own metadata, discovered as at boot; no connection is opened.
const orm = new MikroORM(ormConfig({ url: 'postgresql://nobody@127.0.0.1:9/none' }));
const resources = resolveResources(orm.getMetadata().getAll().values());

describe('metadata resolution', () => {
  it('carries the stamps @Stamped() declares on each field, with updated_at as the lock version', () => {
    const claim = resources.get('claim')!;
    const names = claim.fields.map((f) => f.name);
    expect(names.slice(-4)).toEqual(['created_at', 'updated_at', 'created_by', 'updated_by']);
    expect(claim.versionField).toBe('updated_at');
    expect(claim.field.get('updated_at')).toMatchObject({ readOnly: true, stamp: { update: 'now', version: true } });
    expect(claim.field.get('created_by')).toMatchObject({ readOnly: true, stamp: { create: 'user' }, reference: { resource: 'app_user', field: 'id' } });
    expect(claim.field.get('status')).toMatchObject({ readOnly: false, stamp: null });
  });

  it('lists every resource that refers to another, except through its stamps', () => {
    const users = resources.get('app_user')!;
    expect(users.referencedBy.some((r) => r.field === 'created_by' || r.field === 'updated_by')).toBe(false);
    const students = resources.get('student')!;
    expect(students.referencedBy).toEqual(expect.arrayContaining([expect.objectContaining({ resource: 'claim', field: 'student_ssid', key: 'ssid' })]));
  });

  it('labels fields in words, acronyms spelled as people write them', () => {
    const student = resources.get('student')!;
    expect(student.field.get('ssid')!.label).toBe('SSID');
    expect(student.field.get('iep_date')!.label).toMatch(/^IEP /);
  });

  it('reads sensitive declarations onto the fields, and serves no table declared not served', () => {
    const student = resources.get('student')!;
    expect(student.fields.filter((f) => f.sensitive).map((f) => f.name).sort()).toEqual(['insurance_group_number', 'insurance_policy_number', 'medi_cal_benefits_id']);
    for (const hidden of ['user_credential', 'api_key', 'user_mfa', 'auth_session']) expect(resources.has(hidden)).toBe(false);
  });
});
