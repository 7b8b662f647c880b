import type { ResourceOptions } from '../../schema/resource.js';
import type { Area } from '../../schema/matrix-terms.js';
import type { Display, FieldRule, FieldType, Input, LinkDescription } from '../../../contract/meta.js';

import type { Stamp } from './stamps.js';


export interface FieldMeta {
  /** Column name: the API speaks the database's snake_case names. */
  name: string;
  label: string;
  /** A built-in column type, or one declared with declareColumnType(). */
  type: FieldType | (string & {});
  /** The PostgreSQL column type, as declared (numeric(12,2), text[], ...). */
  columnType: string;
  /** For decimals: total digits and digits after the point (null when unconstrained). */
  precision: number | null;
  scale: number | null;
  nullable: boolean;
  /** The SQL default, as declared (e.g. `now()`, `'Active'`), or null. */
  default: string | number | boolean | null;
  /** Set by the server, ignored on write. */
  readOnly: boolean;
  /** Stamped by the server with the writer or the clock (metadata/stamps.ts), or null. */
  stamp: Stamp | null;
  /** A NOT NULL column without default that a create must carry. */
  required: boolean;
  unique: boolean;
  primaryKey: boolean;
  choices: readonly string[] | null;
  reference: { resource: string; field: string } | null;
  /** Every element must exist in this resource's field (claim.modifiers in modifier.code). */
  elementsReference: { resource: string; field: string } | null;
  /** The value must name a served resource (file_metadata.entity_table). */
  namesResource: boolean;
  searchable: boolean;
  /** A searched code or number (`identifiers`): `q` matches its start, not anywhere in it. */
  identifier: boolean;
  sortable: boolean;
  /** Visible only with `<resource>.sensitive`. */
  sensitive: boolean;
  /** Never leaves the server. */
  secret: boolean;
  /**
   * Answered cut to what the caller may see of it (the logs' images of other tables' rows and the
   * filters reads were made with): filtered only by whether it is empty, since a filter on its
   * stored value would test values the caller is not shown (`{"filter": {"<hidden field>": guess}}`).
   */
  cutPerCaller: boolean;
  multiline: boolean;
  /** Value rules beyond the type (bounds, format), or null. */
  rule: FieldRule | null;
  /** How the console draws it and edits it (the type's descriptor, refined by `formats`). */
  display: Display;
  input: Input;
  /** For money: its currency. */
  currency: string | null;
}

export interface ResourceMeta {
  name: string;
  label: string;
  singular: string;
  area: Area;
  /** Template with `{field}` placeholders. */
  representation: string;
  fields: FieldMeta[];
  field: Map<string, FieldMeta>;
  readOnly: boolean;
  /** The optimistic-lock column, when the table has one. */
  versionField: string | null;
  listFields: string[];
  /** `document`: the document type attached to the record that this section links (or null). */
  sections: { title: string; fields: string[]; document: string | null }[];
  askReason: boolean;
  editedFrom: string[];
  /**
   * Resources whose references point here (for related lists and labels): `field` in `resource`
   * holds this resource's `key` (`id`, or a natural key such as a student's `ssid`).
   */
  referencedBy: { resource: string; field: string; key: string }[];
  /** For a join table, its two references that pair records (metadata/join-tables.ts), or null. */
  join: [string, string] | null;
  /** Join tables pairing this resource's records with others', edited on its form. */
  links: LinkMeta[];
  options: ResourceOptions;
}

/** Records linked to a parent through a join table (the contract's description, as resolved at boot). */
export type LinkMeta = LinkDescription;
