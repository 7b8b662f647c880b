import { AppliedFilters, filterSources } from '../resources/AppliedFilters';
import { Box, Link as MuiLink, Typography } from '@mui/material';
import {
  AutocompleteInput,
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
} from 'react-admin';
import { Link, useParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import type { AppDataProvider } from '../data/data-provider';
import type { AuditEvent } from '../../../contract/audit';
import { represent } from '../data/meta';
import { usePerms } from '../data/use-meta';
import { AuditTabs } from './AuditTabs';
import { changesOf, RecordLink, type Row } from './audit-rows';
import { DiffTable } from './DiffTable';
import { HistoryPanel } from './HistoryPanel';
import { useActors, useFeature } from '../data/features';
import { filterKey } from '../../../contract/filters';

/** Choices by their label, as people look for them (the metadata lists them in declaration order). */
const byName = <T extends { name: string }>(choices: T[]) => [...choices].sort((a, b) => a.name.localeCompare(b.name));

/** The whole audit trail for supervisors: filters, per-row diffs, links to records and change sets. */
export function AuditBrowser() {
  const perms = usePerms();
  const trail = useFeature('audit-trail');
  const users = useActors();
  const tables = byName((perms?.resources ?? []).filter((r) => r !== trail).map((r) => ({ id: r.name, name: r.label })));
  const filters = [
    <SelectInput key="t" source="table_name" label="Table" choices={tables} alwaysOn />,
    <SelectInput key="a" source="action" label="Action" choices={['INSERT', 'UPDATE', 'DELETE'].map((a) => ({ id: a, name: a }))} alwaysOn />,
    users ? (
      // By name, and wide enough for a whole name (the default width cut them off).
      <ReferenceInput key="u" source="user_id" reference={users.name} label="User" sort={{ field: 'first_name', order: 'ASC' }} perPage={50} alwaysOn>
        <AutocompleteInput label="User" sx={{ minWidth: 300 }} optionText={(u: Record<string, unknown>) => represent(users.representation, u)} filterToQuery={(q: string) => ({ q })} />
      </ReferenceInput>
    ) : (
      <NumberInput key="u" source="user_id" label="User id" />
    ),
    <DateInput key="from" source={filterKey('occurred_at', 'gte')} label="From" alwaysOn />,
    <DateInput key="to" source={filterKey('occurred_at', 'lte')} label="To" />,
    <NumberInput key="rid" source="record_pk" label="Record id" parse={(v: number | null) => (v ? { id: v } : undefined)} format={(v: { id?: number } | undefined) => v?.id ?? ''} />,
    <NumberInput key="tx" source="txid" label="Change set" />,
    <TextInput key="r" source={filterKey('reason', 'like')} label="Reason" />,
  ];
  return (
    <>
      <AuditTabs />
      {/* Newest first by time, as the "When" column reads (ties by id): index-served with a table and day filter, which id order is not. */}
      <List resource={trail?.name} filters={filters} sort={{ field: 'occurred_at', order: 'DESC' }} perPage={25} exporter={false} title="Audit trail">
        <AppliedFilters meta={trail} shown={filterSources(filters)} />
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
          {/* The change set's own page holds its events, its reason and author, and its one Undo. */}
          <FunctionField
            label="Change set"
            render={(r: Row) => (
              <MuiLink component={Link} to={`/change-sets/${r.txid}`} onClick={(e: React.MouseEvent) => e.stopPropagation()} aria-label={`Change set ${r.txid}`}>
                {r.txid}
              </MuiLink>
            )}
          />
        </Datagrid>
      </List>
    </>
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
