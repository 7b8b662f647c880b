import { Dialog, DialogActions, DialogContent, DialogTitle } from '@mui/material';
import { Button, Form, PasswordInput, SaveButton, required, useNotify, type HttpError } from 'react-admin';
import { refusalMessage } from '../data/http';

interface PasswordValues {
  current?: string;
  password: string;
  confirm: string;
}

const same = (value: string, values: PasswordValues) => (value && value !== values.password ? 'Does not match the new password' : undefined);

/**
 * New password twice (and the current one when changing one's own). The server decides: its
 * per-field reasons (weak password, wrong current password) land on the fields, anything else
 * (too many attempts, no permission) is a notification.
 */
export function PasswordDialog({
  open,
  title,
  askCurrent,
  onClose,
  submit,
}: {
  open: boolean;
  title: string;
  askCurrent: boolean;
  onClose: () => void;
  submit: (values: PasswordValues) => Promise<void>;
}) {
  const notify = useNotify();
  const onSubmit = async (values: Record<string, unknown>) => {
    try {
      await submit(values as unknown as PasswordValues);
      onClose();
    } catch (error) {
      const e = error as HttpError & { body?: { message?: string; errors?: Record<string, string> } };
      const errors = e.body?.errors;
      if (errors && Object.keys(errors).length) {
        // One field at fault: the server's whole sentence reads best under it.
        const one = Object.keys(errors).length === 1;
        return Object.fromEntries(Object.entries(errors).map(([field, reason]) => [field, one && e.body?.message ? e.body.message : reason]));
      }
      notify(refusalMessage(e, 'The password was not changed'), { type: 'error' });
    }
  };
  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="xs" aria-labelledby="password-dialog-title">
      {open && (
        <Form onSubmit={onSubmit} sanitizeEmptyValues={false}>
          <DialogTitle id="password-dialog-title">{title}</DialogTitle>
          <DialogContent>
            {askCurrent && <PasswordInput source="current" label="Current password" validate={required()} fullWidth autoComplete="current-password" />}
            <PasswordInput source="password" label="New password" validate={required()} fullWidth autoComplete="new-password" />
            <PasswordInput source="confirm" label="Repeat the new password" validate={[required(), same]} fullWidth autoComplete="new-password" />
          </DialogContent>
          <DialogActions>
            <Button label="Cancel" onClick={onClose} />
            <SaveButton label="Set password" alwaysEnable />
          </DialogActions>
        </Form>
      )}
    </Dialog>
  );
}
