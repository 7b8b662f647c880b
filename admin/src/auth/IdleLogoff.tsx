import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { useEffect, useState } from 'react';
import { useLogout, useNotify } from 'react-admin';
import { API, httpClient, sessionActivity } from '../data/http';

/**
 * Automatic logoff, as the console sees it: the server ends a session unused for
 * SESSION_IDLE_MINUTES. It marks a session used at most every min(30 s, idle / 4), so the console
 * counts from its own last request less that margin, warns a minute before (half the idle time
 * when that is shorter), offers to stay signed in, and signs out when the time is up.
 */
export function IdleLogoff() {
  const logout = useLogout();
  const notify = useNotify();
  const [left, setLeft] = useState<number | null>(null);

  useEffect(() => {
    const timer = setInterval(() => {
      const idle = sessionActivity.idleSeconds * 1000;
      if (!idle) return;
      const margin = Math.min(30_000, idle / 4);
      const warnFor = Math.min(60_000, idle / 2);
      const remaining = sessionActivity.last + idle - margin - Date.now();
      if (remaining <= 0) {
        setLeft(null);
        clearInterval(timer);
        notify(`You were signed out after ${Math.round(idle / 60_000) || 1} minutes without activity`, { type: 'info' });
        logout();
      } else setLeft(remaining <= warnFor ? Math.ceil(remaining / 1000) : null);
    }, 1_000);
    return () => clearInterval(timer);
  }, [logout, notify]);

  const stay = () => {
    setLeft(null);
    httpClient(`${API}/auth/keepalive`, { method: 'POST' }).catch(() => logout());
  };
  return (
    <Dialog open={left !== null} aria-labelledby="idle-title">
      <DialogTitle id="idle-title">Still there?</DialogTitle>
      <DialogContent>
        <DialogContentText>You will be signed out in {left} seconds because the console has not been used.</DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={() => logout()}>Sign out</Button>
        <Button variant="contained" onClick={stay} autoFocus>
          Stay signed in
        </Button>
      </DialogActions>
    </Dialog>
  );
}
