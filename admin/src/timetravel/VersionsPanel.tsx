import { Alert, Box, Card, CardContent, Checkbox, Chip, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, useNotify, useRefresh } from 'react-admin';
import { DiffTable } from '../audit/DiffTable';
import { useMetaOf } from '../data/use-meta';
import { timeTravel, useAsOf, type RestoreResult, type Version } from './as-of';

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
type Pick = number | 'current';

/** Two versions side by side, every field the user sees, the differing ones marked. */
function Comparison({ resource, id, picks }: { resource: string; id: string | number; picks: Pick[] }) {
  const meta = useMetaOf(resource);
  // The older one on the left: event ids grow with time, and the current state is the newest.
  const [from, to] = [...picks].sort((a, b) => (a === 'current' ? 1 : b === 'current' ? -1 : a - b));
  const { data, error } = useQuery({
    queryKey: ['compare', resource, String(id), from, to],
    queryFn: () => timeTravel.compare(resource, id, from as number, to),
  });
  if (error) return <Alert severity="error">{(error as { body?: { message?: string } }).body?.message ?? (error as Error).message}</Alert>;
  if (!data) return <Typography>Comparing…</Typography>;
  const changed = new Set(data.changes.map((c) => c.field));
  const title = (side: typeof data.from) => (side.event === null ? 'Current' : `Event #${side.event}, ${new Date(side.occurred_at!).toLocaleString()}`);
  return (
    <Box data-testid="version-compare" sx={{ mb: 2 }}>
      <Typography variant="subtitle2" sx={{ mb: 1 }}>
        {data.changes.length} field{data.changes.length === 1 ? '' : 's'} differ
      </Typography>
      <Table size="small">
        <TableHead>
          <TableRow>
            <TableCell>Field</TableCell>
            <TableCell>{title(data.from)}</TableCell>
            <TableCell>{title(data.to)}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {data.fields.map((f) => (
            <TableRow key={f} data-field={f} data-changed={changed.has(f) ? 'true' : 'false'} sx={changed.has(f) ? { bgcolor: 'warning.light' } : undefined}>
              <TableCell>{meta?.fields.find((m) => m.name === f)?.label ?? f}</TableCell>
              <TableCell>{data.from.record ? show(data.from.record[f]) : '(deleted)'}</TableCell>
              <TableCell>{data.to.record ? show(data.to.record[f]) : '(deleted)'}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/** "Restore this version": the preview (every check run, nothing written), a reason, then the write. */
function RestoreDialog({ resource, id, version, onClose }: { resource: string; id: string | number; version: Version; onClose: () => void }) {
  const meta = useMetaOf(resource);
  const notify = useNotify();
  const refresh = useRefresh();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const preview = useQuery({ queryKey: ['restore-preview', resource, String(id), version.id], queryFn: () => timeTravel.restore(resource, id, version.id, '', true), retry: false, gcTime: 0 });
  const refusal = preview.error as { body?: { message?: string }; message?: string } | null;
  const result = preview.data as RestoreResult | undefined;
  const restore = async () => {
    setBusy(true);
    try {
      const done = await timeTravel.restore(resource, id, version.id, reason, false);
      notify(done.action === 'unchanged' ? 'It already holds this version' : `Restored the version of event #${version.id}`, { type: 'success' });
      await queryClient.invalidateQueries({ queryKey: ['versions', resource, String(id)] });
      await queryClient.invalidateQueries({ queryKey: ['history', resource, String(id)] });
      refresh();
      onClose();
    } catch (e) {
      const err = e as { body?: { message?: string }; message?: string };
      notify(err.body?.message ?? err.message ?? 'Restore failed', { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>Restore the version of {new Date(version.occurred_at).toLocaleString()}</DialogTitle>
      <DialogContent>
        {preview.isPending && <Typography>Checking what would change…</Typography>}
        {refusal && <Alert severity="error">{refusal.body?.message ?? refusal.message}</Alert>}
        {result && (
          <Box data-testid="restore-preview">
            <Typography variant="body2">
              {result.action === 'restored' ? 'The deleted record comes back with its id.' : result.action === 'unchanged' ? 'It already holds this version: nothing would change.' : `${result.changes.length} field${result.changes.length === 1 ? '' : 's'} would change.`}
            </Typography>
            <DiffTable changes={result.changes} meta={meta} />
          </Box>
        )}
        <TextField label="Reason for this restore" value={reason} onChange={(e) => setReason(e.target.value)} fullWidth required sx={{ mt: 2 }} />
      </DialogContent>
      <DialogActions>
        <Button label="Cancel" onClick={onClose} />
        <Button label="Restore" variant="contained" onClick={restore} disabled={busy || !result || result.action === 'unchanged' || !reason.trim()} />
      </DialogActions>
    </Dialog>
  );
}

/** A record's versions, newest first: view any as of its moment, compare any two (or with the current one), restore one. */
export function VersionsPanel({ resource, id }: { resource: string; id: string | number }) {
  const meta = useMetaOf(resource);
  const [, setAsOf] = useAsOf(resource);
  const [picks, setPicks] = useState<Pick[]>([]);
  const [restoring, setRestoring] = useState<Version | null>(null);
  const { data: versions, error } = useQuery({ queryKey: ['versions', resource, String(id)], queryFn: () => timeTravel.versions(resource, id) });
  const mayRestore = !!meta?.actions.includes('edit') && !meta.readOnly;
  const toggle = (p: Pick) => setPicks((now) => (now.includes(p) ? now.filter((x) => x !== p) : [...now, p].slice(-2)));
  if (error) return <Alert severity="error">{(error as Error).message}</Alert>;
  if (!versions) return <Typography>Loading versions…</Typography>;
  return (
    <Box data-testid="versions">
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        Tick two versions (or one and the current state) to compare them side by side.
      </Typography>
      {picks.length === 2 && <Comparison resource={resource} id={id} picks={picks} />}
      <FormControlLabel control={<Checkbox checked={picks.includes('current')} onChange={() => toggle('current')} />} label="Current state" />
      <Stack spacing={1}>
        {versions.map((v) => (
          <Card key={v.id} variant="outlined" data-testid="version">
            <CardContent sx={{ pb: '8px !important' }}>
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
                <Checkbox checked={picks.includes(v.id)} onChange={() => toggle(v.id)} slotProps={{ input: { 'aria-label': `Compare event #${v.id}` } }} />
                <Chip size="small" label={v.action} color={v.action === 'DELETE' ? 'error' : v.action === 'INSERT' ? 'success' : 'default'} />
                <Typography variant="body2">
                  {new Date(v.occurred_at).toLocaleString()} by {v.user_name ?? 'system'}
                </Typography>
                {v.reason && <Typography variant="body2" color="text.secondary">— {v.reason}</Typography>}
                <Typography variant="caption" color="text.secondary">event #{v.id} · change set {v.change_set}</Typography>
                <Box sx={{ flex: 1 }} />
                {v.exists && <Button label="View this version" onClick={() => setAsOf(v.as_of)} />}
                {v.exists && mayRestore && <Button label="Restore this version" onClick={() => setRestoring(v)} />}
              </Stack>
            </CardContent>
          </Card>
        ))}
      </Stack>
      {restoring && <RestoreDialog resource={resource} id={id} version={restoring} onClose={() => setRestoring(null)} />}
    </Box>
  );
}
