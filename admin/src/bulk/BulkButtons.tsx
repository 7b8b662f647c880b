import EditIcon from '@mui/icons-material/EditNote';
import UploadIcon from '@mui/icons-material/Upload';
import { useState, type ComponentType, type ReactElement } from 'react';
import { Button } from 'react-admin';
import type { ResourceMeta } from '../data/meta';
import { BulkEditDialog } from './BulkEditDialog';
import { ImportDialog } from './ImportDialog';

type Dialog = ComponentType<{ meta: ResourceMeta; open: boolean; onClose: () => void }>;

/** A button that opens a bulk-work dialog on the list's resource (mounted only while open). */
function DialogButton({ meta, label, icon, dialog: Opened }: { meta: ResourceMeta; label: string; icon: ReactElement; dialog: Dialog }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button label={label} onClick={() => setOpen(true)}>
        {icon}
      </Button>
      {open && <Opened meta={meta} open={open} onClose={() => setOpen(false)} />}
    </>
  );
}

/** In the list's selection toolbar, for users who may edit the resource. */
export const BulkEditButton = ({ meta }: { meta: ResourceMeta }) => <DialogButton meta={meta} label="Bulk edit" icon={<EditIcon />} dialog={BulkEditDialog} />;

/** On every list the user may create in (upsert also needs edit, offered inside). */
export const ImportButton = ({ meta }: { meta: ResourceMeta }) => <DialogButton meta={meta} label="Import" icon={<UploadIcon />} dialog={ImportDialog} />;
