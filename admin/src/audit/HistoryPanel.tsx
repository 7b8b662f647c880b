import { Alert, Box, Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import UndoIcon from '@mui/icons-material/Undo';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, useDataProvider } from 'react-admin';
import type { AppDataProvider, AuditEvent } from '../data/data-provider';
import { useCan, useMetaOf } from '../data/use-meta';
import { DiffTable } from './DiffTable';
import { undoes } from './undo';
import { UndoDialog } from './UndoDialog';

/** A record's events, newest first, each with its diff and (for audit.revert) an Undo with a preview. */
export function HistoryPanel({ resource, id }: { resource: string; id: string | number }) {
  const dataProvider = useDataProvider<AppDataProvider>();
  const canRevert = useCan('audit.revert');
  const meta = useMetaOf(resource);
  // Undoing is writing: an UPDATE is undone by an edit, an INSERT by a delete, a DELETE by a create.
  const mayUndo = (e: AuditEvent) => canRevert && !!meta?.actions.includes({ UPDATE: 'edit', INSERT: 'delete', DELETE: 'create' }[e.action]);
  const [pending, setPending] = useState<AuditEvent | null>(null);
  const { data: events, isPending, error } = useQuery({ queryKey: ['history', resource, String(id)], queryFn: () => dataProvider.getHistory(resource, id) });
  // An event a later one undid (its reason says so) offers no Undo: it says which change set undid it.
  const undoneBy = (e: AuditEvent) => events?.find((later) => later.id > e.id && undoes(later.reason, e.id, e.change_set));

  if (isPending) return <Typography>Loading history…</Typography>;
  if (error) return <Alert severity="error">{(error as Error).message}</Alert>;
  return (
    <Box data-testid="history">
      {events!.length === 0 && <Typography>No recorded changes.</Typography>}
      <Stack spacing={1.5}>
        {events!.map((e) => (
          <Card key={e.id} variant="outlined" data-testid="history-event">
            <CardContent>
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
                <Chip size="small" label={e.action} color={e.action === 'DELETE' ? 'error' : e.action === 'INSERT' ? 'success' : 'default'} />
                <Typography variant="body2">
                  {new Date(e.occurred_at).toLocaleString()} by {e.user_name ?? 'system'}
                </Typography>
                {e.reason && (
                  <Typography variant="body2" color="text.secondary">
                    — {e.reason}
                  </Typography>
                )}
                <Typography variant="caption" color="text.secondary">
                  event #{e.id} · change set {e.change_set}
                </Typography>
                <Box sx={{ flex: 1 }} />
                {undoneBy(e) ? (
                  <Chip size="small" variant="outlined" label={`Undone in change set ${undoneBy(e)!.change_set}`} />
                ) : (
                  mayUndo(e) && (
                    <Button label="Undo" onClick={() => setPending(e)}>
                      <UndoIcon />
                    </Button>
                  )
                )}
              </Stack>
              <DiffTable changes={e.changes} meta={meta} />
            </CardContent>
          </Card>
        ))}
      </Stack>
      <UndoDialog target={pending ? { kind: 'event', id: pending.id } : null} onClose={() => setPending(null)} />
    </Box>
  );
}
