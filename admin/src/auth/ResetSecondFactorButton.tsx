import PhonelinkEraseIcon from '@mui/icons-material/PhonelinkErase';
import { Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField } from '@mui/material';
import { useState } from 'react';
import { Button, useNotify, useRecordContext } from 'react-admin';
import { API, httpClient, refusalMessage } from '../data/http';
import { represent } from '../data/meta';
import { useCan, useMetaOf } from '../data/use-meta';

/**
 * "Reset second factor" on a user's page, for permission.manage: for a lost phone. The reason is
 * required and recorded in the audit trail; the user's sessions end and they enrol again.
 */
export function ResetSecondFactorButton({ users }: { users: string }) {
  const record = useRecordContext();
  const meta = useMetaOf(users);
  const mayManage = useCan('permission.manage');
  const notify = useNotify();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  if (!record || !mayManage) return null;
  const who = represent(meta?.representation, record);
  const reset = async () => {
    try {
      await httpClient(`${API}/${users}/${encodeURIComponent(record.id)}/mfa/reset`, { method: 'POST', body: JSON.stringify({}), reason });
      notify(`Second factor reset for ${who}: their sessions have ended`, { type: 'success' });
      setOpen(false);
      setReason('');
    } catch (error) {
      notify(refusalMessage(error, 'The second factor was not reset'), { type: 'error' });
    }
  };
  return (
    <>
      <Button label="Reset second factor" onClick={() => setOpen(true)}>
        <PhonelinkEraseIcon />
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} fullWidth maxWidth="xs" aria-labelledby="reset-mfa-title">
        <DialogTitle id="reset-mfa-title">Reset the second factor of {who}</DialogTitle>
        <DialogContent>
          <DialogContentText>They will be signed out and set one up again at their next sign-in.</DialogContentText>
          <TextField name="reason" label="Reason (recorded in the audit trail)" value={reason} onChange={(e) => setReason(e.target.value)} fullWidth margin="dense" required autoFocus />
        </DialogContent>
        <DialogActions>
          <Button label="Cancel" onClick={() => setOpen(false)} />
          <Button label="Reset" variant="contained" disabled={!reason.trim()} onClick={reset} />
        </DialogActions>
      </Dialog>
    </>
  );
}
