import type { FieldMeta, ResourceMeta } from '../../server/engine/metadata/resource-meta.js';
import { COLUMN_TYPES } from '../../server/engine/types/column-types.js';
import type { FieldType } from '../../contract/meta.js';

/** A field's metadata for the pure stages' specs: a nullable column of `type`, refined by `extra`. */
export function field(name: string, type: FieldType, extra: Partial<FieldMeta> = {}): FieldMeta {
  return {
    name, label: name, type, columnType: type, precision: null, scale: null, nullable: true, default: null, readOnly: false, stamp: null,
    required: false, unique: false, primaryKey: false, choices: null, reference: null, elementsReference: null, namesResource: false,
    searchable: false, identifier: false, sortable: type !== 'json', sensitive: false, secret: false, cutPerCaller: false, multiline: false, rule: null,
    display: COLUMN_TYPES[type].display, input: COLUMN_TYPES[type].input, currency: null, ...extra,
  };
}

/** A resource of these fields, with whatever else a spec needs of it. */
export function resourceOf(name: string, fields: FieldMeta[], extra: Partial<ResourceMeta> = {}): ResourceMeta {
  return { name, fields, field: new Map(fields.map((f) => [f.name, f])), options: {}, ...extra } as unknown as ResourceMeta;
}
