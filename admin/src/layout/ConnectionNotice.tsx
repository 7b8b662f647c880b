import { Alert } from '@mui/material';
import { useEffect, useState } from 'react';
import { useNotificationContext, useRefresh } from 'react-admin';
import { OFFLINE } from '../data/http';

const BACK_ONLINE = 'The connection is back: the page has been reloaded from the server.';

/**
 * Says so when the browser goes offline (a bar that stays while it lasts, since nothing can be
 * loaded or saved), and again when the connection is back, when what is shown is fetched anew. A
 * bar, not a notification: it must not wait in the queue behind the errors the outage caused.
 */
export function ConnectionNotice() {
  const [state, setState] = useState<'online' | 'offline' | 'back'>(() => (navigator.onLine ? 'online' : 'offline'));
  const { resetNotifications } = useNotificationContext();
  const refresh = useRefresh();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const down = () => {
      clearTimeout(timer);
      setState('offline');
    };
    const up = () => {
      // The errors queued while offline are stale now.
      resetNotifications();
      setState('back');
      refresh();
      timer = setTimeout(() => setState('online'), 8000);
    };
    window.addEventListener('offline', down);
    window.addEventListener('online', up);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('offline', down);
      window.removeEventListener('online', up);
    };
  }, [resetNotifications, refresh]);
  if (state === 'online') return null;
  return state === 'offline' ? (
    <Alert severity="warning" role="alert" data-testid="offline" sx={{ mb: 1 }}>
      {OFFLINE}
    </Alert>
  ) : (
    <Alert severity="success" role="status" data-testid="back-online" sx={{ mb: 1 }} onClose={() => setState('online')}>
      {BACK_ONLINE}
    </Alert>
  );
}
