import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import type { PermissionWords } from '../../contract/permission-matrix.js';
import { ACTIONS, type Action } from '../schema/matrix-terms.js';

/** Every action of the matrix in words (the compiler asks for a new action's). */
const ACTION_WORDS: Record<Action, string> = {
  list: 'See the list',
  show: 'Open a record',
  create: 'Create',
  edit: 'Edit',
  delete: 'Delete',
  export: 'Export to CSV',
};

/** The actions of the matrix's "this action for every table" toggles, in the matrix's order. */
export function actionWords(): { action: string; words: string }[] {
  return [...ACTIONS.map((action) => ({ action, words: ACTION_WORDS[action] })), { action: 'sensitive', words: 'See sensitive fields' }];
}

/** Permissions not about one resource; any other key falls back to its own text. */
const CROSS_CUTTING: Record<string, { table: string; words: string }> = {
  'audit.browse': { table: 'Audit trail', words: 'Browse the audit trail' },
  'audit.revert': { table: 'Audit trail', words: 'Undo changes' },
  'permission.manage': { table: 'Roles and permissions', words: 'Manage permissions, roles and other people’s sign-in' },
};

/** `claim.create` -> {table: "Claims", words: "Create"}, read from the resources' metadata. */
export function permissionWords(name: string, resources: Map<string, ResourceMeta>): PermissionWords {
  const dot = name.lastIndexOf('.');
  const [head, action] = dot > 0 ? [name.slice(0, dot), name.slice(dot + 1)] : [name, ''];
  const resource = resources.get(head);
  if (!resource) {
    const known = CROSS_CUTTING[name];
    return { resource: null, table: known?.table ?? head, action, words: known?.words ?? name };
  }
  if (action === 'sensitive') {
    const fields = resource.fields.filter((f) => f.sensitive).map((f) => f.label);
    return { resource: resource.name, table: resource.label, action, words: `See field${fields.length === 1 ? '' : 's'} ${fields.join(', ')}` };
  }
  return { resource: resource.name, table: resource.label, action, words: ACTION_WORDS[action as Action] ?? action };
}
