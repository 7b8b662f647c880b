import type { Caller } from '../caller.js';
import type { ResourceMeta } from './resource-meta.js';
import { operatorsOf } from '../types/column-types.js';
import { mayUseNamedFilter } from '../filter/filter-to-where.js';
import type { ResourceDescription } from '../../../contract/meta.js';

/** The public description of a resource, as `GET /api/meta` sends it to the console. */
export function describeResource(resource: ResourceMeta, all: Map<string, ResourceMeta>, caller: Caller, actions: string[]): ResourceDescription {
  const visible = resource.fields.filter((f) => caller.sees(resource, f));
  const names = new Set(visible.map((f) => f.name));
  return {
    name: resource.name,
    label: resource.label,
    singular: resource.singular,
    area: resource.area,
    representation: resource.representation,
    readOnly: resource.readOnly,
    feature: resource.options.feature ?? null,
    tools: resource.options.tools ?? [],
    askReason: resource.askReason,
    accessLogged: !!resource.options.accessLogged,
    actions,
    listFields: resource.listFields.filter((f) => names.has(f)),
    sections: resource.sections.map((s) => ({ title: s.title, fields: s.fields.filter((f) => names.has(f)), document: s.document })),
    editedFrom: resource.editedFrom,
    /** What a create by this caller is given where the form leaves it empty (see Caller.createDefaults). */
    createDefaults: caller.createDefaults?.(resource) ?? {},
    /** The values the caller's row scope allows for the fields it pins (see Caller.scopeChoices). */
    scopeChoices: caller.scopeChoices?.(resource) ?? {},
    /** The rows offered as the value of a reference to this resource (`offered`), as a list filter. */
    offered: resource.options.offered ?? null,
    referencedBy: resource.referencedBy,
    /** Join tables linking these records to others (edited inline on the form), where the caller may list them. */
    links: resource.links.filter((l) => caller.can(`${l.through}.list`)),
    fields: visible.map((f) => ({
      name: f.name,
      label: f.label,
      type: f.type,
      columnType: f.columnType,
      display: f.display,
      input: f.input,
      currency: f.currency,
      nullable: f.nullable,
      default: f.default,
      readOnly: f.readOnly,
      stamp: !!f.stamp,
      required: f.required,
      unique: f.unique,
      choices: f.choices,
      reference: f.reference && {
        ...f.reference,
        representation: all.get(f.reference.resource)?.representation ?? null,
      },
      elementsReference: f.elementsReference,
      operators: operatorsOf(f),
      searchable: f.searchable,
      sortable: f.sortable,
      multiline: f.multiline,
      sensitive: f.sensitive,
      rule: f.rule,
      /** Why this caller may not change the field on any record (a permission it needs), or null. */
      locked: caller.refusesWrite(resource, f, null),
      /** The same on the caller's own record (a user's own role: `selfProtected`). */
      lockedOnOwnRecord: caller.userId === null ? null : caller.refusesWrite(resource, f, { id: caller.userId }),
    })),
    /** Declared conditions a list filter applies by name (`{"<name>": true}`), offered as filters. */
    namedFilters: Object.entries(resource.options.namedFilters ?? {}).filter(([, f]) => mayUseNamedFilter(f, caller)).map(([name, f]) => ({ name, label: f.label })),
    /** Combinations of fields no two records may share. */
    uniqueTogether: resource.options.uniqueTogether ?? [],
    /** Links to other records as of a moment this record names (only to resources the caller may show). */
    asOfLinks: (resource.options.asOfLinks ?? []).filter((l) => caller.can(`${l.resource}.show`) && names.has(l.at) && Object.values(l.match).every((f) => names.has(f))),
  };
}
