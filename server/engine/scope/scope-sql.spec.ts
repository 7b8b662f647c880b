import { describe, expect, it } from '@jest/globals';
import { field, resourceOf } from '../../../test/support/field-meta.js';
import type { ResourceMeta } from '../metadata/resource-meta.js';
import { Params } from '../plan/sql.js';
import { checkScopes } from './check-scopes.js';
import { pinnedFields, scopeSql, type ScopeContext } from './scope-sql.js';

const person = resourceOf('person', [field('id', 'integer'), field('districts', 'text[]')]);
const pupil = resourceOf('pupil', [field('id', 'integer'), field('code', 'text'), field('carer_id', 'integer'), field('district', 'text')], {
  options: { scopes: { own: { field: 'carer_id', is: 'user' }, district: { field: 'district', in: 'districts' } } },
});
const visit = resourceOf(
  'visit',
  [
    field('id', 'integer'),
    field('pupil_code', 'text', { reference: { resource: 'pupil', field: 'code' } }),
    field('kind', 'text'),
    field('seen', 'bigint[]'),
    field('by_id', 'integer'),
  ],
  { options: { scopes: { own: { field: 'pupil_code', via: 'pupil' } } } },
);
const all = new Map<string, ResourceMeta>([person, pupil, visit].map((r) => [r.name, r]));

function ctx(kind: 'own' | 'district' | undefined, from?: (t: string) => string): ScopeContext {
  return { kind, subject: { user: 7, districts: ['North', 'South'], role: 'Carer' }, params: new Params(), resources: all, from };
}

describe('row scopes compile from their declarations', () => {
  it('compares a column with the caller, their role or their districts, values as parameters', () => {
    const c = ctx('own');
    expect(scopeSql({ field: 'carer_id', is: 'user' }, pupil, c)).toBe('"carer_id" = $1::integer');
    expect(scopeSql({ field: 'district', in: 'districts' }, pupil, c)).toBe('"district" = ANY($2::text[])');
    expect(scopeSql({ field: 'districts', overlaps: 'districts' }, person, c)).toBe('"districts" && $3::text[]');
    expect(c.params.values).toEqual([7, ['North', 'South'], ['North', 'South']]);
  });

  it('follows a reference by its key into the same kind of scope there, or into the condition given', () => {
    expect(scopeSql({ field: 'pupil_code', via: 'pupil' }, visit, ctx('own'))).toBe('"pupil_code" IN (SELECT "code" FROM "pupil" WHERE "carer_id" = $1::integer)');
    expect(scopeSql({ field: 'pupil_code', via: 'pupil' }, visit, ctx('district'))).toBe('"pupil_code" IN (SELECT "code" FROM "pupil" WHERE "district" = ANY($1::text[]))');
    const where = { field: 'districts', overlaps: 'districts' } as const;
    expect(scopeSql({ field: 'by_id', via: 'person', where }, visit, ctx('district'))).toBe('"by_id" IN (SELECT "id" FROM "person" WHERE "districts" && $1::text[])');
    expect(scopeSql({ field: 'seen', allVia: 'pupil' }, visit, ctx('own'))).toBe('"seen" <@ ARRAY(SELECT "id"::bigint FROM "pupil" WHERE "carer_id" = $1::integer)');
  });

  it('combines conditions, and reads other tables as the context says (the reach check: as they stood)', () => {
    const c = ctx('own', (t) => `(SELECT * FROM before_${t}) AS "${t}"`);
    const sql = scopeSql({ any: [{ field: 'kind', equals: 'home' }, { all: [{ field: 'by_id', is: 'user' }, { field: 'pupil_code', via: 'pupil' }] }] }, visit, c);
    expect(sql).toBe('("kind" = $1::text) OR (("by_id" = $2::integer) AND ("pupil_code" IN (SELECT "code" FROM (SELECT * FROM before_pupil) AS "pupil" WHERE "carer_id" = $3::integer)))');
  });

  it('names the fields a scope pins to the caller, for the choices a form offers', () => {
    expect(pinnedFields({ all: [{ field: 'carer_id', is: 'user' }, { field: 'district', in: 'districts' }] })).toEqual([
      { field: 'carer_id', to: 'user' },
      { field: 'district', to: 'districts' },
    ]);
    expect(pinnedFields({ any: [{ field: 'carer_id', is: 'user' }] })).toEqual([]);
  });
});

describe('boot refuses a scope that names what does not exist', () => {
  const withScope = (scopes: object) => new Map([...all, ['visit', { ...visit, options: { scopes } } as unknown as ResourceMeta]]);
  it('accepts the declarations above', () => expect(() => checkScopes(all)).not.toThrow());
  it.each([
    [{ own: { field: 'nope', is: 'user' } }, /unknown field "nope"/],
    [{ own: { field: 'pupil_code', via: 'nowhere' } }, /unknown resource "nowhere"/],
    [{ district: { field: 'by_id', via: 'person' } }, /does not declare/],
    [{ own: { field: 'kind', overlaps: 'districts' } }, /not a list of districts/],
    [{ own: { field: 'kind', allVia: 'pupil' } }, /not a list of ids/],
    [{ own: { any: [] } }, /empty/],
    [{ sometimes: { field: 'kind', is: 'user' } }, /not the scope kind of any role/],
  ])('%j', (scopes, message) => expect(() => checkScopes(withScope(scopes))).toThrow(message));
});
