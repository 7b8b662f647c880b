import { Alert, Box, Chip, Stack, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { API, httpClient } from '../data/http';
import { EvidenceButton } from './EvidenceButton';
import { Headings } from '../layout/Headings';

/** One read of the record (server/http/access.controller.ts). */
interface RecordAccess {
  id: number;
  user_id: number;
  user_name: string | null;
  action: 'show' | 'list' | 'export' | 'download' | 'history';
  occurred_at: string;
  client_address: string | null;
  records: number;
  filter: Record<string, unknown> | null;
}

const HOW: Record<RecordAccess['action'], string> = {
  show: 'opened the record',
  list: 'saw it in a list',
  export: 'exported it',
  download: 'downloaded a document of it',
  history: 'viewed its history',
};

/** "Accessed by": who read this record, when and how, newest first (for a parent's request). */
export function AccessedByPanel({ resource, id }: { resource: string; id: string | number }) {
  const { data, isPending, error } = useQuery({
    queryKey: ['accesses', resource, String(id)],
    queryFn: () => httpClient(`${API}/${resource}/${encodeURIComponent(id)}/accesses`).then(({ json }) => json as RecordAccess[]),
  });
  if (isPending) return <Typography>Loading the record of access…</Typography>;
  if (error) return <Alert severity="error">{(error as Error).message}</Alert>;
  return (
    <Box data-testid="accessed-by">
      <Stack direction="row" sx={{ alignItems: 'center', mb: 1 }}>
        <Typography variant="body2" color="text.secondary" sx={{ flex: 1 }}>
          Every read of this record by a person, as recorded before it was answered.
        </Typography>
        <EvidenceButton resource={resource} id={id} />
      </Stack>
      {data!.length === 0 ? (
        <Typography>Nobody has read this record yet.</Typography>
      ) : (
        <Table size="small">
          <Headings cells={['When', 'Who', 'How', 'From']} />
          <TableBody>
            {data!.map((a) => (
              <TableRow key={a.id} data-testid="access-row">
                <TableCell>{new Date(a.occurred_at).toLocaleString()}</TableCell>
                <TableCell>{a.user_name ?? `user #${a.user_id}`}</TableCell>
                <TableCell>
                  <Chip size="small" label={a.action} sx={{ mr: 1 }} />
                  {HOW[a.action]}
                  {a.records > 1 && ` (with ${a.records - 1} other records)`}
                  {a.filter && (
                    <Typography component="span" variant="caption" color="text.secondary" sx={{ ml: 1 }}>
                      filter {JSON.stringify(a.filter)}
                    </Typography>
                  )}
                </TableCell>
                <TableCell>{a.client_address ?? ''}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
