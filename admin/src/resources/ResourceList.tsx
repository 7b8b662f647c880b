import { Drawer, Link as MuiLink, useMediaQuery, type Theme } from '@mui/material';
import ViewListIcon from '@mui/icons-material/BookmarksOutlined';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import {
  BulkDeleteButton,
  Button,
  SimpleList,
  useCreatePath,
  useRecordContext,
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
import { BulkEditButton, BulkEditHost, ImportButton } from '../bulk/BulkButtons';
import { SavedViewsAside } from '../bulk/SavedViewsAside';
import { namedFilterInputs } from './named-filters';
import { AppliedFilters, filterSources } from './AppliedFilters';
import { ExportCsvButton } from './ExportCsvButton';
import { ListPagination } from './ListPagination';
import { represent, type FieldMeta } from '../data/meta';
import { NOT_RECORDED } from '../fields/values';

/**
 * The first column links to the record, on one line (a claim number that wrapped read as two): a row opens from the keyboard (Tab to it, Enter) and
 * screen readers announce where it goes, not only from a click anywhere on the row.
 */
function FirstColumn({ resource, children }: { source: string; label: string; sortable?: boolean; resource: string; children: ReactNode }) {
  const record = useRecordContext();
  const createPath = useCreatePath();
  if (!record) return null;
  return (
    <MuiLink component={Link} to={createPath({ resource, id: record.id, type: 'show' })} onClick={(e: React.MouseEvent) => e.stopPropagation()} data-testid="row-link" sx={{ whiteSpace: 'nowrap' }}>
      {children}
    </MuiLink>
  );
}

/** Saved views in a drawer, opened from the toolbar: a panel beside the list squeezed its columns. */
function SavedViewsButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button label="Saved views" onClick={() => setOpen(true)} aria-haspopup="dialog">
        <ViewListIcon />
      </Button>
      <Drawer anchor="right" open={open} onClose={() => setOpen(false)} slotProps={{ paper: { sx: { width: { xs: '100%', sm: 320 } }, role: 'dialog', 'aria-label': 'Saved views' } }}>
        <SavedViewsAside onApplied={() => setOpen(false)} />
      </Drawer>
    </>
  );
}

/** A value in a small-screen card's second line, as the list would draw it. */
const cardValue = (f: FieldMeta, v: unknown) => (v === null || v === undefined ? `${f.label}: ${NOT_RECORDED}` : f.display === 'yes-no' ? `${f.label}: ${v ? 'Yes' : 'No'}` : String(v));
import { AsOfBar } from '../timetravel/AsOfBar';
import { AuditTabs } from '../audit/AuditTabs';
import { useAsOf } from '../timetravel/as-of';

/** Every resource's list, from its metadata: key columns first, the rest behind the column chooser. */
export function ResourceList() {
  const meta = useResourceMeta();
  const readable = useReadable();
  // Phones get cards (the record's name and its key fields), as react-admin's SimpleList draws them.
  const small = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'));
  const [asOf] = useAsOf(meta?.name ?? '');
  if (!meta) return null;
  const shown = new Set(meta.listFields);
  const fields = [...meta.listFields.map((n) => meta.fields.find((f) => f.name === n)!), ...meta.fields.filter((f) => !shown.has(f.name))].filter(Boolean);
  const filterable = meta.fields.filter((f) => f.input !== 'json' && !f.stamp && f.name !== 'id');
  const actions = (
    // Wraps at every width (the theme's RaTopToolbar): at 600-1,024 px it widened the page.
    <TopToolbar>
      <FilterButton />
      <SelectColumnsButton />
      {meta.actions.includes('create') && <CreateButton />}
      {meta.actions.includes('export') && !asOf && <ExportCsvButton />}
      {meta.actions.includes('create') && !meta.readOnly && <ImportButton meta={meta} />}
      {meta.feature !== 'saved-views' && <SavedViewsButton />}
    </TopToolbar>
  );
  const rowClick = meta.actions.includes('show') ? 'show' : false;
  const bulkActions = [
    meta.actions.includes('edit') && <BulkEditButton key="edit" />,
    meta.actions.includes('delete') && <BulkDeleteButton key="delete" mutationMode="pessimistic" />,
  ].filter(Boolean);
  const first = fields[0];
  const linkFirst = rowClick === 'show' && first && !first.reference;
  const columns = fields.map((f, i) => {
    const field = fieldFor(f, { inList: true, readable });
    if (i !== 0 || !linkFirst) return field;
    return (
      <FirstColumn key={f.name} source={f.name} label={f.label} sortable={f.sortable} resource={meta.name}>
        {field}
      </FirstColumn>
    );
  });
  const filterInputs = [...filtersFor(filterable, readable), ...namedFilterInputs(meta)];
  const keyFields = meta.listFields.slice(1, 4).map((n) => meta.fields.find((f) => f.name === n)).filter((f): f is FieldMeta => !!f && !f.reference);
  return (
    <>
    {meta.area === 'Audit' && <AuditTabs />}
    <AsOfBar resource={meta.name} label={meta.label} />
    {/* empty={false}: an empty list is the list with "No results" and its toolbar (Create, Import),
        not react-admin's half-transparent empty page (2.3:1 contrast). */}
    <List empty={false} queryOptions={asOf ? { meta: { asOf } } : undefined} filters={filterInputs} actions={actions} sort={{ field: 'id', order: 'DESC' }} perPage={25} exporter={false} title={meta.label} pagination={<ListPagination />}>
      <AppliedFilters meta={meta} shown={filterSources(filterInputs)} />
      <BulkEditHost meta={meta}>
      {small ? (
        <SimpleList
          className="record-cards"
          primaryText={(r) => represent(meta.representation, r)}
          secondaryText={(r) => keyFields.map((f) => cardValue(f, r[f.name])).join(' · ')}
          linkType={rowClick === 'show' ? 'show' : false}
        />
      ) : (
        <DatagridConfigurable
          rowClick={rowClick}
          omit={fields.filter((f) => !shown.has(f.name)).map((f) => f.name)}
          bulkActionButtons={bulkActions.length && !asOf ? <>{bulkActions}</> : false}
        >
          {columns}
        </DatagridConfigurable>
      )}
      </BulkEditHost>
    </List>
    </>
  );
}
