import type { Tx } from '../../db/unit-of-work.js';
import { AppError } from '../../errors/app-error.js';
import type { Caller } from '../caller.js';
import type { ResourceMeta } from '../metadata/resource-meta.js';
import { fillTemplate } from '../metadata/template.js';
import { ident, Params } from '../plan/sql.js';
import { sqlCast } from '../types/column-types.js';

/**
 * The checks a write makes inside its transaction, on what it sets: what only the database can
 * tell (a unique combination, a reference's row, a soft reference's elements) and the copies a
 * reference carries. Each takes the transaction's query function, so it shares the write's fate.
 */
type Row = Record<string, unknown>;
export type Query = (tx: Tx, sql: string, values: unknown[]) => Promise<Row[]>;

/**
 * The values `copiedFrom` takes from the records named by the references among `keys` (the
 * fields a write sets or changes); a cleared reference clears its copies.
 */
export async function copiedValues(query: Query, tx: Tx, resource: ResourceMeta, keys: string[], values: Row): Promise<Row> {
  const out: Row = {};
  for (const [key, copies] of Object.entries(resource.options.copiedFrom ?? {})) {
    const reference = resource.field.get(key)?.reference;
    if (!keys.includes(key) || !reference) continue;
    const [source] = values[key] === null ? [] : await query(tx, `SELECT * FROM ${ident(reference.resource)} WHERE ${ident(reference.field)} = $1 LIMIT 1`, [values[key]]);
    for (const [target, template] of Object.entries(copies)) {
      out[target] = source ? fillTemplate(template, source) : null;
    }
  }
  return out;
}

/**
 * Refuses a write that would make two records share a `uniqueTogether` combination. `values` are
 * what the write sets, `current` the row before (null for a create); checked only when the write
 * sets one of the combination's fields. The advisory lock makes concurrent writers of the same
 * combination wait for each other's commit, so the second one sees the first.
 */
export async function checkUniqueTogether(query: Query, tx: Tx, resource: ResourceMeta, values: Row, current: Row | null): Promise<void> {
  for (const fields of resource.options.uniqueTogether ?? []) {
    if (!fields.some((f) => f in values)) continue;
    const combination = fields.map((f) => (f in values ? values[f] : current?.[f]) ?? null);
    if (combination.includes(null)) continue;
    await query(tx, 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${resource.name}:${fields.join(',')}:${JSON.stringify(combination)}`]);
    const params = new Params();
    const where = fields.map((f, i) => `${ident(f)} = ${params.add(combination[i], sqlCast(resource.field.get(f)!))}`);
    if (current) where.push(`"id" <> ${params.add(current.id)}`);
    const [other] = await query(tx, `SELECT "id" FROM ${ident(resource.name)} WHERE ${where.join(' AND ')} LIMIT 1`, params.values);
    if (other) {
      const labels = fields.map((f) => resource.field.get(f)!.label.toLowerCase()).join(' and ');
      const why = `another ${resource.singular.toLowerCase()} (#${String(other.id)}) has this ${labels}`;
      throw new AppError('CONFLICT', `Another ${resource.singular.toLowerCase()} (#${String(other.id)}) already has this ${labels}`, Object.fromEntries(fields.map((f) => [f, why])));
    }
  }
}

/**
 * References the database cannot judge for this caller: a reference must point at a row the
 * caller may reach (a practitioner books services for their own students only; a missing row and
 * an out-of-scope one get the same answer), every element of a declared soft reference must exist,
 * and a resource name must name a resource. Fields `values` names that the resource lacks are skipped.
 */
export async function checkReferences(query: Query, tx: Tx, resources: Map<string, ResourceMeta>, resource: ResourceMeta, values: Row, caller: Caller): Promise<void> {
  const errors: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const field = resource.field.get(key);
    if (!field || value === null || value === undefined) continue;
    if (field.reference && !field.readOnly) {
      const target = resources.get(field.reference.resource);
      const params = new Params();
      const scope = target ? caller.scope(target, params) : null;
      if (target && scope) {
        const found = await query(tx, `SELECT 1 FROM ${ident(target.name)} WHERE ${ident(field.reference.field)} = ${params.add(value)} AND (${scope})`, params.values);
        if (found.length === 0) errors[key] = 'refers to a record that does not exist or that you cannot reach';
      }
    }
    if (field.namesResource && !resources.has(value as string)) errors[key] = `must name a resource (e.g. ${[...resources.keys()].slice(1, 4).join(', ')})`;
    if (field.elementsReference && Array.isArray(value) && value.length > 0) {
      const target = field.elementsReference;
      const rows = await query(
        tx,
        `SELECT DISTINCT v FROM unnest($1::text[]) AS v WHERE NOT EXISTS (SELECT 1 FROM ${ident(target.resource)} t WHERE t.${ident(target.field)}::text = v)`,
        [value],
      );
      if (rows.length) errors[key] = `unknown ${(resources.get(target.resource)?.singular ?? target.resource).toLowerCase()}: ${rows.map((r) => r.v).join(', ')}`;
    }
  }
  if (Object.keys(errors).length) {
    const [first] = Object.entries(errors);
    throw new AppError('VALIDATION', `${first[0]} ${first[1]}`, errors);
  }
}
