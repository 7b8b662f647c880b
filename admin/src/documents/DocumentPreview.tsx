import { Alert, Box, Button, CircularProgress, Dialog, DialogActions, DialogContent, DialogTitle } from '@mui/material';
import DownloadIcon from '@mui/icons-material/Download';
import { useEffect, useState } from 'react';
import { fetchDocument, saveDocument, type DocumentRecord } from './document-files';

/** A PDF or image shown in a dialog, from a blob fetched with the bearer token. */
export function DocumentPreview({ doc, onClose }: { doc: DocumentRecord; onClose: () => void }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let made: string | null = null;
    fetchDocument(doc.id).then(
      (blob) => setUrl((made = URL.createObjectURL(blob))),
      (e: Error) => setError(e.message),
    );
    return () => {
      if (made) URL.revokeObjectURL(made);
    };
  }, [doc.id]);
  return (
    <Dialog open onClose={onClose} maxWidth="lg" fullWidth aria-labelledby="document-preview-title">
      <DialogTitle id="document-preview-title">{doc.file_name}</DialogTitle>
      <DialogContent dividers sx={{ minHeight: 400 }} data-testid="document-preview">
        {error && <Alert severity="error">{error}</Alert>}
        {!error && !url && <CircularProgress />}
        {url && doc.mime_type === 'application/pdf' && <Box component="iframe" title={doc.file_name} src={url} sx={{ width: '100%', height: '70vh', border: 0 }} />}
        {url && doc.mime_type?.startsWith('image/') && <Box component="img" alt={doc.file_name} src={url} sx={{ maxWidth: '100%' }} />}
      </DialogContent>
      <DialogActions>
        <Button startIcon={<DownloadIcon />} onClick={() => void saveDocument(doc).catch((e: Error) => setError(e.message))}>
          Download
        </Button>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
