import { describe, expect, it } from '@jest/globals';
import type { Caller } from '../caller.js';
import type { ResourceMeta } from '../metadata/resource-meta.js';
import { field } from '../../../test/support/field-meta.js';
import type { Params } from './sql.js';
import { countsExactly, DEFERRED_FROM, EXACT_COUNT_MAX_COST, heldColumns, orderBy, planList, planMatchesPage, planPage, sortServed } from './plan-list.js';

const fields = [
  field('id', 'integer', { primaryKey: true, unique: true, nullable: false }),
  field('number', 'text', { unique: true, nullable: false }),
  field('code', 'text', { unique: true }),
  field('status', 'text'),
  field('service_date', 'date'),
  field('data', 'json'),
  field('at', 'timestamp', { primaryKey: true, unique: true, nullable: false }),
  field('secret_note', 'text', { secret: true }),
];
const resource = { name: 'thing', fields, field: new Map(fields.map((f) => [f.name, f])) } as unknown as ResourceMeta;

function caller(scope: ((params: Params) => string) | null = null): Caller {
  return { userId: 1, can: () => true, sees: (_r, f) => !f.secret, refusesWrite: () => null, scope: (_r, params) => (scope ? scope(params) : null) };
}

describe('list planning', () => {
  it('sorts both ways as one btree index reads forwards and backwards (NULLs last ascending, first descending)', () => {
    expect(orderBy(resource, { field: 'service_date', order: 'DESC' }, () => true)).toBe('"service_date" DESC, "id" DESC');
    expect(orderBy(resource, { field: 'service_date', order: 'ASC' }, () => true)).toBe('"service_date" ASC, "id" ASC');
    expect(orderBy(resource, { field: 'status', order: 'DESC' }, () => true)).not.toMatch(/NULLS/);
  });

  it('needs no tie-break for the id or a unique field that is never null; a nullable unique one keeps it', () => {
    expect(orderBy(resource, null, () => true)).toBe('"id" ASC');
    expect(orderBy(resource, { field: 'id', order: 'DESC' }, () => true)).toBe('"id" DESC');
    expect(orderBy(resource, { field: 'number', order: 'DESC' }, () => true)).toBe('"number" DESC');
    expect(orderBy(resource, { field: 'code', order: 'ASC' }, () => true)).toBe('"code" ASC, "id" ASC');
    // One column of a composite primary key (id, at) is not unique alone.
    expect(orderBy(resource, { field: 'at', order: 'DESC' }, () => true)).toBe('"at" DESC, "id" DESC');
  });

  it('refuses to sort by an unknown, unsortable or invisible field (400, never in SQL)', () => {
    for (const name of ['nope', 'data', 'secret_note', 'id; drop table thing']) {
      expect(() => orderBy(resource, { field: name, order: 'ASC' }, (f) => !f.secret)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    }
  });

  it('plans filter, scope, order and page as text with positional values', () => {
    const plan = planList(resource, { filter: { status: 'Paid' }, sort: { field: 'service_date', order: 'DESC' }, range: null }, caller((p) => `"code" = ANY(${p.add(['a', 'b'], 'text[]')})`));
    expect(plan.from).toBe('FROM "thing" WHERE "status" = $1::text AND ("code" = ANY($2::text[]))');
    expect(plan.select).toBe('SELECT "id", "number", "code", "status", "service_date", "data", "at" FROM "thing" WHERE "status" = $1::text AND ("code" = ANY($2::text[])) ORDER BY "service_date" DESC, "id" DESC');
    expect(plan.params.values).toEqual(['Paid', ['a', 'b']]);
    const page = planPage(plan, 75, 25);
    expect(page.text).toBe(`${plan.select} LIMIT $3::integer OFFSET $4::integer`);
    expect(page.values).toEqual(['Paid', ['a', 'b'], 25, 75]);
    // The plan itself is unchanged by paging: the total still runs on the filter's values alone.
    expect(plan.params.values).toEqual(['Paid', ['a', 'b']]);
  });

  it('finds a deep page\'s ids first, in the same order, and then reads their rows', () => {
    const plan = planList(resource, { filter: { status: 'Paid' }, sort: { field: 'service_date', order: 'DESC' }, range: null }, caller());
    const page = planPage(plan, DEFERRED_FROM + 975, 25);
    expect(page.text).toBe(
      'SELECT "id", "number", "code", "status", "service_date", "data", "at" FROM "thing" WHERE "id" IN ' +
        '(SELECT "id" FROM "thing" WHERE "status" = $1::text ORDER BY "service_date" DESC, "id" DESC LIMIT $2::integer OFFSET $3::integer) ' +
        'ORDER BY "service_date" DESC, "id" DESC',
    );
    expect(page.values).toEqual(['Paid', 25, DEFERRED_FROM + 975]);
    expect(planPage(plan, DEFERRED_FROM - 25, 25).text).toBe(`${plan.select} LIMIT $2::integer OFFSET $3::integer`);
  });

  it('reads a search of few matches as its matching ids first, then their rows in the order, with the same values', () => {
    const plan = planList(resource, { filter: { status: 'Paid' }, sort: { field: 'service_date', order: 'DESC' }, range: null }, caller());
    const page = planMatchesPage(plan, 50, 25);
    expect(page.text).toBe(
      'SELECT "id", "number", "code", "status", "service_date", "data", "at" FROM "thing" WHERE "id" = ANY (ARRAY(SELECT "id" FROM "thing" WHERE "status" = $1::text)) ' +
        'ORDER BY "service_date" DESC, "id" DESC LIMIT $2::integer OFFSET $3::integer',
    );
    expect(page.values).toEqual(['Paid', 25, 50]);
    expect(plan.params.values).toEqual(['Paid']);
  });

  it('plans an unfiltered, unscoped list without a WHERE', () => {
    const plan = planList(resource, { filter: {}, sort: null, range: null }, caller());
    expect(plan.from.trim()).toBe('FROM "thing"');
    expect(plan.order).toBe('"id" ASC');
  });

  it('counts a total exactly only when the planner expects few rows and a cheap count', () => {
    expect(countsExactly({ rows: 8708, cost: 606 }, 20_000)).toBe(true);
    expect(countsExactly({ rows: 20_000, cost: 606 }, 20_000)).toBe(false);
    // A small estimate behind a sequential scan of a large table: estimated, not counted.
    expect(countsExactly({ rows: 6849, cost: 84_931 }, 20_000)).toBe(false);
    expect(countsExactly({ rows: 1, cost: EXACT_COUNT_MAX_COST }, 20_000)).toBe(true);
  });

  it('counts a sort as index-served when an index holds the field, then the id, past the columns the filter holds', () => {
    const f = (name: string) => resource.field.get(name)!;
    const indexes = [['status', 'service_date', 'id'], ['code'], ['number', 'status']];
    const none = new Set<string>();
    expect(sortServed(indexes, f('service_date'), none)).toBe(false);
    expect(sortServed(indexes, f('service_date'), heldColumns(resource, { status: 'Paid' }))).toBe(true);
    // Several statuses, or a day of a timestamp, are ranges: they hold nothing to one value.
    expect(sortServed(indexes, f('service_date'), heldColumns(resource, { status: ['Paid', 'Rejected'] }))).toBe(false);
    expect(sortServed([['at', 'status', 'id']], f('status'), heldColumns(resource, { at: '2026-11-20' }))).toBe(false);
    // The id breaks ties: (status, service_date, id) does not give status, id.
    expect(sortServed(indexes, f('status'), none)).toBe(false);
    // ...unless the filter holds the date to one day: within it the index is in status, id order.
    expect(sortServed(indexes, f('status'), heldColumns(resource, { service_date: '2026-01-01' }))).toBe(true);
    expect(sortServed([['status', 'service_date', 'id']], f('status'), heldColumns(resource, {}))).toBe(false);
    expect(sortServed([['status', 'code', 'id']], f('status'), heldColumns(resource, {}))).toBe(false);
    // A unique field that is never null orders alone; a nullable unique one (code) still needs the id.
    expect(sortServed(indexes, f('number'), none)).toBe(true);
    expect(sortServed(indexes, f('code'), none)).toBe(false);
    expect(sortServed([['id']], f('id'), none)).toBe(true);
  });
});
