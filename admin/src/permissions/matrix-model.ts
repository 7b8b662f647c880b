import type { CellChange, Matrix, MatrixItem } from '../../../contract/permission-matrix';

/** Cells the editor changed and not saved yet: `<permission>|<role>` -> the wanted value. */
export type Pending = Map<string, boolean>;

/** A change of the pending cells, applied to the latest ones (areas not redrawn keep no stale copy). */
export type Update = (pending: Pending) => Pending;

/** Whether two pending sets agree on every cell of these items (an area need not be redrawn). */
export function sameCells(a: Pending, b: Pending, items: MatrixItem[], roles: string[]): boolean {
  return a === b || items.every((i) => roles.every((r) => a.get(cellKey(i.name, r)) === b.get(cellKey(i.name, r))));
}

export const cellKey = (name: string, role: string) => `${name}|${role}`;

/** What a cell shows: the pending value where there is one, else the stored grant. */
export const effective = (pending: Pending, item: MatrixItem, role: string) => pending.get(cellKey(item.name, role)) ?? item.grants[role];

/** A group's state for one role (checked, unchecked, or some: indeterminate). */
export function groupState(pending: Pending, items: MatrixItem[], role: string): 'all' | 'some' | 'none' {
  const on = items.filter((i) => effective(pending, i, role)).length;
  return on === 0 ? 'none' : on === items.length ? 'all' : 'some';
}

/** Sets cells, dropping those back at their stored value (a toggle undone is no change). */
export function withCells(pending: Pending, cells: { item: MatrixItem; role: string }[], value: boolean): Pending {
  const next = new Map(pending);
  for (const { item, role } of cells) {
    const key = cellKey(item.name, role);
    if (item.grants[role] === value) next.delete(key);
    else next.set(key, value);
  }
  return next;
}

/** A group toggle grants the whole group unless all of it is granted already, then takes it away. */
export function toggleGroup(pending: Pending, items: MatrixItem[], roles: string[]): Pending {
  const all = roles.every((role) => groupState(pending, items, role) === 'all');
  return withCells(pending, items.flatMap((item) => roles.map((role) => ({ item, role }))), !all);
}

export function changesOf(pending: Pending): CellChange[] {
  return [...pending].map(([key, granted]) => {
    const [permission, role] = key.split('|');
    return { permission, role, granted };
  });
}

/** Items matching a search (table, words, key or area), each area's items by table then action. */
export function visibleAreas(matrix: Matrix, search: string): { title: string; items: MatrixItem[] }[] {
  const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const order = new Map(matrix.actions.map((a, i) => [a.action, i]));
  return matrix.areas
    .map((area) => ({
      title: area.title,
      items: area.items
        .filter((i) => words.every((w) => `${i.table} ${i.words} ${i.name} ${area.title}`.toLowerCase().includes(w)))
        .sort((a, b) => a.table.localeCompare(b.table) || (order.get(a.action) ?? 99) - (order.get(b.action) ?? 99) || a.name.localeCompare(b.name)),
    }))
    .filter((a) => a.items.length > 0);
}

/** Consecutive items of one table, for the table rows' own toggles. */
export function byTable(items: MatrixItem[]): { table: string; items: MatrixItem[] }[] {
  const out: { table: string; items: MatrixItem[] }[] = [];
  for (const item of items) {
    if (out.at(-1)?.table === item.table) out.at(-1)!.items.push(item);
    else out.push({ table: item.table, items: [item] });
  }
  return out;
}
