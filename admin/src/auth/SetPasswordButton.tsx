import KeyIcon from '@mui/icons-material/Key';
import { useState } from 'react';
import { Button, useNotify, useRecordContext } from 'react-admin';
import { API, httpClient } from '../data/http';
import { represent } from '../data/meta';
import { useCan, useResourceMeta } from '../data/use-meta';
import { PasswordDialog } from './PasswordDialog';
import { ResetSecondFactorButton } from './ResetSecondFactorButton';

/**
 * "Set password" on the page of a resource declaring the password tool (the people who sign in), for permission.manage (what the server's reset route requires),
 * with the other sign-in action an administrator takes there, "Reset second factor".
 */
export function SetPasswordButton() {
  const record = useRecordContext();
  const meta = useResourceMeta();
  const mayManage = useCan('permission.manage');
  const notify = useNotify();
  const [open, setOpen] = useState(false);
  if (!record || !mayManage) return null;
  const who = represent(meta?.representation, record);
  return (
    <>
      <Button label="Set password" onClick={() => setOpen(true)}>
        <KeyIcon />
      </Button>
      <PasswordDialog
        open={open}
        title={`Set the password of ${who}`}
        askCurrent={false}
        onClose={() => setOpen(false)}
        submit={async ({ password }) => {
          await httpClient(`${API}/${meta?.name}/${encodeURIComponent(record.id)}/password`, { method: 'POST', body: JSON.stringify({ password }) });
          notify(`Password set for ${who}: their other sessions have ended`, { type: 'success' });
        }}
      />
      {meta?.tools.includes('second-factor') && <ResetSecondFactorButton users={meta.name} />}
    </>
  );
}
