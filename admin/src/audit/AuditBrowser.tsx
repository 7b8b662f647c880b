import { Box, Link as MuiLink, Typography } from '@mui/material';
import UndoIcon from '@mui/icons-material/Undo';
import { useState } from 'react';
import {
  AutocompleteInput,
  Button,
  Confirm,
  Datagrid,
  DateField,
  DateInput,
  FunctionField,
  List,
  NumberInput,
  ReferenceField,
  ReferenceInput,
  SelectInput,
  TextField,
  Title,
  TextInput,
  useDataProvider,
  useNotify,
  useRecordContext,
  useRefresh,
} from 'react-admin';
import { Link, useParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import type { AppDataProvider, AuditEvent } from '../data/data-provider';
import { represent } from '../data/meta';
import { useCan, usePerms } from '../data/use-meta';
import { DiffTable } from './DiffTable';
import { HistoryPanel } from './HistoryPanel';
import { useFeature } from '../data/features';

type Row = {
  id: number;
  table_name: string;
  record_pk: { id: number };
  action: string;
  changed_data: Record<string, unknown> | null;
  old_data: Record<string, unknown> | null;
  txid: number;
};

function changesOf(r: Row) {
  const before = r.old_data ?? {};
  const after = r.changed_data ?? {};
  const stamps = new Set(['updated_at', 'updated_by', 'last_modified_at']);
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => (r.action !== 'UPDATE' ? (r.action === 'INSERT' ? after[k] : before[k]) !== null : !stamps.has(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k])))
    .map((field) => ({ field, before: r.action === 'INSERT' ? null : before[field], after: r.action === 'DELETE' ? null : after[field] }));
}

function RecordLink() {
  const r = useRecordContext<Row>();
  const perms = usePerms();
  if (!r) return null;
  const meta = perms?.resources.find((m) => m.name === r.table_name);
  const image = r.changed_data ?? r.old_data ?? {};
  const text = `${meta?.singular ?? r.table_name} ${represent(meta?.representation, { id: r.record_pk.id, ...image })}`;
  if (!meta) return <span>{text}</span>;
  // A deleted record is reached through its history.
  const to = r.action === 'DELETE' ? `/history/${r.table_name}/${r.record_pk.id}` : `/${r.table_name}/${r.record_pk.id}/show`;
  return (
    <MuiLink component={Link} to={to} onClick={(e: React.MouseEvent) => e.stopPropagation()}>
      {text}
    </MuiLink>
  );
}

function UndoChangeSet() {
  const r = useRecordContext<Row>();
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  if (!r) return null;
  const run = async () => {
    setOpen(false);
    try {
      const res = await dataProvider.revertChangeSet(r.txid);
      notify(`Undid change set ${r.txid} (${res.reverted.length} events)`, { type: 'success' });
      refresh();
    } catch (e) {
      const err = e as { body?: { message?: string }; message?: string };
      notify(err.body?.message ?? err.message ?? 'Undo failed', { type: 'error' });
    }
  };
  return (
    <>
      <Button label="Undo change set" onClick={(e) => { e.stopPropagation(); setOpen(true); }}>
        <UndoIcon />
      </Button>
      <Confirm isOpen={open} title={`Undo change set ${r.txid}?`} content="Every event of this change set is undone in one transaction, or none is." onConfirm={run} onClose={() => setOpen(false)} />
    </>
  );
}

/** The whole audit trail for supervisors: filters, per-row diffs, links to records, change sets. */
export function AuditBrowser() {
  const perms = usePerms();
  const canRevert = useCan('audit.revert');
  const trail = useFeature('audit-trail');
  // Who acted: the resource the trail's user_id refers to (the people who sign in).
  const usersName = trail?.fields.find((f) => f.name === 'user_id')?.reference?.resource;
  const users = perms?.resources.find((r) => r.name === usersName);
  const tables = (perms?.resources ?? []).filter((r) => r !== trail).map((r) => ({ id: r.name, name: r.label }));
  const filters = [
    <SelectInput key="t" source="table_name" label="Table" choices={tables} alwaysOn />,
    <SelectInput key="a" source="action" label="Action" choices={['INSERT', 'UPDATE', 'DELETE'].map((a) => ({ id: a, name: a }))} alwaysOn />,
    users ? (
      <ReferenceInput key="u" source="user_id" reference={users.name} label="User" alwaysOn>
        <AutocompleteInput label="User" optionText={(u: Record<string, unknown>) => represent(users.representation, u)} filterToQuery={(q: string) => ({ q })} />
      </ReferenceInput>
    ) : (
      <NumberInput key="u" source="user_id" label="User id" />
    ),
    <DateInput key="from" source="occurred_at_gte" label="From" alwaysOn />,
    <DateInput key="to" source="occurred_at_lte" label="To" />,
    <NumberInput key="rid" source="record_pk" label="Record id" parse={(v: number | null) => (v ? { id: v } : undefined)} format={(v: { id?: number } | undefined) => v?.id ?? ''} />,
    <NumberInput key="tx" source="txid" label="Change set" />,
    <TextInput key="r" source="reason_like" label="Reason" />,
  ];
  return (
    <List resource={trail?.name} filters={filters} sort={{ field: 'id', order: 'DESC' }} perPage={25} exporter={false} title="Audit trail">
      <Datagrid
        bulkActionButtons={false}
        rowClick="expand"
        expand={<FunctionField render={(r: Row) => <DiffTable changes={changesOf(r)} meta={perms?.resources.find((m) => m.name === r.table_name)} />} />}
      >
        <DateField source="occurred_at" label="When" showTime />
        <TextField source="action" />
        <FunctionField label="Record" render={() => <RecordLink />} />
        {users ? (
          <ReferenceField source="user_id" reference={users.name} label="Who" link={false} emptyText="system">
            <FunctionField render={(u: Record<string, unknown>) => represent(users.representation, u)} />
          </ReferenceField>
        ) : (
          <TextField source="user_id" label="Who" />
        )}
        <TextField source="reason" />
        <FunctionField label="Change set" render={(r: Row) => <Box component="span">{r.txid}</Box>} />
        {canRevert && <UndoChangeSet />}
      </Datagrid>
    </List>
  );
}

/** The record as its events last left it (a deleted one: as it was before the delete). */
function lastImage(events: AuditEvent[]): Record<string, unknown> {
  const image: Record<string, unknown> = {};
  for (const e of [...events].sort((a, b) => a.id - b.id)) for (const c of e.changes) image[c.field] = e.action === 'DELETE' ? c.before : c.after;
  return image;
}

/**
 * History of a record that may no longer exist (reached from the audit browser), titled by what the
 * record was called (its representation, from its own events), like its show page would be.
 */
export function RecordHistoryPage() {
  const { resource, id } = useParams();
  const meta = usePerms()?.resources.find((r) => r.name === resource);
  const dataProvider = useDataProvider<AppDataProvider>();
  // The panel below runs the same query: one request serves both.
  const { data: events } = useQuery({ queryKey: ['history', resource, String(id)], queryFn: () => dataProvider.getHistory(resource!, id!) });
  const name = events?.length ? represent(meta?.representation, { id, ...lastImage(events) }) : `#${id}`;
  const title = `History of ${meta?.singular ?? resource} ${name}`;
  return (
    <Box sx={{ p: 2 }}>
      <Title title={title} />
      <Typography variant="h6" component="h1" sx={{ mb: 2 }}>
        {title}
      </Typography>
      <HistoryPanel resource={resource!} id={id!} />
    </Box>
  );
}
