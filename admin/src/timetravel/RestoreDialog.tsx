import { Alert, Box, Dialog, DialogActions, DialogContent, DialogTitle, TextField, Typography } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, useNotify } from 'react-admin';
import { DiffTable } from '../audit/DiffTable';
import { useMetaOf } from '../data/use-meta';
import { momentLabel, timeTravel } from './as-of';
import type { RestoreResult, RestoreTarget } from '../../../contract/audit';
import { refusalMessage } from '../data/http';
import { useDialogAction } from '../layout/use-dialog-action';

/** How a version is named to people: by its event and time, or by the moment it is read at. */
function versionName(target: RestoreTarget, occurredAt?: string): string {
  return 'event' in target ? `the version of event #${target.event}${occurredAt ? ` (${new Date(occurredAt).toLocaleString()})` : ''}` : `the version as of ${momentLabel(target.as_of)}`;
}

/**
 * "Restore this version", by event or by moment: the preview first (the server runs every check
 * of the write and rolls it back), then a required reason, then the one audited write.
 */
export function RestoreDialog({ resource, id, target, occurredAt, onClose, onRestored }: { resource: string; id: string | number; target: RestoreTarget; occurredAt?: string; onClose: () => void; onRestored?: () => void }) {
  const meta = useMetaOf(resource);
  const notify = useNotify();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const { busy, run } = useDialogAction(onClose, 'Restore failed');
  const name = versionName(target, occurredAt);
  // A dry run changes nothing, so it follows the console's retry policy (data/query-client.ts) as
  // the undo preview does: a refusal is shown at once, a 5xx or lost connection is asked once more.
  const preview = useQuery({ queryKey: ['restore-preview', resource, String(id), target], queryFn: () => timeTravel.restore(resource, id, target, '', true), gcTime: 0 });
  const refusal = preview.error as { body?: { message?: string }; message?: string } | null;
  const result = preview.data as RestoreResult | undefined;
  const restore = () =>
    run(async () => {
      const done = await timeTravel.restore(resource, id, target, reason, false);
      notify(done.action === 'unchanged' ? 'It already holds this version' : `Restored ${name}`, { type: 'success' });
      for (const key of ['versions', 'history']) await queryClient.invalidateQueries({ queryKey: [key, resource, String(id)] });
      onRestored?.();
    });
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>Restore {name}</DialogTitle>
      <DialogContent>
        {preview.isPending && <Typography>Checking what would change…</Typography>}
        {refusal && <Alert severity="error">{refusalMessage(refusal)}</Alert>}
        {result && (
          <Box data-testid="restore-preview">
            <Typography variant="body2">
              {result.action === 'restored' ? 'The deleted record comes back with its id.' : result.action === 'unchanged' ? 'It already holds this version: nothing would change.' : `${result.changes.length} field${result.changes.length === 1 ? '' : 's'} would change.`}
            </Typography>
            <DiffTable changes={result.changes} meta={meta} />
          </Box>
        )}
        <TextField label="Reason for this restore" value={reason} onChange={(e) => setReason(e.target.value)} fullWidth required sx={{ mt: 2 }} />
      </DialogContent>
      <DialogActions>
        <Button label="Cancel" onClick={onClose} />
        <Button label="Restore" variant="contained" onClick={restore} disabled={busy || !result || result.action === 'unchanged' || !reason.trim()} />
      </DialogActions>
    </Dialog>
  );
}
