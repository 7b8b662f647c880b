import { ACTIONS, type Action, type Area, type ScopeKind } from './matrix-terms.js';

export interface RoleDeclaration {
  /** The value of `app_user.role`. */
  name: string;
  /** Its column in the permission matrix (`permission_item.<key>`). */
  key: string;
  /** How the console names it. */
  label: string;
  scope?: ScopeKind;
  /** What the scope means, in words, for the console ("their own students"). */
  scopeLabel?: string;
  /**
   * Starting grants beyond what resources declare for it (`@Resource({ defaultGrants })`): every
   * action everywhere, actions on every resource of an area (`'*'` for every area), and
   * cross-cutting permissions by name. The matrix as stored is what the guard enforces.
   */
  grants?: { everything?: true; areas?: Partial<Record<Area | '*', readonly Action[]>>; permissions?: readonly string[] };
}

const READ = ['list', 'show'] as const;

/** Starting grants of the records the field roles work on, each within their row scope (entities use them). */
export const CASEWORK_GRANTS = {
  district_admin: ACTIONS,
  practitioner: ['list', 'show', 'create', 'edit', 'export'],
  // Support staff correct records: list, show and edit, no create or delete.
  support: ['list', 'show', 'edit'],
} as const satisfies Record<string, readonly Action[]>;

const declared: RoleDeclaration[] = [
  { name: 'Practitioner', key: 'practitioner', label: 'Practitioner', scope: 'own', scopeLabel: 'their own students and services' },
  {
    name: 'Supervisor',
    key: 'supervisor',
    label: 'Supervisor',
    grants: { areas: { '*': [...READ, 'export'], 'Users & access': READ }, permissions: ['audit.browse'] },
  },
  {
    name: 'District Admin',
    key: 'district_admin',
    label: 'District admin',
    scope: 'district',
    scopeLabel: 'records of their districts',
    grants: { areas: { 'Reference data': READ } },
  },
  { name: 'Admin', key: 'system_admin', label: 'System admin', grants: { everything: true } },
  {
    name: 'Support',
    key: 'support',
    label: 'Support',
    grants: { areas: { 'Reference data': READ, Audit: READ }, permissions: ['audit.browse', 'audit.revert'] },
  },
];

/** Role names, in declaration order: `app_user.role`'s choices read this very array. */
export const ROLE_NAMES: string[] = declared.map((r) => r.name);

const followers: ((role: RoleDeclaration) => void)[] = [];

export function roles(): readonly RoleDeclaration[] {
  return declared;
}

export function roleNamed(name: string | null | undefined): RoleDeclaration | undefined {
  return declared.find((r) => r.name === name);
}

/**
 * Calls `follow` for every role, those declared now and any declared later (the matrix's columns
 * are generated this way, so a role is one declaration).
 */
export function forEachRole(follow: (role: RoleDeclaration) => void): void {
  declared.forEach(follow);
  followers.push(follow);
}

/** Adds a role (before the ORM starts: its matrix column is part of the schema). */
export function declareRole(role: RoleDeclaration): void {
  if (!/^[a-z][a-z0-9_]*$/.test(role.key)) throw new Error(`role key ${role.key} must be a lower-case identifier`);
  if (declared.some((r) => r.name === role.name || r.key === role.key)) throw new Error(`role ${role.name} (${role.key}) is declared twice`);
  declared.push(role);
  ROLE_NAMES.push(role.name);
  for (const follow of followers) follow(role);
}
