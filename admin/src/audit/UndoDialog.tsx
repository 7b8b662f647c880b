import { Alert, Button as MuiButton, Dialog, DialogActions, DialogContent, DialogTitle, Link as MuiLink, Stack, Typography } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useDataProvider, useNotify } from 'react-admin';
import { Link } from 'react-router-dom';
import type { AppDataProvider } from '../data/data-provider';
import { useMetaOf } from '../data/use-meta';
import { DiffTable } from './DiffTable';
import type { UndoTarget } from './undo';
import type { UndoPreview } from '../../../contract/audit';
import { refusalMessage } from '../data/http';
import { useDialogAction } from '../layout/use-dialog-action';

const name = (t: UndoTarget) => (t.kind === 'event' ? `event #${t.id}` : `change set ${t.id}`);

/** The preview of an undo, shared by the dialog and the buttons that decide whether to offer it. */
export function useUndoPreview(target: UndoTarget | null) {
  const dataProvider = useDataProvider<AppDataProvider>();
  // The console's retry policy (data/query-client.ts): a refusal is shown at once, a 5xx or a lost
  // connection is asked once more, so a moment's overload does not leave the set without its Undo.
  return useQuery({ queryKey: ['undo-preview', target?.kind, target?.id], queryFn: () => dataProvider.previewUndo(target!), enabled: target !== null });
}

/** One record's part of the undo: what it would set back, or that it would be deleted or put back. */
function RecordChange({ change }: { change: UndoPreview['changes'][number] }) {
  const meta = useMetaOf(change.resource);
  const label = `${meta?.singular ?? change.resource} #${change.id}`;
  const what = { updated: 'set back', deleted: 'deleted (the event created it)', restored: 'put back (the event deleted it)', unchanged: 'left as it is' }[change.action];
  return (
    <div data-testid="undo-change" data-action={change.action}>
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        {label}: {what}
      </Typography>
      {change.changes && change.changes.length > 0 && <DiffTable meta={meta} headings={['Now', 'After the undo']} changes={change.changes.map((c) => ({ field: c.field, before: c.now, after: c.to }))} />}
    </div>
  );
}

/** Why the undo cannot be done, in words: a conflict (with the fields changed since), a missing permission. */
export function UndoProblems({ preview }: { preview: UndoPreview }) {
  return (
    <Stack spacing={1} data-testid="undo-problems">
      {preview.undone_by && (
        <Alert severity="info">
          Already undone, in <MuiLink component={Link} to={`/change-sets/${preview.undone_by.change_set}`}>change set {preview.undone_by.change_set}</MuiLink> ({new Date(preview.undone_by.occurred_at).toLocaleString()}).
        </Alert>
      )}
      {preview.missing_permissions.length > 0 && <Alert severity="warning">Undoing this needs the {preview.missing_permissions.join(', ')} permission{preview.missing_permissions.length > 1 ? 's' : ''}, which you do not hold.</Alert>}
      {preview.problems
        .filter((p) => p.kind !== 'permission' && !(preview.undone_by && p.kind === 'conflict'))
        .map((p) => (
          <ProblemText key={`${p.event_id}-${p.kind}`} problem={p} />
        ))}
    </Stack>
  );
}

function ProblemText({ problem }: { problem: UndoPreview['problems'][number] }) {
  const meta = useMetaOf(problem.resource);
  return (
    <Alert severity="warning" data-testid="undo-conflict">
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        {problem.message}
      </Typography>
      {problem.conflicts && problem.conflicts.length > 0 && <DiffTable meta={meta} headings={['The event wrote', 'Now']} changes={problem.conflicts.map((c) => ({ field: c.field, before: c.after, after: c.now }))} />}
    </Alert>
  );
}

/**
 * Undo with its preview: the dialog shows what the undo would change and what would block it
 * before anything is written, and offers the undo only when it can succeed.
 */
export function UndoDialog({ target, onClose, onDone }: { target: UndoTarget | null; onClose: () => void; onDone?: () => void }) {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const { busy, run: act } = useDialogAction(onClose, 'Undo failed');
  const { data: preview, error, isPending } = useUndoPreview(target);
  const run = () =>
    act(async () => {
      const res = await dataProvider.undo(target!);
      notify(target!.kind === 'event' ? `Undid event #${target!.id}` : `Undid change set ${target!.id} (${res.reverted.length} events)`, { type: 'success' });
      await queryClient.invalidateQueries({ queryKey: ['undo-preview'] });
      await queryClient.invalidateQueries({ queryKey: ['history'] });
      onDone?.();
    });
  if (!target) return null;
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth aria-labelledby="undo-title">
      <DialogTitle id="undo-title">Undo {name(target)}?</DialogTitle>
      <DialogContent data-testid="undo-preview">
        {isPending && <Typography>Checking what the undo would do…</Typography>}
        {error && <Alert severity="error">{refusalMessage(error)}</Alert>}
        {preview && (
          <Stack spacing={2}>
            <UndoProblems preview={preview} />
            {preview.can_undo && (
              <>
                <Typography variant="body2">The undo is recorded as a new change set. It would change:</Typography>
                {preview.changes.map((c) => (
                  <RecordChange key={`${c.event_id}`} change={c} />
                ))}
              </>
            )}
          </Stack>
        )}
      </DialogContent>
      <DialogActions>
        <MuiButton onClick={onClose}>Cancel</MuiButton>
        {preview?.can_undo && (
          <MuiButton variant="contained" onClick={run} disabled={busy}>
            Undo {name(target)}
          </MuiButton>
        )}
      </DialogActions>
    </Dialog>
  );
}
