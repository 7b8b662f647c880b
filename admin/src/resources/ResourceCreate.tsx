import { Create } from 'react-admin';
import { useResourceMeta } from '../data/use-meta';
import { withoutReason } from './ReasonInput';
import { ResourceForm } from './ResourceForm';

/**
 * Create form; `?source={"field": value}` pre-fills (the parent's "Add" buttons use it) and
 * `?redirect=` returns to the parent afterwards.
 */
export function ResourceCreate() {
  const meta = useResourceMeta();
  if (!meta) return null;
  const back = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('redirect');
  const defaults = {
    // A yes/no starts at its column default; a required one without a default starts at No, as its
    // switch shows (a switch has no "not recorded").
    ...Object.fromEntries(meta.fields.filter((f) => !f.readOnly && f.input === 'yes-no' && (typeof f.default === 'boolean' || !f.nullable)).map((f) => [f.name, typeof f.default === 'boolean' ? f.default : false])),
    ...meta.createDefaults,
  };
  return (
    <Create transform={withoutReason} redirect={back ? () => back.replace(/^#?\//, '') : 'show'} title={`New ${meta.singular.toLowerCase()}`}>
      <ResourceForm meta={meta} defaultValues={defaults} />
    </Create>
  );
}
