import { Box, Typography } from '@mui/material';
import AddIcon from '@mui/icons-material/Add';
import { Button, Datagrid, DeleteButton, EditButton, Labeled, Pagination, ReferenceManyField, Show, TabbedShowLayout, TabbedShowLayoutTabs, TopToolbar, useNotify, useRecordContext } from 'react-admin';
import { Link } from 'react-router-dom';
import { HistoryPanel } from '../audit/HistoryPanel';
import { AccessedByPanel } from '../audit/AccessedByPanel';
import { DocumentActions, DocumentsPanel } from '../documents/DocumentsPanel';
import { SectionDocument } from '../documents/SectionDocument';
import type { DocumentRecord } from '../documents/document-files';
import type { ResourceMeta } from '../data/meta';
import { useMetaOf, useReadable, useResourceMeta } from '../data/use-meta';
import { fieldFor } from '../fields/field-registry';
import { SetPasswordButton } from '../auth/SetPasswordButton';
import { Title, useMissingRecord } from './ResourceEdit';
import { AsOfBar } from '../timetravel/AsOfBar';
import { AsOfLinks } from '../timetravel/AsOfLinks';
import { VersionsPanel } from '../timetravel/VersionsPanel';
import { useAsOf } from '../timetravel/as-of';
import { RestoreShownButton, ShowsAsOf, ShowsNow } from '../timetravel/AsOfTabs';
import { useFeature } from '../data/features';

function Sections({ meta }: { meta: ResourceMeta }) {
  const readable = useReadable();
  const record = useRecordContext();
  const placed = new Set(meta.sections.flatMap((s) => s.fields));
  const rest = meta.fields.filter((f) => !placed.has(f.name)).map((f) => f.name);
  const groups = [...meta.sections, ...(rest.length ? [{ title: meta.sections.length ? 'Record' : '', fields: rest, document: null }] : [])];
  return (
    <Box>
      {groups.map((g) => (
        <Box key={g.title || 'fields'} sx={{ mb: 2 }}>
          {g.title && (
            <Typography variant="subtitle1" sx={{ fontWeight: 600, mb: 1 }}>
              {g.title}
            </Typography>
          )}
          <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr 1fr' }, gap: 1 }}>
            {g.fields.map((n) => meta.fields.find((f) => f.name === n)).filter((f) => f !== undefined).map((f) => (
              <Labeled key={f.name} label={f.label}>
                {fieldFor(f, { readable })}
              </Labeled>
            ))}
          </Box>
          {g.document && record && <SectionDocument resource={meta.name} id={record.id} type={g.document} />}
        </Box>
      ))}
    </Box>
  );
}

/** Records of another resource pointing here; join tables get Add and Remove (edited from the parent). */
function Related({ child, field, keyField, parent }: { child: string; field: string; keyField: string; parent: ResourceMeta }) {
  const meta = useMetaOf(child);
  const record = useRecordContext();
  const readable = useReadable();
  // As of the parent's moment: the children as they stood then, opened at that moment too.
  const [asOf] = useAsOf(parent.name);
  const [, setChildAsOf] = useAsOf(child);
  if (!meta || !record) return null;
  const joined = meta.editedFrom.includes(field) && !asOf;
  const open = (id: unknown) => {
    setChildAsOf(asOf);
    return `/${child}/${id}/show`;
  };
  const columns = meta.listFields.filter((n) => n !== field).map((n) => meta.fields.find((f) => f.name === n)!).filter(Boolean);
  const back = `/${parent.name}/${record.id}/show/related`;
  return (
    <Box sx={{ mb: 3 }} data-testid={`related-${child}`}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography variant="subtitle1" sx={{ fontWeight: 600 }}>
          {meta.label}
        </Typography>
        {meta.actions.includes('create') && !asOf && (
          <Button
            component={Link}
            to={`/${child}/create?source=${encodeURIComponent(JSON.stringify({ [field]: record[keyField] }))}&redirect=${encodeURIComponent(back)}`}
            label={joined ? 'Add' : 'New'}
          >
            <AddIcon />
          </Button>
        )}
      </Box>
      <ReferenceManyField reference={child} target={field} source={keyField} perPage={10} pagination={<Pagination />} sort={{ field: 'id', order: 'DESC' }} queryOptions={asOf ? { meta: { asOf } } : undefined}>
        <Datagrid rowClick={meta.editedFrom.includes(field) && !asOf ? false : asOf ? open : 'show'} bulkActionButtons={false} empty={<Typography variant="body2">None</Typography>}>
          {columns.map((f) => fieldFor(f, { inList: true, readable }))}
          {joined && meta.actions.includes('delete') && <DeleteButton mutationMode="pessimistic" redirect={false} label="Remove" />}
        </Datagrid>
      </ReferenceManyField>
    </Box>
  );
}

/** A document's own page previews and downloads it. */
function OwnFile() {
  const record = useRecordContext<DocumentRecord>();
  return record ? <DocumentActions doc={record} /> : null;
}

function ShowActions({ meta }: { meta: ResourceMeta }) {
  const [asOf] = useAsOf(meta.name);
  // A past version is read only: it can be restored (preview, reason), not edited.
  if (asOf) return <TopToolbar>{meta.actions.includes('edit') && !meta.readOnly && <RestoreShownButton resource={meta.name} />}</TopToolbar>;
  return (
    <TopToolbar>
      {meta.feature === 'documents' && <OwnFile />}
      {meta.tools.includes('password') && <SetPasswordButton />}
      {meta.actions.includes('edit') && <EditButton />}
      {meta.actions.includes('delete') && <DeleteButton mutationMode="pessimistic" />}
    </TopToolbar>
  );
}

/** The resource whose rows describe documents; every other record can have documents attached. */

function Documents({ meta }: { meta: ResourceMeta }) {
  const record = useRecordContext();
  // The first document type a section declares is what a drop here most likely is.
  const type = meta.sections.find((s) => s.document)?.document ?? 'Other';
  const [asOf] = useAsOf(meta.name);
  return record ? <DocumentsPanel resource={meta.name} id={record.id} defaultType={type} asOf={asOf} /> : null;
}

function History({ meta }: { meta: ResourceMeta }) {
  const record = useRecordContext();
  const [asOf] = useAsOf(meta.name);
  return record ? <HistoryPanel resource={meta.name} id={record.id} asOf={asOf} /> : null;
}

function Versions({ meta }: { meta: ResourceMeta }) {
  const record = useRecordContext();
  return record ? <VersionsPanel resource={meta.name} id={record.id} /> : null;
}

function AccessedBy({ meta }: { meta: ResourceMeta }) {
  const record = useRecordContext();
  return record ? <AccessedByPanel resource={meta.name} id={record.id} /> : null;
}

/** Show page: readable sections, related records (join tables editable here), Documents, History and Accessed by. */
export function ResourceShow() {
  const meta = useResourceMeta();
  const documentsMeta = useFeature('documents');
  const accessLogMeta = useFeature('access-log');
  const onMissing = useMissingRecord(meta);
  const [asOf, setAsOf] = useAsOf(meta?.name ?? '');
  const notify = useNotify();
  // As of a moment the record did not exist: say so and come back to now.
  const onPastMissing = () => {
    notify(`${meta?.singular ?? 'Record'} did not exist then (or you may not see it)`, { type: 'warning' });
    setAsOf(null);
  };
  if (!meta) return null;
  // The server leaves stamp columns (created_by…) out of referencedBy: no "records this user created" tab.
  const related = meta.referencedBy;
  const documents = !!documentsMeta && meta.feature !== 'documents' && !meta.readOnly;
  // Who has seen the record: for access-logged resources, to those who may read the access log.
  const accessedBy = meta.accessLogged && !!accessLogMeta?.actions.includes('list');
  return (
    <Show actions={<ShowActions meta={meta} />} queryOptions={asOf ? { onError: onPastMissing, meta: { asOf } } : { onError: onMissing }} title={<Title template={meta.representation} label={meta.singular} />}>
      <Box sx={{ px: 2 }}>
        <AsOfBar resource={meta.name} label={meta.singular} />
      </Box>
      <TabbedShowLayout tabs={<TabbedShowLayoutTabs variant="scrollable" scrollButtons="auto" allowScrollButtonsMobile />}>
        <TabbedShowLayout.Tab label="Details">
          <AsOfLinks meta={meta} />
          {meta.fields.some((f) => f.reference) && <ShowsNow resource={meta.name} what="The names of linked records (open a linked record to read it as of a moment)" />}
          <Sections meta={meta} />
        </TabbedShowLayout.Tab>
        {[
          related.length > 0 && {
            label: 'Related',
            path: 'related',
            body: [<ShowsAsOf key="as-of" resource={meta.name} what="Related records as they stood" />, ...related.map((r) => <Related key={`${r.resource}.${r.field}`} child={r.resource} field={r.field} keyField={r.key} parent={meta} />)],
          },
          documents && { label: 'Documents', path: 'documents', body: [<ShowsAsOf key="as-of" resource={meta.name} what="Documents attached (each file's content is the one stored now)" />, <Documents key="documents" meta={meta} />] },
          { label: 'History', path: 'history', body: <History meta={meta} /> },
          !meta.readOnly && { label: 'Versions', path: 'versions', body: <Versions meta={meta} /> },
          accessedBy && { label: 'Accessed by', path: 'accessed-by', body: [<ShowsNow key="now" resource={meta.name} what="Every recorded read of this record, up to now" />, <AccessedBy key="accessed-by" meta={meta} />] },
        ]
          .filter((t) => !!t)
          .map((t) => (
            <TabbedShowLayout.Tab key={t.path} label={t.label} path={t.path}>
              {t.body}
            </TabbedShowLayout.Tab>
          ))}
      </TabbedShowLayout>
    </Show>
  );
}
