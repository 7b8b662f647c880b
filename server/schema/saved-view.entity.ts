import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { ACTIONS } from './matrix-terms.js';
import { ROLE_NAMES } from './roles.js';
import { Stamped, type StampColumns } from './stamps.js';

/**
 * A list's filters, sort and visible columns saved under a name: private to its owner, or shared
 * with one role. An ordinary declared table: its API, screens, permissions and audit trail come
 * from this declaration alone; only the row scope below makes it personal.
 */
@Resource({
  feature: 'saved-views',
  label: 'Saved views',
  area: 'Personal',
  representation: '{name}',
  namesResource: ['resource'],
  choices: { shared_with_role: ROLE_NAMES },
  labels: { shared_with_role: 'Shared with role' },
  listFields: ['name', 'resource', 'shared_with_role', 'created_by', 'updated_at'],
  // Read: one's own views and those shared with one's role; change: one's own only.
  scopes: { every: { any: [{ field: 'created_by', is: 'user' }, { field: 'shared_with_role', is: 'role' }] } },
  writeScope: { field: 'created_by', is: 'user' },
  // A view shared with a role may filter on a field some of its members may not see (a policy
  // number): each reader is shown the filter cut to the fields they see, as in the access log.
  recordFilters: { table: 'resource', columns: ['filter'] },
  defaultGrants: { '*': ACTIONS },
})
@Entity({ tableName: 'saved_view' })
@Stamped({ creatorDeleteRule: 'cascade' })
export class SavedView {
  /** Saved view ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** The name it is listed under. */
  @Property({ type: 'text', columnType: 'text' })
  name!: string;

  /** The resource whose list it shows (e.g. claim). */
  @Property({ type: 'text', columnType: 'text', index: true })
  resource!: string;

  /** The list filter, as the API takes it (`{"status": "Denied"}`). */
  @Property({ type: 'json', columnType: 'jsonb' })
  filter!: Record<string, unknown>;

  /** Sort as `{"field": ..., "order": "ASC" | "DESC"}`. */
  @Property({ type: 'json', columnType: 'jsonb', nullable: true })
  sort?: Record<string, unknown> | null;

  /** Visible columns, in order (none: the list's defaults). */
  @Property({ type: 'array', columnType: 'text[]', nullable: true })
  columns?: string[] | null;

  /** Role that may use it too (none: private). */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  shared_with_role?: string | null;
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface SavedView extends StampColumns {}
