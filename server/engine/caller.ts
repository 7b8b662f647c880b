import type { FieldMeta, ResourceMeta } from './metadata/resource-meta.js';
import type { Params } from './plan/sql.js';
import type { SettingsAlongside } from '../db/unit-of-work.js';

export type ScopePurpose = 'read' | 'write';

/**
 * Who is asking, as the engine needs to know it: the id the audit trigger records, which fields
 * they may see and set, and which rows they may reach. The guard builds one per request from the
 * permission matrix; the engine never looks at roles itself.
 */
export interface Caller {
  userId: number | null;
  /** Wrote within the read-your-writes window: their reads go to the primary, not a replica. */
  recentWriter?: boolean;
  /**
   * This request's session check, carried by a write's transaction in the statement that names the
   * actor (db/unit-of-work.ts, http/presumed-read.ts): before any row is read or changed.
   */
  sessionCheck?: SettingsAlongside;
  /** Holds a permission of the matrix (`claim.edit`, `audit.revert`, ...). */
  can(permission: string): boolean;
  /** Secret fields are never seen; sensitive ones only with `<resource>.sensitive`. */
  sees(resource: ResourceMeta, field: FieldMeta): boolean;
  /** Field rules on write (e.g. a user's role needs `permission.manage`): a reason when refused. */
  refusesWrite(resource: ResourceMeta, field: FieldMeta, record: Record<string, unknown> | null): string | null;
  /**
   * The caller's row scope as a SQL condition on the resource's table, or null for every row.
   * `write` is the scope for changing a row (update, delete), which a declaration may narrow.
   * `from` says how its subqueries read another table (the reach check: as it stood).
   */
  scope(resource: ResourceMeta, params: Params, purpose?: ScopePurpose, from?: (table: string) => string): string | null;
  /**
   * Values a create by this caller takes where the body leaves them out, read from the caller's
   * row scope (a practitioner's new student is theirs; a one-district admin's claim is in that
   * district), so a scoped user is not asked for what only has one possible answer.
   */
  createDefaults?(resource: ResourceMeta): Record<string, unknown>;
  /**
   * The values the caller's row scope allows for fields it pins (a practitioner's `practitioner_id`:
   * their own id; a district admin's `district`: their districts): what the console offers there.
   */
  scopeChoices?(resource: ResourceMeta): Record<string, unknown[]>;
}
