import { ident, type Params } from '../plan/sql.js';
import type { ResourceMeta } from './resource-meta.js';

/**
 * The columns the server stamps on the rows that have them, declared once: who wrote a row and
 * when, filled from the unit of work's actor and clock, never from a write body. Resolution
 * (resolve-metadata.ts) puts each column's stamp on its FieldMeta; the engine, history and undo
 * read it from there.
 */
export interface Stamp {
  /** Set on a create: the writer's id (`user`); a clock column keeps its `now()` default. */
  create?: 'user';
  /** Set on every update: the clock (`now`) or the writer's id (`user`). History shows it as the event's who/when, not as a change. */
  update?: 'now' | 'user';
  /** The optimistic-lock version: a PUT must carry it (or If-Match), and it is the record's ETag. */
  version?: true;
}

export const STAMPS: Record<string, Stamp> = {
  created_at: {},
  created_by: { create: 'user' },
  updated_at: { update: 'now', version: true },
  updated_by: { create: 'user', update: 'user' },
  last_modified_at: { update: 'now' },
  uploaded_at: {},
  uploaded_by: { create: 'user' },
};

/** The SET clauses an update of `resource` stamps (the clock, and the writer where known). */
export function stampsOnUpdate(resource: ResourceMeta, userId: number | null, params: Params): string[] {
  const sets: string[] = [];
  for (const f of resource.fields) {
    if (f.stamp?.update === 'now') sets.push(`${ident(f.name)} = now()`);
    else if (f.stamp?.update === 'user' && userId !== null) sets.push(`${ident(f.name)} = ${params.add(userId)}`);
  }
  return sets;
}

/** Fields an update stamps: shown as an event's who and when, never as a change, and left alone by undo. */
export function stampedOnUpdate(resource: ResourceMeta | undefined, name: string): boolean {
  return resource ? !!resource.field.get(name)?.stamp?.update : !!STAMPS[name]?.update;
}
