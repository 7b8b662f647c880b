import { Box, IconButton, Stack, Table, TableBody, TableCell, TableRow, TextField, Tooltip, Typography } from '@mui/material';
import DownloadIcon from '@mui/icons-material/Download';
import VisibilityIcon from '@mui/icons-material/Visibility';
import UploadFileIcon from '@mui/icons-material/UploadFile';
import { useState } from 'react';
import { useDropzone } from 'react-dropzone';
import { useGetList, useNotify } from 'react-admin';
import { Link } from 'react-router-dom';
import { useMetaOf } from '../data/use-meta';
import { DocumentPreview } from './DocumentPreview';
import { previewable, saveDocument, uploadDocument, type DocumentRecord } from './document-files';
import { useFeatureName } from '../data/features';
import { Headings } from '../layout/Headings';

const size = (n: number | null) => (n === null ? '' : n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))} kB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/** Actions of one document: preview (PDF, images) and download. */
export function DocumentActions({ doc }: { doc: DocumentRecord }) {
  const notify = useNotify();
  const [open, setOpen] = useState(false);
  // A row with no stored bytes (metadata only) has nothing to preview or download.
  if (!doc.checksum) {
    return (
      <Typography variant="caption" color="text.secondary">
        no stored file (metadata only)
      </Typography>
    );
  }
  return (
    <>
      {previewable(doc.mime_type) && (
        <Tooltip title="Preview">
          <IconButton aria-label={`Preview ${doc.file_name}`} onClick={() => setOpen(true)} size="small">
            <VisibilityIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      )}
      <Tooltip title="Download">
        <IconButton aria-label={`Download ${doc.file_name}`} onClick={() => void saveDocument(doc).catch((e: Error) => notify(e.message, { type: 'error' }))} size="small">
          <DownloadIcon fontSize="small" />
        </IconButton>
      </Tooltip>
      {open && <DocumentPreview doc={doc} onClose={() => setOpen(false)} />}
    </>
  );
}

/** Drop (or choose) files to attach them to the record, with the document type they are. */
function DropZone({ resource, id, defaultType, onUploaded }: { resource: string; id: string | number; defaultType: string; onUploaded: () => void }) {
  const notify = useNotify();
  const [type, setType] = useState(defaultType);
  const [busy, setBusy] = useState(false);
  const onDrop = async (files: File[]) => {
    if (!type.trim()) return notify('Say what kind of document this is first', { type: 'warning' });
    setBusy(true);
    for (const file of files) {
      try {
        await uploadDocument(resource, id, file, type.trim());
        notify(`${file.name} attached`, { type: 'success' });
      } catch (e) {
        notify(`${file.name}: ${(e as Error).message}`, { type: 'error' });
      }
    }
    setBusy(false);
    onUploaded();
  };
  const { getRootProps, getInputProps, isDragActive } = useDropzone({ onDrop: (files) => void onDrop(files), disabled: busy });
  return (
    <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ mb: 2, alignItems: { md: 'center' } }}>
      <TextField label="Document type" value={type} onChange={(e) => setType(e.target.value)} size="small" fullWidth={false} sx={{ width: { md: 260 }, flex: 'none' }} />
      <Box
        {...getRootProps()}
        data-testid="document-dropzone"
        sx={{ flex: 1, minWidth: 0, p: 2, border: '2px dashed', borderColor: isDragActive ? 'primary.main' : 'divider', borderRadius: 1, cursor: 'pointer', display: 'flex', alignItems: 'center', gap: 1 }}
      >
        <input {...getInputProps()} aria-label="Choose a file to attach" />
        <UploadFileIcon color="action" />
        <Typography variant="body2">{busy ? 'Uploading…' : isDragActive ? 'Drop to attach' : 'Drop a PDF, PNG or JPEG here, or click to choose one'}</Typography>
      </Box>
    </Stack>
  );
}

/** The Documents section of a show page: what is attached to this record, and a drop zone. */
export function DocumentsPanel({ resource, id, defaultType, asOf = null }: { resource: string; id: string | number; defaultType: string; asOf?: string | null }) {
  const documents = useFeatureName('documents') ?? '';
  const meta = useMetaOf(documents);
  // As of a moment (time travel): the documents attached then; nothing is attached to a past state.
  const { data, isPending, refetch } = useGetList<DocumentRecord & { id: number }>(documents, {
    filter: { entity_table: resource, entity_id: id },
    sort: { field: 'id', order: 'DESC' },
    pagination: { page: 1, perPage: 100 },
    meta: asOf ? { asOf } : undefined,
  });
  if (!meta) return null;
  return (
    <Box data-testid="documents">
      {meta.actions.includes('create') && !asOf && <DropZone resource={resource} id={id} defaultType={defaultType} onUploaded={() => void refetch()} />}
      {!isPending && data?.length === 0 && <Typography variant="body2">No documents attached</Typography>}
      {!!data?.length && (
        <Table size="small">
          <Headings cells={['File', 'Type', 'Size', 'Uploaded', '']} />
          <TableBody>
            {data.map((doc) => (
              <TableRow key={doc.id}>
                <TableCell>{meta.actions.includes('show') ? <Link to={`/${documents}/${doc.id}/show`}>{doc.file_name}</Link> : doc.file_name}</TableCell>
                <TableCell>{doc.document_type}</TableCell>
                <TableCell>{size(doc.file_size_bytes === null ? null : Number(doc.file_size_bytes))}</TableCell>
                <TableCell>{doc.uploaded_at ? new Date(doc.uploaded_at).toLocaleString() : ''}</TableCell>
                <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                  <DocumentActions doc={doc} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
