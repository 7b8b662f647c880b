/**
 * The wire contract of `GET /api/meta`: what the server sends and the console builds every screen
 * from. Both sides import these types (server/engine/metadata/describe-meta.ts is typed against
 * them), so a shape cannot change on one side alone. Types only: nothing here runs.
 */
import type { Operator } from './filters.js';

/** Column kinds, one descriptor each on the server (server/engine/types/column-types.ts). */
export type FieldType = 'text' | 'text[]' | 'bigint[]' | 'json' | 'integer' | 'smallint' | 'bigint' | 'decimal' | 'boolean' | 'date' | 'time' | 'timestamp';

/**
 * How the console draws a value and which input edits it: named by the column type's descriptor,
 * refined by a declaration beside the entity (`@Resource({ formats })`: money, a year).
 */
export type Display = 'text' | 'number' | 'plain-number' | 'money' | 'yes-no' | 'date' | 'time' | 'date-time' | 'chips' | 'json';
export type Input = 'text' | 'number' | 'decimal' | 'yes-no' | 'date' | 'time' | 'date-time' | 'chips' | 'json';
/** The displays a declaration may choose over its type's (`@Resource({ formats })`). */
export type Format = Extract<Display, 'money' | 'plain-number'>;

/** Product features a resource may hold, which the console finds it by (`@Resource({ feature })`). */
export type Feature = 'audit-trail' | 'access-log' | 'documents' | 'saved-views' | 'permissions' | 'permission-areas';
/** Console tools a resource's records get (`@Resource({ tools })`). */
export type Tool = 'password' | 'second-factor';

/** What a value must be beyond its column type; checked on every write that changes it. */
export interface FieldRule {
  /** Bounds of a number (inclusive). */
  min?: number;
  max?: number;
  maxLength?: number;
  format?: 'email';
  /** A date that cannot be later than today (a birthdate). */
  notFuture?: boolean;
  /** An array without repeated elements (a claim's modifiers). */
  distinct?: boolean;
}

export interface FieldDescription {
  name: string;
  label: string;
  /** A built-in column type, or one a deployment declared (its display and input say how to show it). */
  type: FieldType | (string & {});
  columnType: string;
  display: Display;
  input: Input;
  /** For money: the ISO 4217 currency it is in. */
  currency: string | null;
  nullable: boolean;
  default: string | number | boolean | null;
  readOnly: boolean;
  /** Stamped by the server with the writer or the clock (created_*, updated_*). */
  stamp: boolean;
  required: boolean;
  unique: boolean;
  choices: readonly string[] | null;
  reference: { resource: string; field: string; representation: string | null } | null;
  elementsReference: { resource: string; field: string } | null;
  /** The filter operators it takes (contract/filters.ts: `eq` is the bare field name, the others `_<op>` suffixes). */
  operators: Operator[];
  searchable: boolean;
  sortable: boolean;
  multiline: boolean;
  sensitive: boolean;
  rule: FieldRule | null;
  /** Why the signed-in user may not change this field on any record (a permission they lack), or null. */
  locked: string | null;
  /** Why they may not change it on their own record (their own role, status), or null. */
  lockedOnOwnRecord: string | null;
}

/** A link to another record as of a moment this record names (a claim's student as of its service date). */
export interface AsOfLinkDescription {
  label: string;
  resource: string;
  /** The other record's field -> this record's field that names it. */
  match: Record<string, string>;
  /** This record's field holding the moment. */
  at: string;
}

/** Records linked through a join table: `through.parentField` names this record, `itemField` the item. */
export interface LinkDescription {
  /** The join table. */
  through: string;
  parentField: string;
  itemField: string;
  /** The resource the linked items are records of. */
  item: string;
  /** The join table's own fields edited beside each link (is_required, context_note). */
  fields: string[];
}

export interface ResourceDescription {
  name: string;
  label: string;
  singular: string;
  area: string;
  representation: string;
  readOnly: boolean;
  askReason: boolean;
  /** Every read of a record is recorded (the show page gets an Accessed by tab). */
  accessLogged: boolean;
  actions: string[];
  listFields: string[];
  /** `document`: the document type attached to the record that the section links (or null). */
  sections: { title: string; fields: string[]; document: string | null }[];
  editedFrom: string[];
  /** What a create by the signed-in user is given where the form leaves it empty (their own id, their district). */
  createDefaults: Record<string, unknown>;
  /** The values the caller's row scope allows for the fields it pins (their own id, their districts). */
  scopeChoices: Record<string, unknown[]>;
  /** The rows offered as the value of a reference to this resource (active users only), as a list filter. */
  offered: Record<string, unknown> | null;
  /** `field` in `resource` holds this resource's `key` (id, or a natural key such as ssid). */
  referencedBy: { resource: string; field: string; key: string }[];
  /** Declared conditions a list filter applies by name (`{"<name>": true}`), offered as filters. */
  namedFilters: { name: string; label: string }[];
  /** Join tables linking these records to others, edited inline on the form, where the caller may list them. */
  links: LinkDescription[];
  fields: FieldDescription[];
  /** Combinations of fields no two records may share (a natural key for imports). */
  uniqueTogether: string[][];
  asOfLinks: AsOfLinkDescription[];
  feature: Feature | null;
  /** Console tools on its records: a user's password and second factor buttons. */
  tools: Tool[];
}

/** A role as declared (server/schema/roles.ts): the matrix's columns and the role choices read it. */
export interface RoleDescription {
  name: string;
  key: string;
  label: string;
  scope: string | null;
  scopeLabel: string | null;
}

export interface MetaAnswer {
  resources: ResourceDescription[];
  /** Resources the caller may not list but whose records' labels they may read (references). */
  labels: { name: string; singular: string; representation: string }[];
  roles: RoleDescription[];
  /** Which resource holds each product feature (whether or not the caller may list it). */
  features: Partial<Record<Feature, string>>;
}
