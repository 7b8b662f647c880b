/**
 * What the engine cannot derive from MikroORM metadata, declared beside the entity with
 * `@Resource({...})`: labels, how a record reads in one line, closed value lists, which fields are
 * sensitive or never leave the server. Everything else (types, nullability, references, defaults)
 * is read from the entity itself.
 */
import type { Action, Area, ScopeKind } from './matrix-terms.js';
import type { ScopeCondition } from './scope.js';
import type { Feature, FieldRule, Format, Tool } from '../../contract/meta.js';


export interface ResourceOptions {
  /**
   * Fields only the server writes (a user's last sign-in; a document's storage key, size, checksum
   * and type): ignored in write bodies on every path (create, edit, import, bulk edit), read-only in
   * forms. Only the module that owns them sets them, through the engine's `ServerWrite`.
   */
  serverManaged?: string[];
  /** Fields a create sets and no later write changes (a document's record: moved, it would open to whoever reaches the new one). */
  fixedOnceCreated?: string[];
  /** Values of server-managed NOT NULL columns for a create the server sets nothing on. */
  serverDefaults?: Record<string, unknown>;
  /** Value rules beyond the column types, per field. */
  rules?: Record<string, FieldRule>;
  /**
   * Combinations of fields no two records may share (a fee schedule code per effective year), where
   * the table has no such constraint: checked inside the write, serialized per value by an advisory
   * lock so two concurrent writes cannot both pass.
   */
  uniqueTogether?: string[][];
  /**
   * Links from a record to other records as they stood at a moment the record names (a claim's
   * student and fee schedule code as of its service date): `match` maps the target's fields to this
   * record's fields, `at` is the date or timestamp field naming the moment. The console shows them
   * on the show page; they open the target as of that moment (server/audit/as-of.query.ts).
   */
  asOfLinks?: { label: string; resource: string; match: Record<string, string>; at: string }[];
  /**
   * An append-only log (never updated, not audited itself): as of a moment it held the rows whose
   * this timestamp field is not later. Time travel on every other resource reads the audit trail.
   */
  appendOnlyAt?: string;
  /** Pairs of fields whose first may not exceed the second (group_size_min <= group_size_max). */
  ordered?: [string, string][];
  /**
   * Fields copied from the record a reference names, when a create sets it (where the body leaves
   * them out) or an update changes it: a claim keeps the student's name and birthdate as billed.
   * `{ student_ssid: { student_name: '{last_name}, {first_name}', student_dob: '{birthdate}' } }`.
   */
  copiedFrom?: Record<string, Record<string, string>>;
  /** Plural label for menus; defaults to the table name in words. */
  label?: string;
  /** Singular label; defaults to the label without a trailing "s". */
  singular?: string;
  /** Field labels where the column name reads badly. */
  labels?: Record<string, string>;
  /** One-line representation: `{field}` placeholders, e.g. `{last_name}, {first_name} ({ssid})`. */
  representation?: string;
  /** Closed value lists: the console offers a select and writes outside the list are refused. */
  choices?: Record<string, readonly string[]>;
  /** Array columns whose every element must exist in `resource.field` (`modifier.code`). */
  elementsReference?: Record<string, string>;
  /** References the database does not enforce (audit_log.user_id), for links in the console. */
  references?: Record<string, string>;
  /** Text columns whose value must name a served resource. */
  namesResource?: string[];
  /** Fields shown only to roles holding `<resource>.sensitive`. */
  sensitive?: string[];
  /** Fields that never leave the server and are masked in the audit log (credential hashes). */
  secret?: string[];
  /**
   * Fields whose change alone is no record change in the audit log (a user's last sign-in, which
   * is an authentication event instead): still in the log's images of every other change.
   */
  quietChanges?: string[];
  /**
   * The text fields `q` searches (defaults to every text field). Big tables declare a few, each with
   * a trigram index, so a search stays an index scan at a million rows.
   */
  search?: string[];
  /**
   * Search fields that are codes and numbers (a claim number, an SSID): `q` matches them by their
   * start, case-insensitively, through a btree on `lower(field) text_pattern_ops`. A trigram index
   * is no use there: every claim number holds `CLM`, `000` and `00…`, and a run of digits is in
   * most SSIDs, so `%term%` hands most of the table back to be rechecked.
   */
  identifiers?: string[];
  /** Columns a person wants first in a list. */
  listFields?: string[];
  /**
   * The filters people apply most, each a set of fields filtered together by value (a district's
   * claims of one status). test/api/list-plans.spec.ts checks at production size that each, with
   * the default sort and every indexed sort, is served by an index: no sort of every matching row.
   */
  commonFilters?: string[][];
  /**
   * Conditions with a name, applied by a list filter `{"<name>": true}` (false: the rows outside it),
   * for what field filters cannot say: users without a practitioner type. The SQL is a condition on
   * the table's own row (`app_user.id`), like a scope; the console offers each as a filter.
   * `reads` names the other resources its condition reads: it is offered and applied only to
   * callers who may list each (it counts their rows whatever the caller's reach there).
   */
  namedFilters?: Record<string, { label: string; where: string; reads?: string[] }>;
  /**
   * What `GET /api/<table>/aggregate` may group by and sum (engine/aggregate/): fields (dates by
   * day or month), and derived keys read from a field (a rejected claim's first denial code in its
   * remittance data), each usable only by a caller who sees the field it is read from. Without a
   * declaration: choices, yes/no, references and dates are grouped, decimals summed.
   */
  aggregate?: { groupBy?: string[]; sum?: string[]; derived?: Record<string, { label: string; field: string; sql: string }> };
  /**
   * In the console's search across tables (default: yes, but not the append-only logs, which have
   * their own browser); false leaves a resource out (services: free text without a trigram index).
   */
  crossSearch?: boolean;
  /** Fields edited as long text (defaults: notes, descriptions, comments). */
  multiline?: string[];
  /** Show-page sections: title -> fields. Fields not named fall into a last "Other" section. */
  sections?: Record<string, string[]>;
  /**
   * Show-page sections backed by a document attached to the record: section title -> the
   * `document_type` shown there (the student's Consent section links the signed consent form).
   */
  sectionDocuments?: Record<string, string>;
  /** The console asks for a change reason when writing this resource. */
  askReason?: boolean;
  /** Permission-matrix grouping. */
  area?: Area;
  /**
   * Every read of a record by a person is recorded in access_log before it is answered (show, list
   * page, getMany, history, export, document download): student and health records.
   */
  accessLogged?: boolean;
  /** Served read-only (the audit log). */
  readOnly?: boolean;
  /** Join tables are edited from these parents (reference fields naming them; defaults to `join`). */
  editedFrom?: string[];
  /**
   * The two references that make this a join table, edited as links on both records they name
   * (engine/metadata/join-tables.ts): needed only where several unique pairs of references make
   * the detection ambiguous; null where the table is not to be edited as links.
   */
  join?: [string, string] | null;
  /**
   * Row scopes (schema/scope.ts), one per scope kind a role works in (schema/roles.ts): `own` for
   * practitioners, `district` for district admins; `every` holds for every role alike (a saved view
   * is its owner's or shared with their role). A resource without a scope for a scoped role is
   * shared reference data.
   */
  scopes?: Partial<Record<ScopeKind | 'every', ScopeCondition>>;
  /**
   * A narrower condition for changing a row (update, delete) than for reading it: a view shared
   * with a role is read by that role but changed by its owner only.
   */
  writeScope?: ScopeCondition;
  /**
   * Which of this resource's rows the console offers as the value of a reference to it (a filter
   * in the list API's format): users who are active and not the system account, for assignees.
   * The rows stay readable and already-set references keep showing; only pickers narrow.
   */
  offered?: Record<string, unknown>;
  /**
   * Starting grants of the permission matrix, by role key (schema/roles.ts) or `'*'` for every
   * role, beyond what each role's declaration grants by area: casework for the field roles, saved
   * views for everyone (each user within their row scope). The matrix as stored is what counts.
   */
  defaultGrants?: Record<string, readonly Action[]>;
  /** Fields whose write needs a permission beyond `<resource>.edit` (app_user.role: permission.manage). */
  fieldPermissions?: Record<string, string>;
  /** Fields nobody may change on their own record (their own role). */
  selfProtected?: string[];
  /**
   * Rows that hold images of other tables' rows (the audit log): `table` names the column with the
   * table name, `images` the JSON columns with row images. Each image is cut down to the fields the
   * caller may see in that table, and scoped roles see only events of records in their scope
   * (`pk` names the column holding the record's `{"id": n}`).
   */
  recordImages?: { table: string; pk: string; images: string[] };
  /**
   * Columns that hold a list filter of another table's fields (the access log keeps the filter a
   * read was made with): each is cut to the keys naming fields the caller may see in that table,
   * so a filter on a sensitive field never shows its value to whoever may not see the field.
   */
  recordFilters?: { table: string; columns: string[] };
  /**
   * How the console draws fields beyond their column type: `money` (in `currency`), or a
   * `plain-number` such as a year (no thousands separator).
   */
  formats?: Record<string, Format>;
  /** The ISO 4217 currency of its money fields (default USD). */
  currency?: string;
  /**
   * The product feature this resource holds, which the console finds it by: the audit trail's
   * screen, the access log, attached documents, saved list views, the permission matrix.
   */
  feature?: Feature;
  /** Console tools on its records (a user's password and second factor buttons). */
  tools?: Tool[];
  /** Not served by the generic engine (credentials, sessions); such tables may still be audited. */
  served?: boolean;
  /** Whether the audit trigger is attached (default true; off for sessions and rate-limit counters). */
  audited?: boolean;
}

const declarations = new Map<Function, ResourceOptions>();

export function Resource(options: ResourceOptions): ClassDecorator {
  return (target) => {
    declarations.set(target, options);
  };
}

export function resourceOptions(entity: Function): ResourceOptions {
  return declarations.get(entity) ?? {};
}
