import EditIcon from '@mui/icons-material/EditNote';
import { useState } from 'react';
import { Button } from 'react-admin';
import type { ResourceMeta } from '../data/meta';
import { BulkEditDialog } from './BulkEditDialog';

/** In the list's selection toolbar, for users who may edit the resource. */
export function BulkEditButton({ meta }: { meta: ResourceMeta }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button label="Bulk edit" onClick={() => setOpen(true)}>
        <EditIcon />
      </Button>
      {open && <BulkEditDialog meta={meta} open={open} onClose={() => setOpen(false)} />}
    </>
  );
}
