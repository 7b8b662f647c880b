import EditIcon from '@mui/icons-material/EditNote';
import UploadIcon from '@mui/icons-material/Upload';
import { createContext, useContext, useState, type ComponentType, type ReactElement, type ReactNode } from 'react';
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

/** Opens the bulk-edit dialog of the list around the button (`BulkEditHost`). */
const OpenBulkEdit = createContext<(() => void) | null>(null);

/**
 * Where a list's bulk-edit dialog lives: above the list's table/cards switch, not in the table's
 * selection toolbar. Narrowing the window to phone width swaps the table for cards and unmounts
 * that toolbar; a dialog held there closed with it and lost its preview (the selection, kept in
 * react-admin's store, stayed).
 */
export function BulkEditHost({ meta, children }: { meta: ResourceMeta; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <OpenBulkEdit.Provider value={() => setOpen(true)}>
      {children}
      {open && <BulkEditDialog meta={meta} open onClose={() => setOpen(false)} />}
    </OpenBulkEdit.Provider>
  );
}

/** In the list's selection toolbar, for users who may edit the resource; its dialog is the list's `BulkEditHost`'s. */
export function BulkEditButton() {
  const open = useContext(OpenBulkEdit);
  if (!open) throw new Error('BulkEditButton is drawn inside a BulkEditHost');
  return (
    <Button label="Bulk edit" onClick={open}>
      <EditIcon />
    </Button>
  );
}

/** On every list the user may create in (upsert also needs edit, offered inside). */
export const ImportButton = ({ meta }: { meta: ResourceMeta }) => <DialogButton meta={meta} label="Import" icon={<UploadIcon />} dialog={ImportDialog} />;
