import { filterKey } from '../../../contract/filters';
/** `GET /api/dashboard` and `GET /api/<resource>/aggregate`, as the console reads them. */
export interface Figure {
  id: string;
  title: string;
  description: string;
  resource: string;
  chart: 'bars' | 'stacked-bars' | 'lines' | 'number' | 'recent';
  filter: Record<string, unknown>;
  group: string[];
  sum: string[];
}

export interface Aggregate {
  group: { key: string; label: string; bucket: 'day' | 'month' | null }[];
  sum: { field: string; label: string }[];
  rows: { keys: unknown[]; count: number; sums: Record<string, string> }[];
  truncated: boolean;
  counted_at: string;
}

/** The aggregate route's query for a figure. */
export function aggregateQuery(figure: Figure): string {
  const params = new URLSearchParams({ filter: JSON.stringify(figure.filter) });
  if (figure.group.length) params.set('group', JSON.stringify(figure.group));
  if (figure.sum.length) params.set('sum', JSON.stringify(figure.sum));
  return params.toString();
}

/** The console's list of a resource with a filter (what a figure, or one of its bars, counted). */
export function listHref(resource: string, filter: Record<string, unknown>): string {
  return `#/${resource}?filter=${encodeURIComponent(JSON.stringify(filter))}`;
}

/** The last day of the month that `day` (its first) starts. */
function lastOfMonth(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1, 0);
  return d.toISOString().slice(0, 10);
}

/**
 * The list filter of one group: the figure's filter and each key's value (a day, a month as a
 * range, a value or "not recorded"). A derived key (not a field) narrows nothing further.
 */
export function groupFilter(figure: Figure, aggregate: Aggregate, keys: unknown[], isField: (name: string) => boolean): Record<string, unknown> {
  const filter: Record<string, unknown> = { ...figure.filter };
  aggregate.group.forEach((g, i) => {
    const value = keys[i];
    if (!isField(g.key)) return;
    if (value === null || value === undefined) filter[filterKey(g.key, 'null')] = true;
    else if (g.bucket === 'month') {
      // From and to, as the list's own date filters say it (a date without a time is a whole day).
      filter[filterKey(g.key, 'gte')] = value;
      filter[filterKey(g.key, 'lte')] = lastOfMonth(String(value));
    } else filter[g.key] = value;
  });
  return filter;
}

interface ChartModel {
  /** The x axis: the first key's values (days, months, statuses). */
  x: unknown[];
  /** One series per second key value, or per summed field, or the counts. */
  series: { id: string; label: string; data: number[] }[];
}

const keyText = (v: unknown) => (v === null || v === undefined ? 'Not recorded' : String(v));

/** A chart's axes and series from an aggregate, with the series' values named by `label`. */
export function chartModel(aggregate: Aggregate, label: (keyIndex: number, value: unknown) => string): ChartModel {
  const x = [...new Map(aggregate.rows.map((r) => [keyText(r.keys[0]), r.keys[0]])).values()];
  const at = new Map(x.map((v, i) => [keyText(v), i]));
  const zeros = () => x.map(() => 0);
  if (aggregate.group.length === 2) {
    const series = new Map<string, { id: string; label: string; data: number[] }>();
    for (const r of aggregate.rows) {
      const id = keyText(r.keys[1]);
      if (!series.has(id)) series.set(id, { id, label: label(1, r.keys[1]), data: zeros() });
      series.get(id)!.data[at.get(keyText(r.keys[0]))!] += r.count;
    }
    return { x, series: [...series.values()] };
  }
  if (aggregate.sum.length) {
    return { x, series: aggregate.sum.map((s) => ({ id: s.field, label: s.label, data: x.map((v) => Number(aggregate.rows.find((r) => keyText(r.keys[0]) === keyText(v))?.sums[s.field] ?? 0)) })) };
  }
  return { x, series: [{ id: 'count', label: 'Count', data: x.map((v) => aggregate.rows.find((r) => keyText(r.keys[0]) === keyText(v))?.count ?? 0) }] };
}
