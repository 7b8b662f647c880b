/** The words the permission matrix speaks: its areas, its actions, and the kinds of row scope a role works in. */

/** `Personal`: each user's own tools (saved views), whatever their role. */
export type Area = 'Students & services' | 'Claims & billing' | 'Reference data' | 'Users & access' | 'Audit' | 'Personal';

/** The actions every resource has in the permission matrix (`<resource>.<action>`). */
export const ACTIONS = ['list', 'show', 'create', 'edit', 'delete', 'export'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * Which rows a role works in: `own` rows reached from the signed-in user (a practitioner's
 * students), `district` rows of the user's districts. A role without one sees every row it may list.
 * Resources declare what each kind means for them (`@Resource({ scopes })`).
 */
export type ScopeKind = 'own' | 'district';
