import { Alert, Box, Card, CardContent, Checkbox, Chip, FormControlLabel, Stack, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from 'react-admin';
import { useLocation } from 'react-router-dom';
import { useMetaOf } from '../data/use-meta';
import { momentLabel, momentMs, timeTravel, useAsOf } from './as-of';
import type { RestoreTarget, Version } from '../../../contract/audit';
import { RestoreDialog } from './RestoreDialog';
import { refusalMessage } from '../data/http';
import { Headings } from '../layout/Headings';

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
  if (error) return <Alert severity="error">{refusalMessage(error)}</Alert>;
  if (!data) return <Typography>Comparing…</Typography>;
  const changed = new Set(data.changes.map((c) => c.field));
  const title = (side: typeof data.from) => (side.event === null ? 'Current' : `Event #${side.event}, ${new Date(side.occurred_at!).toLocaleString()}`);
  return (
    <Box data-testid="version-compare" sx={{ mb: 2 }}>
      <Typography variant="subtitle2" sx={{ mb: 1 }}>
        {data.changes.length} field{data.changes.length === 1 ? '' : 's'} differ
      </Typography>
      <Table size="small">
        <Headings cells={['Field', title(data.from), title(data.to)]} />
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

/** The version a moment shows: the newest one whose event came by then (null: none, or the record was deleted). */
function shownAt(versions: Version[], asOf: string | null): Version | null {
  if (!asOf) return null;
  const at = momentMs(asOf);
  const v = versions.find((x) => new Date(x.occurred_at).getTime() <= at);
  return v?.exists ? v : null;
}

/**
 * A record's versions, newest first: view any as of its moment, compare any two (or with the
 * current one; `?compare=<event>` preselects one, as the History tab links), restore one by its
 * event, or the version the page shows by its moment.
 */
export function VersionsPanel({ resource, id }: { resource: string; id: string | number }) {
  const meta = useMetaOf(resource);
  const [asOf, setAsOf] = useAsOf(resource);
  const linked = Number(new URLSearchParams(useLocation().search).get('compare')) || null;
  const [picks, setPicks] = useState<Pick[]>(linked ? [linked, 'current'] : []);
  const [restoring, setRestoring] = useState<{ target: RestoreTarget; occurredAt?: string } | null>(null);
  const { data, error } = useQuery({ queryKey: ['versions', resource, String(id)], queryFn: () => timeTravel.versions(resource, id) });
  const mayRestore = !!meta?.actions.includes('edit') && !meta.readOnly;
  const toggle = (p: Pick) => setPicks((now) => (now.includes(p) ? now.filter((x) => x !== p) : [...now, p].slice(-2)));
  if (error) return <Alert severity="error">{(error as Error).message}</Alert>;
  if (!data) return <Typography>Loading versions…</Typography>;
  const { versions, archivedUntil } = data;
  const shown = shownAt(versions, asOf);
  return (
    <Box data-testid="versions">
      {asOf && (
        <Alert severity="info" sx={{ mb: 1 }} data-testid="versions-as-of" action={mayRestore && <Button label="Restore the version shown" onClick={() => setRestoring({ target: { as_of: asOf } })} />}>
          The page shows the record as of {momentLabel(asOf)}{shown ? `: the version of event #${shown.id}, marked below` : ''}.
        </Alert>
      )}
      {archivedUntil && (
        <Alert severity="warning" sx={{ mb: 1 }}>
          Versions from before {new Date(archivedUntil).toLocaleString()} are in the audit archive (retention), not listed here.
        </Alert>
      )}
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        Tick two versions (or one and the current state) to compare them side by side.
      </Typography>
      {picks.length === 2 && <Comparison resource={resource} id={id} picks={picks} />}
      <FormControlLabel control={<Checkbox checked={picks.includes('current')} onChange={() => toggle('current')} />} label="Current state" />
      <Stack spacing={1}>
        {versions.map((v) => (
          <Card key={v.id} variant="outlined" data-testid="version" data-shown={v === shown ? 'true' : undefined} sx={v === shown ? { borderColor: 'info.main', borderWidth: 2 } : undefined}>
            <CardContent sx={{ pb: '8px !important' }}>
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
                <Checkbox checked={picks.includes(v.id)} onChange={() => toggle(v.id)} slotProps={{ input: { 'aria-label': `Compare event #${v.id}` } }} />
                <Chip size="small" label={v.action} color={v.action === 'DELETE' ? 'error' : v.action === 'INSERT' ? 'success' : 'default'} />
                {v === shown && <Chip size="small" color="info" label="shown" />}
                <Typography variant="body2">
                  {new Date(v.occurred_at).toLocaleString()} by {v.user_name ?? 'system'}
                </Typography>
                {v.reason && <Typography variant="body2" color="text.secondary">— {v.reason}</Typography>}
                <Typography variant="caption" color="text.secondary">event #{v.id} · change set {v.change_set}</Typography>
                <Box sx={{ flex: 1 }} />
                {v.exists && <Button label="View this version" onClick={() => setAsOf(v.as_of)} />}
                {v.exists && mayRestore && <Button label="Restore this version" onClick={() => setRestoring({ target: { event: v.id }, occurredAt: v.occurred_at })} />}
              </Stack>
            </CardContent>
          </Card>
        ))}
      </Stack>
      {restoring && <RestoreDialog resource={resource} id={id} target={restoring.target} occurredAt={restoring.occurredAt} onClose={() => setRestoring(null)} onRestored={() => 'as_of' in restoring.target && setAsOf(null)} />}
    </Box>
  );
}
