import type { Caller } from '../engine/caller.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { AppError } from '../errors/app-error.js';

/**
 * Writing an earlier state back (an undo, a restore) may not set what the caller could not set by
 * editing, nor a field they may not see. `doing` names the write in the refusal ("Undoing this event").
 */
export function assertMaySet(resource: ResourceMeta, fields: string[], caller: Caller, current: Record<string, unknown> | null, doing: string): void {
  for (const name of fields) {
    const field = resource.field.get(name);
    if (!field || field.readOnly) continue;
    if (!caller.sees(resource, field)) throw new AppError('FORBIDDEN', `${doing} would change a field you may not see or change`);
    const refusal = caller.refusesWrite(resource, field, current);
    if (refusal) throw new AppError('FORBIDDEN', `${doing} would change ${name}, which ${refusal}`);
  }
}
