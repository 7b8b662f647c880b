import type { ScopeKind } from '../../schema/matrix-terms.js';
import type { ScopeCondition } from '../../schema/scope.js';
import type { FieldMeta, ResourceMeta } from '../metadata/resource-meta.js';
import { ident, type Params } from '../plan/sql.js';
import { sqlCast, toParam } from '../types/column-types.js';

/** Who a scope is about: the values its conditions compare with. */
interface ScopeSubject {
  user: number;
  districts: string[];
  role: string;
}

export interface ScopeContext {
  /** The scope kind of the caller's role, which a `via` without `where` follows into the other resource. */
  kind: ScopeKind | undefined;
  subject: ScopeSubject;
  params: Params;
  resources: Map<string, ResourceMeta>;
  /**
   * How a subquery reads another table (default: the table itself). The reach check reads the
   * tables its transaction changed as they stood before it.
   */
  from?: (table: string) => string;
}

/** The key of `target` that `field` refers to: the reference's, else `id` (a polymorphic link). */
export function viaKey(field: FieldMeta, target: string): string {
  return field.reference?.resource === target ? field.reference.field : 'id';
}

/** The condition `via` follows into `target` when it names none: the same kind of scope there. */
export function followedScope(target: ResourceMeta, kind: ScopeKind | undefined, where: ScopeCondition | undefined): ScopeCondition | undefined {
  return where ?? (kind ? target.options.scopes?.[kind] : undefined);
}

/**
 * A declared row scope as a SQL condition on the resource's table: values are parameters, names
 * come from metadata (boot has checked each one, engine/scope/check-scopes.ts). Pure: the same
 * declaration and context always give the same text.
 */
export function scopeSql(condition: ScopeCondition, resource: ResourceMeta, ctx: ScopeContext): string {
  if ('all' in condition) return condition.all.map((c) => `(${scopeSql(c, resource, ctx)})`).join(' AND ');
  if ('any' in condition) return condition.any.map((c) => `(${scopeSql(c, resource, ctx)})`).join(' OR ');
  const { params, subject } = ctx;
  const field = resource.field.get(condition.field)!;
  const column = ident(field.name);
  if ('is' in condition) return condition.is === 'user' ? `${column} = ${params.add(subject.user, 'integer')}` : `${column} = ${params.add(subject.role, 'text')}`;
  if ('in' in condition) return `${column} = ANY(${params.add(subject.districts, 'text[]')})`;
  if ('overlaps' in condition) return `${column} && ${params.add(subject.districts, 'text[]')}`;
  if ('equals' in condition) return `${column} = ${params.add(toParam(field, condition.equals), sqlCast(field))}`;
  const targetName = 'via' in condition ? condition.via : condition.allVia;
  const target = ctx.resources.get(targetName)!;
  const inner = followedScope(target, ctx.kind, condition.where);
  const key = viaKey(field, targetName);
  const table = ctx.from?.(targetName) ?? ident(targetName);
  const where = inner ? ` WHERE ${scopeSql(inner, target, ctx)}` : '';
  if ('via' in condition) return `${column} IN (SELECT ${ident(key)} FROM ${table}${where})`;
  // A list of ids within the rows reached there: `<@` compares arrays of one element type.
  return `${column} <@ ARRAY(SELECT ${ident(key)}::bigint FROM ${table}${where})`;
}

/** Fields a scope pins to one of the caller's values (`field is user`, `field in districts`), at its top level. */
export function pinnedFields(condition: ScopeCondition): { field: string; to: 'user' | 'districts' }[] {
  if ('all' in condition) return condition.all.flatMap(pinnedFields);
  if ('is' in condition && condition.is === 'user') return [{ field: condition.field, to: 'user' }];
  if ('in' in condition) return [{ field: condition.field, to: 'districts' }];
  return [];
}
