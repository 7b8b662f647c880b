import { Box, Button, Typography } from '@mui/material';
import { useRecordContext } from 'react-admin';
import { useFormContext, useWatch } from 'react-hook-form';
import type { ResourceMeta } from '../data/meta';
import { usePerms } from '../data/use-meta';
import { LINKS_KEY, type LinkRow } from './links-api';
import { LinkSection } from './LinkSection';

/**
 * The record's linked records (its join tables, from /api/meta `links`) on its edit form: several
 * picked at once, each with the join table's own fields. They are part of the form: its Save sends
 * them with the fields, so one save is one change set (and one undo), under the record's version.
 */
export function LinkedRecords({ meta }: { meta: ResourceMeta }) {
  const record = useRecordContext();
  const { setValue } = useFormContext();
  const edited = (useWatch({ name: LINKS_KEY }) ?? {}) as Record<string, LinkRow[]>;
  const perms = usePerms();
  if (!record || !meta.links?.length) return null;
  // Whoever may only read the links sees them without a way to change them.
  const mayChange = meta.links.some((l) => perms?.resources.find((r) => r.name === l.through)?.actions.some((a) => a === 'create' || a === 'edit' || a === 'delete'));
  const dirty = Object.keys(edited).length > 0;
  const edit = (through: string, rows: LinkRow[]) => setValue(LINKS_KEY, { ...edited, [through]: rows }, { shouldDirty: true });
  return (
    <Box component="section" aria-labelledby="linked-records" data-testid="linked-records" sx={{ width: '100%', pt: 2, mb: 2, borderTop: 1, borderColor: 'divider' }}>
      <Typography variant="h6" component="h2" id="linked-records" sx={{ mb: 1 }}>
        Linked records
      </Typography>
      {meta.links.map((link) => (
        <LinkSection key={`${link.through}.${link.parentField}`} link={link} parentId={record.id} edited={edited[link.through]} onEdit={(rows) => edit(link.through, rows)} />
      ))}
      {mayChange && (
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, alignItems: 'center' }}>
          <Typography variant="body2" color="text.secondary" aria-live="polite">
            {dirty ? 'Changed links are saved with the form (Save), in the same change set.' : 'Links are saved with the form.'}
          </Typography>
          <Button disabled={!dirty} onClick={() => setValue(LINKS_KEY, undefined, { shouldDirty: true })}>
            Discard link changes
          </Button>
        </Box>
      )}
    </Box>
  );
}
