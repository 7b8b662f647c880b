import { Link, List, ListItem, ListItemText, Typography } from '@mui/material';
import { useGetList, useGetMany } from 'react-admin';
import { represent } from '../data/meta';
import { usePerms } from '../data/use-meta';

const VERB: Record<string, string> = { INSERT: 'created', UPDATE: 'changed', DELETE: 'deleted' };

/**
 * The newest events of a log of record changes (as Django admin's "Recent actions"): who did what
 * to which record, when, linked to the record. The log's fields are read from its metadata.
 */
export function RecentActions({ resource }: { resource: string }) {
  const perms = usePerms();
  const log = perms?.resources.find((r) => r.name === resource);
  const { data, isPending, error } = useGetList(resource, { pagination: { page: 1, perPage: 8 }, sort: { field: 'id', order: 'DESC' } });
  const userField = log?.fields.find((f) => f.reference && f.name === 'user_id');
  const people = userField?.reference && perms?.resources.some((r) => r.name === userField.reference!.resource) ? userField.reference : null;
  const ids = [...new Set((data ?? []).map((e) => e.user_id).filter((v) => v !== null && v !== undefined))];
  const { data: users } = useGetMany(people?.resource ?? '', { ids }, { enabled: !!people && ids.length > 0 });
  if (error) return <Typography color="error">{(error as Error).message}</Typography>;
  if (isPending) return <Typography color="text.secondary">Loading…</Typography>;
  if (!data?.length) return <Typography color="text.secondary">No recorded changes yet.</Typography>;
  return (
    <List dense disablePadding>
      {data.map((event) => {
        const target = perms?.resources.find((r) => r.name === event.table_name);
        const recordId = (event.record_pk as { id?: unknown } | null)?.id;
        const who = users?.find((u) => u.id === event.user_id);
        const name = who && people ? represent(people.representation, who) : event.user_id ? `User #${event.user_id}` : 'The system';
        const what = `${target?.singular ?? event.table_name} #${recordId ?? '?'}`;
        const showable = target?.actions.includes('show') && event.action !== 'DELETE' && recordId !== undefined;
        return (
          <ListItem key={String(event.id)} disableGutters divider>
            <ListItemText
              primary={
                <>
                  {name} {VERB[String(event.action)] ?? String(event.action).toLowerCase()} {showable ? <Link href={`#/${event.table_name}/${recordId}/show`}>{what}</Link> : what}
                </>
              }
              secondary={`${new Date(String(event.occurred_at)).toLocaleString()}${event.reason ? ` — ${event.reason}` : ''}`}
            />
          </ListItem>
        );
      })}
    </List>
  );
}
