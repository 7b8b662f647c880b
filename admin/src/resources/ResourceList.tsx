import {
  BulkDeleteButton,
  CreateButton,
  DatagridConfigurable,
  FilterButton,
  List,
  SelectColumnsButton,
  TopToolbar,
} from 'react-admin';
import { useReadable, useResourceMeta } from '../data/use-meta';
import { fieldFor } from '../fields/field-registry';
import { filtersFor } from '../fields/input-registry';
import { BulkEditButton } from '../bulk/BulkEditButton';
import { ImportButton } from '../bulk/ImportButton';
import { SAVED_VIEWS, SavedViewsAside } from '../bulk/SavedViewsAside';
import { ExportCsvButton } from './ExportCsvButton';
import { ListPagination } from './ListPagination';
import { AsOfBar } from '../timetravel/AsOfBar';
import { useAsOf } from '../timetravel/as-of';

/** Every resource's list, from its metadata: key columns first, the rest behind the column chooser. */
export function ResourceList() {
  const meta = useResourceMeta();
  const readable = useReadable();
  const [asOf] = useAsOf(meta?.name ?? '');
  if (!meta) return null;
  const shown = new Set(meta.listFields);
  const fields = [...meta.listFields.map((n) => meta.fields.find((f) => f.name === n)!), ...meta.fields.filter((f) => !shown.has(f.name))].filter(Boolean);
  const filterable = meta.fields.filter((f) => f.type !== 'json' && !['id', 'created_at', 'updated_at', 'created_by', 'updated_by'].includes(f.name));
  const actions = (
    <TopToolbar>
      <FilterButton />
      <SelectColumnsButton />
      {meta.actions.includes('create') && <CreateButton />}
      {meta.actions.includes('export') && !asOf && <ExportCsvButton />}
      {meta.actions.includes('create') && !meta.readOnly && <ImportButton meta={meta} />}
    </TopToolbar>
  );
  const rowClick = meta.actions.includes('show') ? 'show' : false;
  const bulkActions = [
    meta.actions.includes('edit') && <BulkEditButton key="edit" meta={meta} />,
    meta.actions.includes('delete') && <BulkDeleteButton key="delete" mutationMode="pessimistic" />,
  ].filter(Boolean);
  return (
    <>
    <AsOfBar resource={meta.name} label={meta.label} />
    <List queryOptions={asOf ? { meta: { asOf } } : undefined} filters={filtersFor(filterable, readable)} actions={actions} sort={{ field: 'id', order: 'DESC' }} perPage={25} exporter={false} title={meta.label} pagination={<ListPagination />} aside={meta.name === SAVED_VIEWS ? undefined : <SavedViewsAside />}>
      <DatagridConfigurable
        rowClick={rowClick}
        omit={fields.filter((f) => !shown.has(f.name)).map((f) => f.name)}
        bulkActionButtons={bulkActions.length && !asOf ? <>{bulkActions}</> : false}
      >
        {fields.map((f) => fieldFor(f, { inList: true, readable }))}
      </DatagridConfigurable>
    </List>
    </>
  );
}
