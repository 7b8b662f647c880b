import { Box, Chip } from '@mui/material';
import type { ReactElement } from 'react';
import { useListContext } from 'react-admin';
import type { ResourceMeta } from '../data/meta';

/** An operator suffix of the list protocol, in words. */
const OPERATORS: [string, string][] = [
  ['_gte', 'from'],
  ['_lte', 'to'],
  ['_gt', 'after'],
  ['_lt', 'before'],
  ['_neq', 'is not'],
  ['_like', 'contains'],
  ['_null', 'not recorded'],
];

/** A filter key as a person reads it: the field's label and the operator, or a named filter's label. */
function describe(meta: ResourceMeta, key: string): string {
  const named = meta.namedFilters?.find((f) => f.name === key);
  if (named) return named.label;
  const exact = meta.fields.find((f) => f.name === key);
  if (exact) return exact.label;
  for (const [suffix, words] of OPERATORS) {
    const field = key.endsWith(suffix) ? meta.fields.find((f) => f.name === key.slice(0, -suffix.length)) : undefined;
    if (field) return `${field.label} ${words}`;
  }
  return key;
}

const valueText = (v: unknown): string =>
  v === true ? 'yes' : v === false ? 'no' : Array.isArray(v) ? v.map(valueText).join(', ') : v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);

/** The sources of a list's filter inputs: what its filter bar can show. */
export const filterSources = (inputs: ReactElement[]) => inputs.map((i) => (i.props as { source?: string }).source).filter((s): s is string => !!s);

/**
 * Filters the list applies that its filter bar has no input for (a dashboard figure's day, a
 * named condition a custom screen does not offer): shown as chips, each removable, so a list
 * opened from a link never counts rows by a condition the user cannot see.
 */
export function AppliedFilters({ meta, shown }: { meta: ResourceMeta | undefined; shown: string[] }) {
  const { filterValues, setFilters, displayedFilters } = useListContext();
  const hidden = Object.entries(filterValues ?? {}).filter(([key, value]) => !shown.includes(key) && value !== undefined);
  if (!meta || hidden.length === 0) return null;
  const remove = (key: string) => {
    const { [key]: _removed, ...rest } = filterValues;
    setFilters(rest, displayedFilters);
  };
  return (
    <Box role="group" aria-label="Other filters applied" sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, px: 2, py: 1 }}>
      {hidden.map(([key, value]) => (
        <Chip key={key} data-filter={key} label={`${describe(meta, key)}: ${valueText(value)}`} onDelete={() => remove(key)} />
      ))}
    </Box>
  );
}
