import UndoIcon from '@mui/icons-material/Undo';
import { Alert, Box, Button, Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import { useState } from 'react';
import { FunctionField, RecordContextProvider, ReferenceField, Title, useGetList } from 'react-admin';
import { useParams } from 'react-router-dom';
import { represent } from '../data/meta';
import { useCan, usePerms } from '../data/use-meta';
import { changesOf, RecordLink, type Row } from './audit-rows';
import { DiffTable } from './DiffTable';
import { UndoDialog, UndoProblems, useUndoPreview } from './UndoDialog';
import { useActors, useFeatureName } from '../data/features';
import { refusalMessage } from '../data/http';

/** Events shown on the page; a larger change set (a bulk edit) says how many more it holds. */
const SHOWN = 200;

/** Who made the change set, by their representation where users may be read. */
function Author({ event }: { event: Row }) {
  const users = useActors();
  if (event.user_id === null) return <>the system</>;
  if (!users) return <>user #{event.user_id}</>;
  return (
    <RecordContextProvider value={event}>
      <ReferenceField source="user_id" reference={users.name} link={false}>
        <FunctionField render={(u: Record<string, unknown>) => represent(users.representation, u)} />
      </ReferenceField>
    </RecordContextProvider>
  );
}

/**
 * The undo of the whole set, offered only when its preview says it can succeed. A set too large
 * to preview on every visit (a bulk edit of thousands of rows) is previewed on request.
 */
function UndoSection({ txid, large }: { txid: number; large: boolean }) {
  const [open, setOpen] = useState(false);
  const [asked, setAsked] = useState(!large);
  const { data: preview, error } = useUndoPreview(asked ? { kind: 'change-set', id: txid } : null);
  if (!asked) return <Button variant="outlined" startIcon={<UndoIcon />} onClick={() => setAsked(true)}>Check whether this change set can be undone</Button>;
  if (error) return <Alert severity="error">{refusalMessage(error)}</Alert>;
  if (!preview) return <Typography variant="body2">Checking whether this change set can be undone…</Typography>;
  return (
    <Box data-testid="change-set-undo">
      {preview.can_undo ? (
        <Button variant="outlined" startIcon={<UndoIcon />} onClick={() => setOpen(true)}>
          Undo change set
        </Button>
      ) : (
        <UndoProblems preview={preview} />
      )}
      <UndoDialog target={open ? { kind: 'change-set', id: txid } : null} onClose={() => setOpen(false)} />
    </Box>
  );
}

/** One change set (one transaction): its events with their diffs, its reason and author, and one Undo. */
export function ChangeSetPage() {
  const txid = Number(useParams().txid);
  const perms = usePerms();
  const mayUndo = useCan('audit.revert');
  const { data: events, total, isPending, error } = useGetList<Row>(useFeatureName('audit-trail') ?? '', { filter: { txid }, sort: { field: 'id', order: 'ASC' }, pagination: { page: 1, perPage: SHOWN } });
  const title = `Change set ${Number.isSafeInteger(txid) ? txid : '?'}`;
  const first = events?.[0];
  return (
    <Box sx={{ p: 2 }} data-testid="change-set">
      <Title title={title} />
      <Typography variant="h6" component="h1">
        {title}
      </Typography>
      {isPending && <Typography>Loading the change set…</Typography>}
      {error && <Alert severity="error">{(error as Error).message}</Alert>}
      {events && events.length === 0 && <Alert severity="info">No events of this change set that you may see.</Alert>}
      {first && (
        <Stack spacing={2} sx={{ mt: 1 }}>
          <Typography variant="body2" data-testid="change-set-summary">
            {total ?? events!.length} event{(total ?? events!.length) === 1 ? '' : 's'}, {new Date(first.occurred_at).toLocaleString()} by <Author event={first} />
            {first.reason ? ` — ${first.reason}` : ' — no reason given'}
          </Typography>
          {mayUndo && <UndoSection txid={txid} large={(total ?? 0) > SHOWN} />}
          {(total ?? 0) > SHOWN && <Alert severity="info">The first {SHOWN} of {total} events are shown; the undo covers all of them.</Alert>}
          <Stack spacing={1.5} component="ol" sx={{ listStyle: 'none', p: 0, m: 0 }}>
            {events!.map((e) => (
              <Card key={e.id} component="li" variant="outlined" data-testid="change-set-event">
                <CardContent>
                  <RecordContextProvider value={e}>
                    <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
                      <Chip size="small" label={e.action} color={e.action === 'DELETE' ? 'error' : e.action === 'INSERT' ? 'success' : 'default'} />
                      <RecordLink />
                      <Typography variant="caption" color="text.secondary">
                        event #{e.id}
                      </Typography>
                    </Stack>
                  </RecordContextProvider>
                  <DiffTable changes={changesOf(e)} meta={perms?.resources.find((m) => m.name === e.table_name)} />
                </CardContent>
              </Card>
            ))}
          </Stack>
        </Stack>
      )}
    </Box>
  );
}
