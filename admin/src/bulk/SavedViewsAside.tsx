import BookmarkIcon from '@mui/icons-material/BookmarkBorder';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import { Box, Button as MuiButton, Card, CardContent, IconButton, List, ListItemButton, ListItemText, ListSubheader, MenuItem, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { useCreate, useDelete, useGetIdentity, useGetList, useListContext, useNotify, useStore } from 'react-admin';
import { useMetaOf } from '../data/use-meta';
import { useFeatureName } from '../data/features';

/** The declared resource that keeps saved views (server/schema/saved-view.entity.ts). */

interface SavedView {
  id: number;
  name: string;
  filter: Record<string, unknown>;
  sort: { field: string; order: 'ASC' | 'DESC' } | null;
  columns: string[] | null;
  shared_with_role: string | null;
  created_by: number | null;
}

type Column = { index: string; source?: string };

/**
 * The list's sidebar: the caller's saved views of this resource (their own and those shared with
 * their role, as the server scopes them), applied with one click, and the current filters, sort and
 * columns saved under a name, privately or for a role.
 */
export function SavedViewsAside({ onApplied }: { onApplied?: () => void } = {}) {
  const { resource, filterValues, setFilters, sort, setSort } = useListContext();
  const savedViews = useFeatureName('saved-views') ?? '';
  const viewsMeta = useMetaOf(savedViews);
  const roles = viewsMeta?.fields.find((f) => f.name === 'shared_with_role')?.choices ?? [];
  const { identity } = useGetIdentity();
  const notify = useNotify();
  const key = `preferences.${resource}.datagrid`;
  const [available] = useStore<Column[]>(`${key}.availableColumns`, []);
  const [columns, setColumns] = useStore<string[] | undefined>(`${key}.columns`);
  const { data: views = [], refetch } = useGetList<SavedView>(savedViews, { filter: { resource }, sort: { field: 'name', order: 'ASC' }, pagination: { page: 1, perPage: 100 } }, { enabled: !!viewsMeta });
  const [create] = useCreate();
  const [remove] = useDelete();
  const [name, setName] = useState('');
  const [role, setRole] = useState('');
  if (!viewsMeta) return null;

  const apply = (view: SavedView) => {
    setFilters(view.filter ?? {}, {});
    if (view.sort) setSort(view.sort);
    if (view.columns) {
      const bySource = new Map(available.map((c) => [c.source, c.index]));
      setColumns(view.columns.map((s) => bySource.get(s)).filter((i): i is string => i !== undefined));
    }
    onApplied?.();
  };
  const save = () => {
    const shown = columns?.map((i) => available.find((c) => c.index === i)?.source).filter((s): s is string => !!s) ?? null;
    const data = { name: name.trim(), resource, filter: filterValues ?? {}, sort, columns: shown, shared_with_role: role || null };
    create(savedViews, { data }, {
      onSuccess: () => {
        notify(`View "${data.name}" saved`, { type: 'success' });
        setName('');
        void refetch();
      },
      onError: (e) => notify((e as { message?: string }).message ?? 'Could not save the view', { type: 'error' }),
    });
  };
  const drop = (view: SavedView) =>
    remove(savedViews, { id: view.id, previousData: view }, { mutationMode: 'pessimistic', onSuccess: () => void refetch() });

  return (
    <Card elevation={0} sx={{ width: '100%' }} data-testid="saved-views">
      <CardContent sx={{ p: 1 }}>
        <List dense subheader={<ListSubheader disableSticky>Saved views</ListSubheader>}>
          {views.length === 0 && <Typography variant="body2" color="text.secondary" sx={{ px: 2 }}>None yet</Typography>}
          {views.map((v) => (
            <ListItemButton key={v.id} onClick={() => apply(v)}>
              <BookmarkIcon fontSize="small" sx={{ mr: 1 }} />
              <ListItemText primary={v.name} secondary={v.shared_with_role ? `shared with ${v.shared_with_role}` : 'private'} />
              {identity && v.created_by === identity.id && (
                <IconButton size="small" aria-label={`Delete view ${v.name}`} onClick={(e) => { e.stopPropagation(); drop(v); }}>
                  <DeleteIcon fontSize="small" />
                </IconButton>
              )}
            </ListItemButton>
          ))}
        </List>
        {viewsMeta.actions.includes('create') && (
          <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1, p: 1 }}>
            <TextField size="small" label="Save current view as" value={name} onChange={(e) => setName(e.target.value)} />
            <TextField select size="small" label="Visible to" value={role} onChange={(e) => setRole(e.target.value)}>
              <MenuItem value="">Only me</MenuItem>
              {roles.map((r) => (
                <MenuItem key={r} value={r}>
                  Role: {r}
                </MenuItem>
              ))}
            </TextField>
            <MuiButton size="small" variant="outlined" disabled={!name.trim()} onClick={save}>
              Save view
            </MuiButton>
          </Box>
        )}
      </CardContent>
    </Card>
  );
}
