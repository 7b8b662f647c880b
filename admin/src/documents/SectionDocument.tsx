import { Box, Typography } from '@mui/material';
import { useGetList } from 'react-admin';
import { Link } from 'react-router-dom';
import { useMetaOf } from '../data/use-meta';
import { DocumentActions } from './DocumentsPanel';
import type { DocumentRecord } from './document-files';
import { useFeatureName } from '../data/features';

/**
 * The document a show-page section is about (the student's signed consent form beside the consent
 * fields): the latest one of that type attached to the record, or a pointer to the Documents tab.
 */
export function SectionDocument({ resource, id, type }: { resource: string; id: string | number; type: string }) {
  const documents = useFeatureName('documents') ?? '';
  const meta = useMetaOf(documents);
  const { data, isPending } = useGetList<DocumentRecord & { id: number }>(
    documents,
    { filter: { entity_table: resource, entity_id: id, document_type: type }, sort: { field: 'id', order: 'DESC' }, pagination: { page: 1, perPage: 1 } },
    { enabled: !!meta },
  );
  if (!meta || isPending) return null;
  const doc = data?.[0];
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mt: 1 }} data-testid={`section-document-${type}`}>
      <Typography variant="body2" color="text.secondary">
        {type} document:
      </Typography>
      {doc ? (
        <>
          <Typography variant="body2">{doc.file_name}</Typography>
          <DocumentActions doc={doc} />
        </>
      ) : (
        <Typography variant="body2">
          none attached (<Link to={`/${resource}/${id}/show/documents`}>attach one</Link>)
        </Typography>
      )}
    </Box>
  );
}
