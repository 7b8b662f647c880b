import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { previewMatrix, saveMatrix, type MatrixDiff } from './matrix-api';
import type { CellChange } from '../../../contract/permission-matrix';
import { refusalMessage } from '../data/http';


interface Props {
  open: boolean;
  version: string;
  changes: CellChange[];
  onClose: () => void;
  onSaved: (saved: MatrixDiff) => void;
}

/**
 * Before anything is saved: who gains and who loses what, and how many active users that reaches
 * (the server made the writes and rolled them back, so a refusal shows here). Saved with a reason
 * as one change set.
 */
export function MatrixPreviewDialog({ open, version, changes, onClose, onSaved }: Props) {
  const [preview, setPreview] = useState<MatrixDiff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (!open) return;
    setPreview(null);
    setError(null);
    previewMatrix(version, changes).then(setPreview, (e) => setError(refusalMessage(e, 'The server refused the change')));
    // The changes are fixed while the dialog is open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  const save = async () => {
    setSaving(true);
    try {
      onSaved(await saveMatrix(version, changes, reason.trim()));
      setReason('');
    } catch (e) {
      setError(refusalMessage(e, 'The server refused the change'));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Dialog open={open} onClose={onClose} maxWidth="md" fullWidth aria-labelledby="matrix-preview-title">
      <DialogTitle id="matrix-preview-title">Review permission changes</DialogTitle>
      <DialogContent>
        {error && (
          <Alert severity="error" sx={{ mb: 2 }}>
            {error}
          </Alert>
        )}
        {!preview && !error && <Typography>Checking the changes…</Typography>}
        {preview && (
          <>
            <Typography data-testid="matrix-preview-summary" sx={{ mb: 2 }}>
              {preview.cells} permission {preview.cells === 1 ? 'change' : 'changes'} for {preview.roles.length} {preview.roles.length === 1 ? 'role' : 'roles'}, reaching{' '}
              {preview.activeUsers} active {preview.activeUsers === 1 ? 'user' : 'users'} at their next request.
            </Typography>
            {preview.roles.map((r) => (
              <Box key={r.role} component="section" aria-label={r.label} data-role={r.role} sx={{ mb: 2 }}>
                <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
                  {r.label} ({r.activeUsers} active {r.activeUsers === 1 ? 'user' : 'users'})
                </Typography>
                <EffectList title="Gains" effects={r.gains} />
                <EffectList title="Loses" effects={r.losses} />
              </Box>
            ))}
            <TextField
              required
              fullWidth
              label="Reason for this change"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              helperText="Recorded with the change set in the audit trail"
              slotProps={{ htmlInput: { maxLength: 500 } }}
            />
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Back to editing</Button>
        <Button variant="contained" disabled={!preview || !reason.trim() || saving} onClick={save}>
          Save change set
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function EffectList({ title, effects }: { title: string; effects: MatrixDiff['roles'][number]['gains'] }) {
  if (effects.length === 0) return null;
  return (
    <Box>
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        {title}
      </Typography>
      <ul style={{ marginTop: 0 }}>
        {effects.map((p) => (
          <li key={p.name}>
            {p.table}: {p.words}
          </li>
        ))}
      </ul>
    </Box>
  );
}
