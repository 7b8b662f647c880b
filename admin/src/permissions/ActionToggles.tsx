import { Paper, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { MatrixItem, MatrixRole } from './matrix-api';
import { groupState, toggleGroup, type Pending } from './matrix-model';
import { GroupToggle } from './GroupToggle';

interface Props {
  items: MatrixItem[];
  roles: MatrixRole[];
  actions: { action: string; words: string }[];
  pending: Pending;
  disabled: boolean;
  onChange: (next: Pending) => void;
}

/**
 * The matrix's column toggles: everything shown for a role, and one action for every table shown
 * (a search narrows both to what it found).
 */
export function ActionToggles({ items, roles, actions, pending, disabled, onChange }: Props) {
  const rows = [
    { key: 'everything', label: 'Everything shown', items },
    ...actions.map((a) => ({ key: a.action, label: `${a.words}, on every table`, items: items.filter((i) => i.resource && i.action === a.action) })),
  ].filter((r) => r.items.length > 0);
  return (
    <Paper sx={{ mb: 3, overflowX: 'auto' }} component="section" aria-labelledby="matrix-columns">
      <Typography variant="h6" component="h2" id="matrix-columns" sx={{ p: 2, pb: 0 }}>
        For a whole role
      </Typography>
      <Table size="small">
        <TableHead>
          <TableRow>
            <TableCell>Toggle</TableCell>
            {roles.map((r) => (
              <TableCell key={r.role} align="center">
                {r.label}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((row) => (
            <TableRow key={row.key} data-toggle={row.key}>
              <TableCell component="th" scope="row">
                {row.label}
              </TableCell>
              {roles.map((r) => (
                <TableCell key={r.role} align="center" padding="checkbox">
                  <GroupToggle state={groupState(pending, row.items, r.role)} label={`${row.label} for ${r.label}`} disabled={disabled} onToggle={() => onChange(toggleGroup(pending, row.items, [r.role]))} />
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Paper>
  );
}
