import { SelectInput } from 'react-admin';
import type { ResourceMeta } from '../data/meta';

/**
 * Filters for the resource's declared named conditions (`namedFilters`: users without a
 * practitioner type), each a yes/no choice; a dashboard figure links to its list through them.
 */
export function namedFilterInputs(meta: ResourceMeta) {
  return (meta.namedFilters ?? []).map((f) => (
    <SelectInput key={f.name} source={f.name} label={f.label} choices={[{ id: 'true', name: 'Yes' }, { id: 'false', name: 'No' }]} emptyText="Any" parse={(v: string) => (v === '' ? undefined : v === 'true')} format={(v: unknown) => (v === undefined || v === null ? '' : String(v))} />
  ));
}
