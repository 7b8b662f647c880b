import { Alert, Box, Checkbox, Paper, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Title, useGetList, useNotify, useUpdate } from 'react-admin';
import { reloadPermissions } from '../auth/auth-provider';
import { usePerms } from '../data/use-meta';
import { useFeature, useFeatureName } from '../data/features';

type Item = { id: number; name: string; category_id: number } & Record<string, unknown>;

/**
 * Categories as sections, permissions as rows, roles as checkboxes; each click saves at once.
 * Whoever may read the matrix but not edit it (a supervisor following a link) sees it disabled.
 */
export function PermissionMatrix() {
  const notify = useNotify();
  const itemsMeta = useFeature('permissions');
  const mayEdit = !!itemsMeta?.actions.includes('edit');
  const roles = (usePerms()?.roles ?? []).map((r) => [r.key, r.label] as const);
  // Asked for even where the caller may not list them: the refusal is what the page then says.
  const permissions = useFeatureName('permissions') ?? '';
  const areas = useFeatureName('permission-areas') ?? '';
  const [update] = useUpdate();
  const categories = useGetList(areas, { pagination: { page: 1, perPage: 1000 }, sort: { field: 'id', order: 'ASC' } });
  const items = useGetList<Item>(permissions, { pagination: { page: 1, perPage: 1000 }, sort: { field: 'name', order: 'ASC' } });
  if (categories.error || items.error) return <Alert severity="error">The permission matrix could not be loaded.</Alert>;
  if (!categories.data || !items.data) return <Typography sx={{ p: 2 }}>Loading…</Typography>;
  const toggle = (item: Item, role: string, value: boolean) =>
    update(
      permissions,
      { id: item.id, data: { [role]: value }, previousData: item },
      {
        mutationMode: 'pessimistic',
        onSuccess: () => {
          reloadPermissions();
          notify(`${item.name}: ${value ? 'granted to' : 'removed from'} ${role.replace('_', ' ')}`, { type: 'info' });
        },
        onError: (e) => notify((e as Error).message, { type: 'error' }),
      },
    );
  return (
    <Box sx={{ p: 2 }}>
      <Title title="Permission matrix" />
      {categories.data.map((c) => (
        <Paper key={c.id} sx={{ mb: 3, overflowX: 'auto' }} data-testid={`category-${c.title}`}>
          <Typography variant="h6" sx={{ p: 2, pb: 0 }}>
            {c.title}
          </Typography>
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>Permission</TableCell>
                {roles.map(([key, label]) => (
                  <TableCell key={key} align="center">
                    {label}
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {items.data.filter((i) => i.category_id === c.id).map((item) => (
                <TableRow key={item.id} data-permission={item.name}>
                  <TableCell>{item.name}</TableCell>
                  {roles.map(([key, label]) => (
                    <TableCell key={key} align="center" padding="checkbox">
                      <Checkbox checked={!!item[key]} disabled={!mayEdit} onChange={(e) => toggle(item, key, e.target.checked)} slotProps={{ input: { 'aria-label': `${item.name} for ${label}` } }} />
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Paper>
      ))}
    </Box>
  );
}
