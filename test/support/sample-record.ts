import { randomBytes } from 'node:crypto';

/** The shape of `/api/meta` the tests read (same as the console reads). */
export interface MetaField {
  name: string;
  type: string;
  nullable: boolean;
  readOnly: boolean;
  required: boolean;
  unique: boolean;
  choices: string[] | null;
  reference: { resource: string; field: string } | null;
  elementsReference: { resource: string; field: string } | null;
  rule: { min?: number; max?: number; format?: string } | null;
  sortable?: boolean;
}
export interface MetaResource {
  name: string;
  readOnly: boolean;
  uniqueTogether: string[][];
  fields: MetaField[];
}

type Create = (resource: string, data: Record<string, unknown>) => Promise<Record<string, unknown>>;
type First = (resource: string) => Promise<Record<string, unknown>>;

const tag = () => randomBytes(4).toString('hex');

/** A number within the field's declared bounds. */
const within = (field: MetaField, n: number) => Math.min(field.rule?.max ?? n, Math.max(field.rule?.min ?? n, n));

/** A value of the field's type (and declared rules) that the strict validator accepts. */
function sample(field: MetaField): unknown {
  if (field.choices) return field.choices[0];
  switch (field.type) {
    case 'text':
      if (field.rule?.format === 'email') return `sample-${tag()}@example.org`;
      return field.name === 'entity_table' || field.name === 'resource' ? 'student' : `${field.name}-${tag()}`;
    case 'text[]':
      return ['alpha', 'beta'];
    case 'json':
      return { note: 'sample', n: 1 };
    case 'integer':
    case 'bigint':
      return within(field, 7);
    case 'smallint':
      return within(field, 3);
    case 'decimal':
      return within(field, 12.5);
    case 'boolean':
      return true;
    case 'date':
      return '2025-03-14';
    case 'time':
      return '09:30:00';
    case 'timestamp':
      return '2025-03-14T09:30:00.000Z';
  }
  return null;
}

/**
 * Builds a valid new record for any resource from its metadata alone: every writable field gets a
 * value of its type; references point at freshly created parents (so composite unique keys of join
 * tables never collide with seeded rows); soft references use an existing value of their target.
 */
export async function sampleRecord(meta: Map<string, MetaResource>, name: string, create: Create, first: First, depth = 0): Promise<Record<string, unknown>> {
  const resource = meta.get(name)!;
  const out: Record<string, unknown> = {};
  for (const field of resource.fields) {
    if (field.readOnly) continue;
    if (field.reference) {
      if (field.reference.resource === name || (!field.required && depth > 0)) continue;
      const parent = depth < 2
        ? await create(field.reference.resource, await sampleRecord(meta, field.reference.resource, create, first, depth + 1))
        : await first(field.reference.resource);
      out[field.name] = parent[field.reference.field];
      continue;
    }
    if (field.elementsReference) {
      out[field.name] = [(await first(field.elementsReference.resource))[field.elementsReference.field]];
      continue;
    }
    out[field.name] = sample(field);
  }
  return out;
}
