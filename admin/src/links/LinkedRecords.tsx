import { Alert, Box, Button, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { useNotify, useRecordContext, useRefresh } from 'react-admin';
import type { ResourceMeta } from '../data/meta';
import { usePerms } from '../data/use-meta';
import { saveLinks, type LinkRow } from './links-api';
import { LinkSection } from './LinkSection';
import { refusalMessage } from '../data/http';


/**
 * The record's linked records (its join tables, from /api/meta `links`) on its edit page: several
 * picked at once, each with the join table's own fields, saved together as one change set.
 */
export function LinkedRecords({ meta }: { meta: ResourceMeta }) {
  const record = useRecordContext();
  const notify = useNotify();
  const refresh = useRefresh();
  const [edited, setEdited] = useState<Record<string, LinkRow[]>>({});
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const perms = usePerms();
  if (!record || !meta.links?.length) return null;
  // Whoever may only read the links sees them without a way to save.
  const mayChange = meta.links.some((l) => perms?.resources.find((r) => r.name === l.through)?.actions.some((a) => a === 'create' || a === 'edit' || a === 'delete'));
  const dirty = Object.keys(edited).length > 0;
  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const saved = await saveLinks(meta.name, record.id, edited, reason.trim() || null);
      setEdited({});
      setReason('');
      notify(saved.txid ? `Linked records saved as change set ${saved.txid}` : 'The links were already so: nothing changed', { type: 'info' });
      refresh();
    } catch (e) {
      setError(refusalMessage(e, 'The links were not saved'));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Box component="section" aria-labelledby="linked-records" data-testid="linked-records" sx={{ p: 2, borderTop: 1, borderColor: 'divider' }}>
      <Typography variant="h6" component="h2" id="linked-records" sx={{ mb: 1 }}>
        Linked records
      </Typography>
      {meta.links.map((link) => (
        <LinkSection key={`${link.through}.${link.parentField}`} link={link} parentId={record.id} edited={edited[link.through]} onEdit={(rows) => setEdited({ ...edited, [link.through]: rows })} />
      ))}
      {error && (
        <Alert severity="error" sx={{ mb: 2 }}>
          {error}
        </Alert>
      )}
      {mayChange && (
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, alignItems: 'center' }}>
          {/* Not "Reason for this change": that is the form's own reason (askReason), on the same page. */}
          <TextField size="small" label="Why these links change (optional)" value={reason} onChange={(e) => setReason(e.target.value)} sx={{ minWidth: 280 }} slotProps={{ htmlInput: { maxLength: 500 } }} />
          {/* Not named "Save…": the form's own Save is the page's one button of that name. */}
          <Button variant="contained" disabled={!dirty || saving} onClick={save}>
            Update linked records
          </Button>
          <Button disabled={!dirty || saving} onClick={() => setEdited({})}>
            Discard link changes
          </Button>
        </Box>
      )}
    </Box>
  );
}
