import { describe, expect, it } from '@jest/globals';
import type { Caller } from '../caller.js';
import type { ResourceMeta } from '../metadata/resource-meta.js';
import { field as fieldOf } from '../../../test/support/field-meta.js';

const field: typeof fieldOf = (name, type, extra = {}) => fieldOf(name, type, { sortable: true, ...extra });
import { planAggregate } from '../aggregate/plan-aggregate.js';
import { planSearch, searchable } from './search-all.js';

const fields = [
  field('id', 'integer', { primaryKey: true, unique: true, nullable: false }),
  field('name', 'text', { searchable: true }),
  field('policy', 'text', { searchable: true, sensitive: true, choices: ['A', 'B'] }),
  field('amount', 'decimal', { sensitive: true }),
];
const resource = { name: 'thing', representation: '{name} {policy}', options: {}, area: 'Reference data', fields, field: new Map(fields.map((f) => [f.name, f])) } as unknown as ResourceMeta;
const caller = (seesSensitive: boolean, lists = true): Caller => ({ userId: 1, can: () => lists, sees: (_r, f) => seesSensitive || !f.sensitive, refusesWrite: () => null, scope: () => 'owner = 1' });

describe('search and aggregates follow field visibility', () => {
  it('searches a sensitive field only for a caller who sees it, and never selects it for the label otherwise', () => {
    const hidden = planSearch([resource], 'abc', caller(false));
    expect(hidden.text).not.toContain('"policy"');
    expect(hidden.text).toContain('"name" ILIKE');
    expect(hidden.text).toContain('owner = 1');
    expect(planSearch([resource], 'abc', caller(true)).text).toContain('"policy" ILIKE');
  });

  it('searches identifiers by their start, case-insensitively, and names anywhere, in one statement over every resource', () => {
    const coded = [fields[0], field('code', 'text', { searchable: true, identifier: true }), field('title', 'text', { searchable: true })];
    const other = { ...resource, name: 'coded', representation: '{code}', fields: coded, field: new Map(coded.map((f) => [f.name, f])) } as ResourceMeta;
    const { text, values } = planSearch([resource, other], 'AB_c', caller(false));
    expect(text).toContain('lower("code") LIKE $');
    expect(text).toContain('"title" ILIKE $');
    expect(values).toEqual(expect.arrayContaining(['%AB\\_c%', 'ab\\_c%']));
    // One statement: each resource a part tagged by its position, the caller's scope in each.
    expect(text.match(/AS MATERIALIZED/g)).toHaveLength(2);
    expect(text).toMatch(/SELECT 0 AS "part".* UNION ALL \(SELECT 1 AS "part"/);
    expect(text.match(/owner = 1/g)).toHaveLength(2);
    // A term shorter than a trigram matches names by their start (no trigram index finds it anywhere).
    expect(planSearch([other], '7x', caller(false)).values).toEqual(expect.arrayContaining(['7x%']));
    expect(planSearch([other], '7x', caller(false)).values).not.toContain('%7x%');
  });

  it('leaves out resources the caller may not list, or whose searched fields they cannot see', () => {
    expect(searchable([resource], caller(false, false))).toEqual([]);
    const onlySensitive = { ...resource, fields: [fields[0], fields[2]] } as ResourceMeta;
    expect(searchable([onlySensitive], caller(false))).toEqual([]);
    expect(searchable([onlySensitive], caller(true))).toEqual([onlySensitive]);
  });

  it('groups and sums a sensitive field only for a caller who sees it', () => {
    expect(() => planAggregate(resource, { filter: {}, group: [{ key: 'policy', bucket: null }], sum: [] }, caller(false))).toThrow(/Cannot group by "policy"/);
    expect(() => planAggregate(resource, { filter: {}, group: [], sum: ['amount'] }, caller(false))).toThrow(/Cannot sum "amount"/);
    const seen = planAggregate(resource, { filter: {}, group: [{ key: 'policy', bucket: null }], sum: ['amount'] }, caller(true));
    expect(seen.text).toMatch(/^SELECT "policy" AS "g0", count\(\*\)::integer AS "count", coalesce\(sum\("amount"\), 0\)::text AS "sum_amount" FROM "thing" WHERE \(owner = 1\) GROUP BY 1 ORDER BY 1 LIMIT \$1::integer$/);
  });
});
