import type { Caller } from '../engine/caller.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { AppError } from '../errors/app-error.js';

import type { Action } from '../schema/matrix-terms.js';

/** Permissions a resource needs beyond `<resource>.<action>`: the audit log is for audit.browse. */
function extra(resource: ResourceMeta): string[] {
  return resource.area === 'Audit' ? ['audit.browse'] : [];
}

export function allowed(caller: Caller, resource: ResourceMeta, action: Action): boolean {
  return caller.can(`${resource.name}.${action}`) && extra(resource).every((p) => caller.can(p));
}

/** The guard's one question for every generic route: may this caller do this action here? */
export function authorize(caller: Caller, resource: ResourceMeta, action: Action): void {
  if (resource.readOnly && (action === 'create' || action === 'edit' || action === 'delete')) {
    throw new AppError('METHOD_NOT_ALLOWED', `${resource.label} are read-only`);
  }
  if (!allowed(caller, resource, action)) {
    throw new AppError('FORBIDDEN', `You may not ${action} ${resource.label.toLowerCase()}`);
  }
}

export function requirePermission(caller: Caller, permission: string): void {
  if (!caller.can(permission)) throw new AppError('FORBIDDEN', `This needs the ${permission} permission`);
}
