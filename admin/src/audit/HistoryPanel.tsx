import { Alert, Box, Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import UndoIcon from '@mui/icons-material/Undo';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Confirm, useDataProvider, useNotify, useRefresh } from 'react-admin';
import { useNavigate } from 'react-router-dom';
import type { AppDataProvider, AuditEvent } from '../data/data-provider';
import { momentLabel, momentMs, useAsOf } from '../timetravel/as-of';
import { useCan, useMetaOf } from '../data/use-meta';
import { DiffTable } from './DiffTable';

interface Conflict {
  field: string;
  before: unknown;
  after: unknown;
  now: unknown;
}

/** Where the version an event produced is read (server/audit/versions.ts); null: the event deleted the record. */
type Linked = AuditEvent & { version?: { as_of: string | null; record: string | null; compare: string } };

/**
 * A record's events, newest first, each with its diff, links to the version it produced (viewed as
 * of its moment, or compared with now) and (for audit.revert) an Undo. `asOf`: the moment the page
 * shows; the events after it are marked.
 */
export function HistoryPanel({ resource, id, asOf = null }: { resource: string; id: string | number; asOf?: string | null }) {
  const navigate = useNavigate();
  const [, setAsOf] = useAsOf(resource);
  const after = (e: AuditEvent) => asOf !== null && new Date(e.occurred_at).getTime() > momentMs(asOf);
  const page = `/${resource}/${encodeURIComponent(String(id))}/show`;
  const viewVersion = (e: Linked) => {
    setAsOf(e.version!.as_of);
    navigate(page);
  };
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
  const { data: events, isPending, error } = useQuery({ queryKey: ['history', resource, String(id)], queryFn: () => dataProvider.getHistory(resource, id) as Promise<Linked[]> });

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
      {asOf && (
        <Alert severity="info" sx={{ mb: 2 }} data-testid="history-as-of">
          The whole history up to now: the events after {momentLabel(asOf)}, the moment shown, are marked.
        </Alert>
      )}
      {events!.length === 0 && <Typography>No recorded changes.</Typography>}
      <Stack spacing={1.5}>
        {events!.map((e) => (
          <Card key={e.id} variant="outlined" data-testid="history-event" data-after={after(e) ? 'true' : undefined} sx={after(e) ? { opacity: 0.7, borderStyle: 'dashed' } : undefined}>
            <CardContent>
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
                <Chip size="small" label={e.action} color={e.action === 'DELETE' ? 'error' : e.action === 'INSERT' ? 'success' : 'default'} />
                {after(e) && <Chip size="small" variant="outlined" label="after the moment shown" />}
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
                {e.version?.as_of && <Button label="View this version" onClick={() => viewVersion(e)} />}
                {e.version && !meta?.readOnly && <Button label="Compare with now" onClick={() => navigate(`${page}/versions?compare=${e.id}`)} />}
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
