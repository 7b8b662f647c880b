import { Alert, Box, Button, TextField } from '@mui/material';
import HistoryIcon from '@mui/icons-material/History';
import { useState } from 'react';
import { momentLabel, useAsOf } from './as-of';

/** `datetime-local` wants the browser's local time without a zone. */
function localInput(iso: string | null): string {
  const d = iso ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T23:59` : iso) : new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * "View as of…" on a list or show page: a date and time picker, and while a moment is chosen a
 * banner saying which one, with the way back to now.
 */
export function AsOfBar({ resource, label }: { resource: string; label: string }) {
  const [asOf, setAsOf] = useAsOf(resource);
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState(() => localInput(asOf));
  const apply = () => {
    if (!value) return;
    setAsOf(new Date(value).toISOString());
    setOpen(false);
  };
  return (
    <Box sx={{ mt: 1 }} data-testid="as-of-bar">
      {asOf && (
        <Alert
          severity="info"
          icon={<HistoryIcon />}
          data-testid="as-of-banner"
          action={
            <Button color="inherit" size="small" onClick={() => setAsOf(null)}>
              Back to now
            </Button>
          }
        >
          {label} as {/^\d{4}-\d{2}-\d{2}$/.test(asOf) ? 'they stood at' : 'of'} {momentLabel(asOf)}: a past state, read only.
        </Alert>
      )}
      {!open && (
        <Button size="small" startIcon={<HistoryIcon />} onClick={() => { setValue(localInput(asOf)); setOpen(true); }}>
          View as of…
        </Button>
      )}
      {open && (
        <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', mt: 1 }}>
          <TextField
            type="datetime-local"
            size="small"
            label="View as of"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'aria-label': 'View as of', step: 1 } }}
          />
          <Button variant="contained" size="small" onClick={apply} disabled={!value}>
            Show
          </Button>
          <Button size="small" onClick={() => setOpen(false)}>
            Cancel
          </Button>
        </Box>
      )}
    </Box>
  );
}
