import { roles } from '../schema/roles.js';
import { isPlainObject } from '../engine/validate/validate-payload.js';
import { AppError } from '../errors/app-error.js';
import type { CellChange, Matrix, MatrixEffect, RoleEffect } from '../../contract/permission-matrix.js';

/** The effect of a change set, and per item the role columns to write. */
export interface MatrixDiff extends Omit<MatrixEffect, 'applied' | 'txid'> {
  patches: { id: number; name: string; patch: Record<string, boolean> }[];
}

/** A matrix has a few hundred cells per role; a request setting far more is not an editor's. */
const MAX_CHANGES = 20_000;

/** `{version?, changes: [{permission, role, granted}]}`, checked whole: a 400 names every bad entry. */
export function parseMatrixRequest(body: unknown): { version: string | null; changes: CellChange[] } {
  if (!isPlainObject(body) || !Array.isArray(body.changes)) throw new AppError('BAD_REQUEST', 'The body must be a JSON object {changes: [{permission, role, granted}]}');
  if (body.changes.length === 0) throw new AppError('BAD_REQUEST', 'No changes: toggle at least one permission');
  if (body.changes.length > MAX_CHANGES) throw new AppError('BAD_REQUEST', `At most ${MAX_CHANGES} changes in one change set`);
  const version = body.version === undefined || body.version === null ? null : String(body.version);
  if (version !== null && !/^\d{1,19}$/.test(version)) throw new AppError('BAD_REQUEST', 'version must be the matrix version you loaded', { version: 'must be a number' });
  const errors: Record<string, string> = {};
  const keys = roles().map((r) => r.key);
  const changes: CellChange[] = [];
  body.changes.forEach((c: unknown, i: number) => {
    if (!isPlainObject(c) || typeof c.permission !== 'string' || typeof c.granted !== 'boolean' || typeof c.role !== 'string') {
      errors[`changes.${i}`] = 'must be {permission: text, role: text, granted: true or false}';
    } else if (!keys.includes(c.role)) {
      errors[`changes.${i}.role`] = `must be one of ${keys.join(', ')}`;
    } else {
      changes.push({ permission: c.permission, role: c.role, granted: c.granted });
    }
  });
  if (Object.keys(errors).length) throw new AppError('BAD_REQUEST', `${Object.keys(errors).length} changes are malformed`, errors);
  return { version, changes };
}

/** What the changes would do to the matrix as stored; a permission it does not hold is a 400. */
export function diffMatrix(matrix: Matrix, changes: CellChange[]): MatrixDiff {
  const items = new Map(matrix.areas.flatMap((a) => a.items).map((i) => [i.name, i]));
  const unknown = [...new Set(changes.map((c) => c.permission).filter((p) => !items.has(p)))];
  if (unknown.length) {
    throw new AppError('BAD_REQUEST', `Unknown permission${unknown.length === 1 ? '' : 's'}: ${unknown.slice(0, 5).join(', ')}`, { changes: 'names permissions the matrix does not hold' });
  }
  // The last change of a cell wins, as the editor's last toggle does.
  const wanted = new Map<string, CellChange>();
  for (const c of changes) wanted.set(`${c.permission}\u0000${c.role}`, c);
  const patches = new Map<string, MatrixDiff['patches'][number]>();
  const effects = new Map<string, RoleEffect>();
  for (const c of wanted.values()) {
    const item = items.get(c.permission)!;
    if (item.grants[c.role] === c.granted) continue;
    if (!patches.has(item.name)) patches.set(item.name, { id: item.id, name: item.name, patch: {} });
    patches.get(item.name)!.patch[c.role] = c.granted;
    const role = matrix.roles.find((r) => r.role === c.role)!;
    if (!effects.has(c.role)) effects.set(c.role, { role: c.role, label: role.label, activeUsers: role.activeUsers, gains: [], losses: [] });
    (c.granted ? effects.get(c.role)!.gains : effects.get(c.role)!.losses).push({ name: item.name, table: item.table, words: item.words });
  }
  const affected = matrix.roles.map((r) => effects.get(r.role)).filter((e): e is RoleEffect => !!e);
  return {
    cells: [...patches.values()].reduce((n, p) => n + Object.keys(p.patch).length, 0),
    activeUsers: affected.reduce((n, r) => n + r.activeUsers, 0),
    roles: affected,
    patches: [...patches.values()],
  };
}
