import UploadIcon from '@mui/icons-material/Upload';
import { useState } from 'react';
import { Button } from 'react-admin';
import type { ResourceMeta } from '../data/meta';
import { ImportDialog } from './ImportDialog';

/** On every list the user may create in (upsert also needs edit, offered inside). */
export function ImportButton({ meta }: { meta: ResourceMeta }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button label="Import" onClick={() => setOpen(true)}>
        <UploadIcon />
      </Button>
      {open && <ImportDialog meta={meta} open={open} onClose={() => setOpen(false)} />}
    </>
  );
}
