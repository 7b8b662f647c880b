import { Alert, Box, Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import UndoIcon from '@mui/icons-material/Undo';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, useDataProvider } from 'react-admin';
import { useNavigate } from 'react-router-dom';
import type { AppDataProvider } from '../data/data-provider';
import type { AuditEvent, VersionLink } from '../../../contract/audit';
import { momentLabel, momentMs, useAsOf } from '../timetravel/as-of';
import { useCan, useMetaOf } from '../data/use-meta';
import { DiffTable } from './DiffTable';
import { undoes } from './undo';
import { UndoDialog } from './UndoDialog';

/** Where the version an event produced is read (server/audit/versions.ts); null: the event deleted the record. */
type Linked = AuditEvent & { version?: VersionLink };

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
  const canRevert = useCan('audit.revert');
  const meta = useMetaOf(resource);
  // Undoing is writing: an UPDATE is undone by an edit, an INSERT by a delete, a DELETE by a create.
  const mayUndo = (e: AuditEvent) => canRevert && !!meta?.actions.includes({ UPDATE: 'edit', INSERT: 'delete', DELETE: 'create' }[e.action]);
  const [pending, setPending] = useState<AuditEvent | null>(null);
  const { data: events, isPending, error } = useQuery({ queryKey: ['history', resource, String(id)], queryFn: () => dataProvider.getHistory(resource, id) as Promise<Linked[]> });
  // An event a later one undid (the server links each undo to what it undid) offers no Undo: it says which change set undid it.
  const undoneBy = (e: AuditEvent) => events?.find((later) => later.id > e.id && undoes(later, e));

  if (isPending) return <Typography>Loading history…</Typography>;
  if (error) return <Alert severity="error">{(error as Error).message}</Alert>;
  return (
    <Box data-testid="history">
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
