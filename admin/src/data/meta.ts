/** `GET /api/meta`, as the console reads it: the only source of the screens it builds. */
export interface FieldMeta {
  name: string;
  label: string;
  type: 'text' | 'text[]' | 'bigint[]' | 'json' | 'integer' | 'smallint' | 'bigint' | 'decimal' | 'boolean' | 'date' | 'time' | 'timestamp';
  columnType: string;
  nullable: boolean;
  default: string | number | boolean | null;
  readOnly: boolean;
  required: boolean;
  unique: boolean;
  choices: string[] | null;
  reference: { resource: string; field: string; representation: string | null } | null;
  elementsReference: { resource: string; field: string } | null;
  searchable: boolean;
  sortable: boolean;
  multiline: boolean;
  sensitive: boolean;
  /** Why the signed-in user may not change this field (a permission they lack), or null. */
  locked: string | null;
  /** Why they may not change it on their own record (their own role, status), or null. */
  lockedOnOwnRecord: string | null;
}

export interface ResourceMeta {
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
  /** Combinations of fields no two records may share (a natural key for imports). */
  uniqueTogether: string[][];
  /** What a create by the signed-in user is given where the form leaves it empty (their own id, their district). */
  createDefaults: Record<string, unknown>;
  /** The values the caller's row scope allows for the fields it pins (their own id, their districts). */
  scopeChoices: Record<string, unknown[]>;
  /** The rows offered as the value of a reference to this resource (active users only), as a list filter. */
  offered: Record<string, unknown> | null;
  /** `field` in `resource` holds this resource's `key` (id, or a natural key such as ssid). */
  referencedBy: { resource: string; field: string; key: string }[];
  /** Join tables linking these records to others, edited inline on the form (admin/src/links/). */
  links?: LinkMeta[];
  fields: FieldMeta[];
}

/** Records linked through a join table: `through.parentField` names this record, `itemField` the item. */
export interface LinkMeta {
  through: string;
  parentField: string;
  itemField: string;
  item: string;
  /** The join table's own fields, edited beside each link. */
  fields: string[];
}

export interface Permissions {
  granted: string[];
  resources: ResourceMeta[];
  role: string;
  /** Resources the user may not list but whose records' labels they may read (references). */
  labels: { name: string; singular: string; representation: string }[];
}

/** Fills a representation template (`{last_name}, {first_name}`) from a record. */
export function represent(template: string | null | undefined, record: Record<string, unknown> | undefined): string {
  if (!record) return '';
  if (!template) return `#${record.id}`;
  return template.replace(/\{(\w+)\}/g, (_, f) => (record[f] === null || record[f] === undefined ? '' : String(record[f])));
}

export const isMoney = (f: FieldMeta) => f.type === 'decimal' && f.columnType.includes(',2)');
