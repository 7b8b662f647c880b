import { Alert } from '@mui/material';
import { useState } from 'react';
import { Button, useRecordContext } from 'react-admin';
import { momentLabel, useAsOf } from './as-of';
import { RestoreDialog } from './RestoreDialog';

/**
 * A show page's tabs while a moment is viewed. Details, related lists and documents read the past
 * (as-of requests); what cannot be read as of a moment says plainly that it shows now.
 */
export function ShowsNow({ resource, what }: { resource: string; what: string }) {
  const [asOf] = useAsOf(resource);
  if (!asOf) return null;
  return (
    <Alert severity="info" sx={{ mb: 2 }} data-testid="shows-now">
      {what}: shown as it is now, not as of {momentLabel(asOf)}.
    </Alert>
  );
}

/** Says which moment a tab that reads the past shows. */
export function ShowsAsOf({ resource, what }: { resource: string; what: string }) {
  const [asOf] = useAsOf(resource);
  if (!asOf) return null;
  return (
    <Alert severity="info" sx={{ mb: 2 }} data-testid="shows-as-of">
      {what} as of {momentLabel(asOf)}.
    </Alert>
  );
}

/** On a past state's toolbar: restore the version shown, by its moment (preview, reason, one audited write). */
export function RestoreShownButton({ resource }: { resource: string }) {
  const record = useRecordContext();
  const [asOf, setAsOf] = useAsOf(resource);
  const [open, setOpen] = useState(false);
  if (!record || !asOf) return null;
  return (
    <>
      <Button label="Restore this version" onClick={() => setOpen(true)} />
      {open && <RestoreDialog resource={resource} id={record.id} target={{ as_of: asOf }} onClose={() => setOpen(false)} onRestored={() => setAsOf(null)} />}
    </>
  );
}
