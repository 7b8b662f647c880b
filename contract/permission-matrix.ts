/**
 * The permission editor's wire contract, imported by the server and the console alike (types only:
 * nothing here runs). Roles are named by their matrix column, the `key` of their declaration (server/schema/roles.ts).
 */

/** What a permission lets a person do, in the words the matrix shows beside its key. */
export interface PermissionWords {
  /** The resource the permission is about, or null for a cross-cutting one (audit.revert). */
  resource: string | null;
  /** The resource's label ("Fee schedule codes"), or a name for a cross-cutting one. */
  table: string;
  /** The action part of the key (`list`, `sensitive`, `revert`). */
  action: string;
  /** "See the list", "See fields SSN, Medi-Cal benefits ID", "Undo changes". */
  words: string;
}

export interface MatrixItem extends PermissionWords {
  id: number;
  name: string;
  area: string;
  grants: Record<string, boolean>;
}

export interface MatrixRole {
  role: string;
  /** The role as `app_user.role` names it ("District Admin"). */
  label: string;
  /** Active users holding the role: whom a change to its column reaches at their next request. */
  activeUsers: number;
}

/** `GET /api/permission-matrix`. */
export interface Matrix {
  /** permission_matrix_version as read with the items: a save made against it refuses a newer matrix. */
  version: string;
  roles: MatrixRole[];
  /** The per-resource actions in words, in order (the `sensitive` one reads "See sensitive fields"). */
  actions: { action: string; words: string }[];
  areas: { title: string; items: MatrixItem[] }[];
}

/** One cell as the editor wants it: `permission` granted to `role`, or not. */
export interface CellChange {
  permission: string;
  role: string;
  granted: boolean;
}

export type Effect = Pick<MatrixItem, 'name' | 'table' | 'words'>;

/** What a change set does to one role: the permissions it gains and loses, and whom that reaches. */
export interface RoleEffect extends MatrixRole {
  gains: Effect[];
  losses: Effect[];
}

/** The answer of `POST …/preview` (applied: false) and of the save (with its change set's txid). */
export interface MatrixEffect {
  /** Cells that change (cells the request sets to what they already hold are left out). */
  cells: number;
  /** Active users whose permissions change (holders of every role that gains or loses something). */
  activeUsers: number;
  roles: RoleEffect[];
  applied: boolean;
  txid: number | null;
}
