import { ReferenceKind, type EntityMetadata } from '@mikro-orm/core';
import type { ResourceOptions } from '../../schema/resource.js';
import type { LinkMeta, ResourceMeta } from './resource-meta.js';
import { STAMPS } from './stamps.js';

/**
 * A join table is an entity whose rows pair two records: two many-to-one references (not the
 * writer stamps) that together are unique. Found from the entity's unique constraints; where an
 * entity has several such pairs, or should not be edited as links, `@Resource({ join })` says so.
 * Boot fails on an ambiguous table rather than guessing.
 */
export function joinPairOf(meta: EntityMetadata, options: ResourceOptions): [string, string] | null {
  if (options.join !== undefined) return options.join;
  const column = new Map(
    meta.props
      .filter((p) => p.kind === ReferenceKind.MANY_TO_ONE && p.fieldNames?.length === 1 && !STAMPS[p.fieldNames[0]])
      .map((p) => [p.name as string, p.fieldNames[0]]),
  );
  const pairs = (meta.uniques ?? [])
    .map((u) => (Array.isArray(u.properties) ? u.properties : u.properties ? [u.properties] : []).map(String))
    .filter((props) => props.length === 2 && props.every((p) => column.has(p)))
    .map((props) => props.map((p) => column.get(p)!) as [string, string]);
  if (pairs.length > 1) throw new Error(`${meta.tableName}: several unique pairs of references; declare which makes it a join table: @Resource({ join: [a, b] }) (or join: null)`);
  return pairs[0] ?? null;
}

/**
 * Each join table as links on both records it pairs: a fee code's practitioner types, and a
 * practitioner type's fee codes. The join table's own writable fields are edited beside each link.
 */
export function attachLinks(resources: Map<string, ResourceMeta>): void {
  for (const through of resources.values()) {
    if (!through.join) continue;
    const references = through.join.map((name) => through.field.get(name)?.reference);
    if (references.some((r) => !r || r.field !== 'id')) throw new Error(`${through.name}: join names fields that are not references by id`);
    const fields = through.fields.filter((f) => !f.readOnly && !through.join!.includes(f.name)).map((f) => f.name);
    through.join.forEach((parentField, i) => {
      const itemField = through.join![1 - i];
      const link: LinkMeta = { through: through.name, parentField, itemField, item: references[1 - i]!.resource, fields };
      resources.get(references[i]!.resource)!.links.push(link);
    });
  }
}
