import { Alert, Box, Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import UndoIcon from '@mui/icons-material/Undo';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Confirm, useDataProvider, useNotify, useRefresh } from 'react-admin';
import type { AppDataProvider, AuditEvent } from '../data/data-provider';
import { useCan, useMetaOf } from '../data/use-meta';
import { DiffTable } from './DiffTable';

interface Conflict {
  field: string;
  before: unknown;
  after: unknown;
  now: unknown;
}

/** A record's events, newest first, each with its diff and (for audit.revert) an Undo. */
export function HistoryPanel({ resource, id }: { resource: string; id: string | number }) {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const refresh = useRefresh();
  const canRevert = useCan('audit.revert');
  const meta = useMetaOf(resource);
  // Undoing is writing: an UPDATE is undone by an edit, an INSERT by a delete, a DELETE by a create.
  const mayUndo = (e: AuditEvent) => canRevert && !!meta?.actions.includes({ UPDATE: 'edit', INSERT: 'delete', DELETE: 'create' }[e.action]);
  const labelOf = (field: string) => meta?.fields.find((f) => f.name === field)?.label ?? field;
  const [pending, setPending] = useState<AuditEvent | null>(null);
  const [conflicts, setConflicts] = useState<{ message: string; conflicts: Conflict[] } | null>(null);
  const { data: events, isPending, error } = useQuery({ queryKey: ['history', resource, String(id)], queryFn: () => dataProvider.getHistory(resource, id) });

  const undo = async () => {
    const event = pending!;
    setPending(null);
    try {
      await dataProvider.revert(event.id);
      notify(`Undid event #${event.id}`, { type: 'success' });
      setConflicts(null);
      await queryClient.invalidateQueries({ queryKey: ['history', resource, String(id)] });
      refresh();
    } catch (e) {
      const err = e as { status?: number; body?: { message?: string; conflicts?: Conflict[] }; message?: string };
      if (err.status === 409) setConflicts({ message: err.body?.message ?? 'The record changed since', conflicts: err.body?.conflicts ?? [] });
      else notify(err.body?.message ?? err.message ?? 'Undo failed', { type: 'error' });
    }
  };

  if (isPending) return <Typography>Loading history…</Typography>;
  if (error) return <Alert severity="error">{(error as Error).message}</Alert>;
  return (
    <Box data-testid="history">
      {conflicts && (
        <Alert severity="warning" sx={{ mb: 2 }} onClose={() => setConflicts(null)} data-testid="undo-conflict">
          <Typography variant="body2" sx={{ fontWeight: 600 }}>
            Cannot undo: {conflicts.message}
          </Typography>
          {conflicts.conflicts.map((c) => (
            <Typography variant="body2" key={c.field}>
              {labelOf(c.field)}: the event changed it from {JSON.stringify(c.before)} to {JSON.stringify(c.after)}, and it is now {JSON.stringify(c.now)}.
            </Typography>
          ))}
        </Alert>
      )}
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
                {mayUndo(e) && (
                  <Button label="Undo" onClick={() => setPending(e)}>
                    <UndoIcon />
                  </Button>
                )}
              </Stack>
              <DiffTable changes={e.changes} meta={meta} />
            </CardContent>
          </Card>
        ))}
      </Stack>
      <Confirm
        isOpen={pending !== null}
        title="Undo this change?"
        content={pending ? `This puts back what event #${pending.id} (${pending.action}) changed, as a new recorded change.` : ''}
        onConfirm={undo}
        onClose={() => setPending(null)}
      />
    </Box>
  );
}
