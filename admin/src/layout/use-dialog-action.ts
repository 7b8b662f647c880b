import { useState } from 'react';
import { useNotify, useRefresh } from 'react-admin';
import { refusalMessage } from '../data/http';

/**
 * A dialog's confirmed write: busy while it runs; once it succeeds the page is refreshed and the
 * dialog closed; a refusal is shown in the server's words (else `failure`) and the dialog stays.
 */
export function useDialogAction(onClose: () => void, failure: string) {
  const notify = useNotify();
  const refresh = useRefresh();
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
      refresh();
      onClose();
    } catch (e) {
      notify(refusalMessage(e, failure), { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}
