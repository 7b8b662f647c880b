import { Alert, Box, Button, Paper, TextField, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { Title, useNotify } from 'react-admin';
import { reloadPermissions } from '../auth/auth-provider';
import { dataProvider } from '../data/data-provider';
import { useFeature } from '../data/features';
import { ActionToggles } from './ActionToggles';
import { loadMatrix, type MatrixDiff } from './matrix-api';
import { changesOf, visibleAreas, type Pending, type Update } from './matrix-model';
import { MatrixAreaTable } from './MatrixAreaTable';
import { MatrixPreviewDialog } from './MatrixPreviewDialog';
import { refusalMessage } from '../data/http';


/**
 * The permission matrix as people read it: areas and tables by label, actions in words, a search,
 * and toggles for a whole role, an action on every table, an area or a table. Toggles only mark
 * cells; "Review and save" previews their effect and saves them with a reason as one change set,
 * which "Undo change set" reverts. Whoever may read the matrix but not edit it (or not manage
 * permissions) sees it disabled.
 */
export function PermissionMatrix() {
  const notify = useNotify();
  const items = useFeature('permissions');
  // Editing needs the item's edit, and its cells are fields only a permission manager sets (locked otherwise).
  const mayEdit = !!items?.actions.includes('edit') && !items.fields.some((f) => f.locked);
  const matrix = useQuery({ queryKey: ['permission-matrix'], queryFn: loadMatrix });
  const [pending, setPending] = useState<Pending>(new Map());
  const [search, setSearch] = useState('');
  const [reviewing, setReviewing] = useState(false);
  const [saved, setSaved] = useState<MatrixDiff | null>(null);
  const areas = useMemo(() => (matrix.data ? visibleAreas(matrix.data, search) : []), [matrix.data, search]);
  // Stable, so an area whose cells did not change is not redrawn (the matrix has ~1,000 checkboxes).
  const changed = useCallback((update: Update) => {
    setPending(update);
    setSaved(null);
  }, []);
  if (matrix.error) return <Alert severity="error">The permission matrix could not be loaded: {refusalMessage(matrix.error)}</Alert>;
  if (!matrix.data) return <Typography sx={{ p: 2 }}>Loading…</Typography>;
  const { roles, actions, version } = matrix.data;
  const shown = areas.flatMap((a) => a.items);
  const onSaved = async (result: MatrixDiff) => {
    setReviewing(false);
    setPending(new Map());
    setSaved(result);
    reloadPermissions();
    await matrix.refetch();
  };
  const undo = async (txid: number) => {
    try {
      await dataProvider.revertChangeSet(txid);
      setSaved(null);
      reloadPermissions();
      await matrix.refetch();
      notify(`Change set ${txid} undone`, { type: 'info' });
    } catch (e) {
      notify(refusalMessage(e), { type: 'error' });
    }
  };
  return (
    <Box sx={{ p: 2 }}>
      <Title title="Permission matrix" />
      <Paper sx={{ p: 2, mb: 3, display: 'flex', flexWrap: 'wrap', gap: 2, alignItems: 'center', position: 'sticky', top: 0, zIndex: 2 }}>
        <TextField type="search" size="small" label="Search permissions" value={search} onChange={(e) => setSearch(e.target.value)} helperText="Table, action or area; toggles apply to what is shown" />
        <Typography role="status" sx={{ flexGrow: 1 }}>
          {pending.size === 0 ? 'No unsaved changes' : `${pending.size} unsaved ${pending.size === 1 ? 'change' : 'changes'}`}
        </Typography>
        <Button disabled={pending.size === 0} onClick={() => setPending(new Map())}>
          Discard changes
        </Button>
        <Button variant="contained" disabled={!mayEdit || pending.size === 0} onClick={() => setReviewing(true)}>
          Review and save…
        </Button>
      </Paper>
      {saved?.txid && (
        <Alert
          severity="success"
          sx={{ mb: 3 }}
          action={
            <Button color="inherit" size="small" onClick={() => undo(saved.txid!)}>
              Undo change set
            </Button>
          }
        >
          Saved as change set {saved.txid}: {saved.cells} permission {saved.cells === 1 ? 'change' : 'changes'}.
        </Alert>
      )}
      {shown.length === 0 ? (
        <Typography sx={{ p: 2 }}>No permission matches “{search}”.</Typography>
      ) : (
        <ActionToggles items={shown} roles={roles} actions={actions} pending={pending} disabled={!mayEdit} onChange={changed} />
      )}
      {areas.map((a) => (
        <MatrixAreaTable key={a.title} title={a.title} items={a.items} roles={roles} pending={pending} disabled={!mayEdit} onChange={changed} />
      ))}
      <MatrixPreviewDialog open={reviewing} version={version} changes={changesOf(pending)} onClose={() => setReviewing(false)} onSaved={onSaved} />
    </Box>
  );
}
