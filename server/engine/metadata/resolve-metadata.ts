import { ReferenceKind, type EntityMetadata, type EntityProperty } from '@mikro-orm/core';
import { resourceOptions, type ResourceOptions } from '../../schema/resource.js';
import type { Area } from '../../schema/matrix-terms.js';
import type { FieldMeta, ResourceMeta } from './resource-meta.js';
import { columnType, elementOf, fieldTypeOf } from '../types/column-types.js';
import type { ColumnType } from '../types/column-type.js';
import { templateFields } from './template.js';
import { attachLinks, joinPairOf } from './join-tables.js';

import { STAMPS } from './stamps.js';
import { checkScopes } from '../scope/check-scopes.js';

const MULTILINE_HINT = /(^|_)(notes?|description|comments|case_notes|requirements|address|reason)$/;

const ACRONYMS: Record<string, string> = { ssid: 'SSID', npi: 'NPI', iep: 'IEP', orp: 'ORP', id: 'ID', mime: 'MIME', av: 'A/V', pk: 'PK' };

/** `medi_cal_benefits_id` -> "Medi-Cal benefits ID": column names as a person reads them. */
function words(name: string): string {
  const s = name
    .split('_')
    .map((w) => ACRONYMS[w] ?? w)
    .join(' ')
    .replace(/\bmedi cal\b/i, 'Medi-Cal');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function sqlDefault(prop: EntityProperty): string | number | boolean | null {
  if (prop.defaultRaw !== undefined && prop.default === undefined) return String(prop.defaultRaw);
  if (prop.default === undefined || prop.default === null) return null;
  return prop.default as string | number | boolean;
}

function columnTypeOf(prop: EntityProperty, meta: EntityMetadata): string {
  if (prop.columnTypes?.[0]) return prop.columnTypes[0];
  throw new Error(`${meta.tableName}.${prop.name}: no column type`);
}

/** How the console draws and edits a column: its type's widgets, refined by the declared format. */
function looks(type: ColumnType, options: ResourceOptions, column: string, primary: boolean): Pick<FieldMeta, 'display' | 'input' | 'currency'> {
  const format = options.formats?.[column];
  // An id is a name, not a quantity: no thousands separator.
  const display = format ?? ((primary || /(^|_)id$/.test(column)) && type.display === 'number' ? 'plain-number' : type.display);
  return { display, input: type.input, currency: display === 'money' ? (options.currency ?? 'USD') : null };
}

/**
 * Reads MikroORM's metadata (plus the `@Resource` declarations beside the entities) into the plain
 * descriptions the engine works from. Anything inconsistent throws here, at boot, never in a request.
 */
export function resolveResources(all: Iterable<EntityMetadata>): Map<string, ResourceMeta> {
  const metas = [...all].filter((m) => !m.embeddable && !m.virtual && m.class && m.tableName !== 'mikro_orm_migrations');
  const resources = new Map<string, ResourceMeta>();
  for (const meta of metas) {
    const options = resourceOptions(meta.class);
    if (options.served === false) continue;
    const name = meta.tableName;
    const fields: FieldMeta[] = [];
    for (const prop of meta.props) {
      if (prop.persist === false || prop.kind === ReferenceKind.ONE_TO_MANY || prop.kind === ReferenceKind.MANY_TO_MANY) continue;
      if (prop.fieldNames?.length !== 1) throw new Error(`${name}.${prop.name}: composite columns are not supported`);
      const column = prop.fieldNames[0];
      const type = fieldTypeOf(columnTypeOf(prop, meta));
      const decimal = /numeric\((\d+),\s*(\d+)\)/.exec(columnTypeOf(prop, meta));
      const reference =
        prop.kind === ReferenceKind.MANY_TO_ONE
          ? { resource: prop.targetMeta!.tableName, field: prop.referencedColumnNames?.[0] ?? 'id' }
          : (options.references?.[column] ? { resource: options.references[column], field: 'id' } : null);
      const stamp = STAMPS[column] ?? null;
      const readOnly = column === 'id' || !!stamp || !!options.serverManaged?.includes(column) || !!options.readOnly;
      const nullable = !!prop.nullable || !!prop.primary;
      const dflt = sqlDefault(prop);
      const elements = options.elementsReference?.[column];
      fields.push({
        name: column,
        // A reference reads as what it points to: `student_id` is "Student".
        label: options.labels?.[column] ?? words(reference && column !== 'id' ? column.replace(/_id$/, '') : column),
        type,
        columnType: columnTypeOf(prop, meta),
        precision: decimal ? Number(decimal[1]) : null,
        scale: decimal ? Number(decimal[2]) : null,
        nullable,
        default: dflt,
        readOnly,
        stamp,
        required: !nullable && dflt === null && !readOnly,
        unique: !!prop.unique || !!prop.primary,
        primaryKey: !!prop.primary,
        choices: options.choices?.[column] ?? null,
        reference,
        elementsReference: elements ? { resource: elements.split('.')[0], field: elements.split('.')[1] } : null,
        namesResource: options.namesResource?.includes(column) ?? false,
        searchable: options.search
          ? options.search.includes(column)
          : columnType(type).textual && !options.choices?.[column] && !options.secret?.includes(column),
        identifier: options.identifiers?.includes(column) ?? false,
        sortable: columnType(type).sortable && !options.secret?.includes(column),
        sensitive: options.sensitive?.includes(column) ?? false,
        secret: options.secret?.includes(column) ?? false,
        cutPerCaller: !!(options.recordImages?.images.includes(column) || options.recordFilters?.columns.includes(column)),
        multiline: options.multiline?.includes(column) ?? (type === 'text' && MULTILINE_HINT.test(column)),
        rule: options.rules?.[column] ?? null,
        ...looks(columnType(type), options, column, !!prop.primary),
      });
    }
    if (!fields.some((f) => f.name === 'id' && f.primaryKey)) throw new Error(`${name}: the engine serves tables keyed by "id"`);
    const field = new Map(fields.map((f) => [f.name, f]));
    const label = options.label ?? words(name) + 's';
    const representation = options.representation ?? (field.has('name') ? '{name}' : field.has('code') ? '{code}' : `#{id}`);
    for (const placeholder of templateFields(representation)) {
      if (!field.has(placeholder)) throw new Error(`${name}: representation names unknown field "${placeholder}"`);
    }
    const named = [
      ...(options.search ?? []),
      ...Object.keys(options.choices ?? {}),
      ...(options.sensitive ?? []),
      ...(options.secret ?? []),
      ...(options.listFields ?? []),
      ...Object.values(options.sections ?? {}).flat(),
      ...Object.keys(options.rules ?? {}),
      ...(options.serverManaged ?? []),
      ...Object.keys(options.serverDefaults ?? {}),
      ...(options.ordered ?? []).flat(),
      ...(options.uniqueTogether ?? []).flat(),
      ...(options.commonFilters ?? []).flat(),
      ...(options.aggregate?.groupBy ?? []),
      ...(options.aggregate?.sum ?? []),
      ...Object.values(options.aggregate?.derived ?? {}).map((d) => d.field),
      ...Object.entries(options.copiedFrom ?? {}).flatMap(([key, copies]) => [key, ...Object.keys(copies)]),
    ];
    for (const f of named) if (!field.has(f)) throw new Error(`${name}: declaration names unknown field "${f}"`);
    for (const f of options.identifiers ?? []) {
      if (!field.get(f)?.searchable || elementOf(field.get(f)!)) throw new Error(`${name}: identifier "${f}" must be a searched text field`);
    }
    for (const key of [...Object.keys(options.namedFilters ?? {}), ...Object.keys(options.aggregate?.derived ?? {})]) {
      if (field.has(key)) throw new Error(`${name}: the named filter or derived key "${key}" is also a field`);
    }
    for (const title of Object.keys(options.sectionDocuments ?? {})) {
      if (!options.sections?.[title]) throw new Error(`${name}: sectionDocuments names unknown section "${title}"`);
    }
    const sections = Object.entries(options.sections ?? {}).map(([title, list]) => ({ title, fields: list, document: options.sectionDocuments?.[title] ?? null }));
    resources.set(name, {
      name,
      label,
      singular: options.singular ?? label.replace(/s$/, ''),
      area: (options.area ?? 'Reference data') as Area,
      representation,
      fields,
      field,
      readOnly: !!options.readOnly,
      versionField: fields.find((f) => f.stamp?.version)?.name ?? null,
      listFields: options.listFields ?? fields.filter((f) => !f.secret && !f.sensitive && f.type !== 'json').slice(0, 6).map((f) => f.name),
      sections,
      askReason: !!options.askReason,
      editedFrom: options.editedFrom ?? joinPairOf(meta, options) ?? [],
      referencedBy: [],
      join: joinPairOf(meta, options),
      links: [],
      options,
    });
  }
  for (const resource of resources.values()) {
    for (const [key, f] of Object.entries(resource.options.namedFilters ?? {})) {
      for (const read of f.reads ?? []) if (!resources.has(read)) throw new Error(`${resource.name}: named filter "${key}" reads unknown resource "${read}"`);
    }
    for (const f of resource.fields) {
      for (const ref of [f.reference, f.elementsReference]) {
        if (!ref) continue;
        const target = resources.get(ref.resource);
        if (!target?.field.has(ref.field)) throw new Error(`${resource.name}.${f.name}: references unknown ${ref.resource}.${ref.field}`);
      }
      if (f.reference && !f.stamp) {
        resources.get(f.reference.resource)!.referencedBy.push({ resource: resource.name, field: f.name, key: f.reference.field });
      }
    }
  }
  attachLinks(resources);
  checkScopes(resources);
  return resources;
}
