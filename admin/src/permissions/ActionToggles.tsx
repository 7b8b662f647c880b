import { TableCell, TableRow } from '@mui/material';
import type { MatrixItem, MatrixRole } from '../../../contract/permission-matrix';
import { groupState, toggleGroup, type Pending, type Update } from './matrix-model';
import { GroupToggle } from './GroupToggle';
import { MatrixSection } from './MatrixSection';

interface Props {
  items: MatrixItem[];
  roles: MatrixRole[];
  actions: { action: string; words: string }[];
  pending: Pending;
  disabled: boolean;
  onChange: (update: Update) => void;
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
    <MatrixSection id="matrix-columns" title="For a whole role" first="Toggle" roles={roles}>
      {rows.map((row) => (
        <TableRow key={row.key} data-toggle={row.key}>
          <TableCell component="th" scope="row">
            {row.label}
          </TableCell>
          {roles.map((r) => (
            <TableCell key={r.role} align="center" padding="checkbox">
              <GroupToggle state={groupState(pending, row.items, r.role)} label={`${row.label} for ${r.label}`} disabled={disabled} onToggle={() => onChange((p) => toggleGroup(p, row.items, [r.role]))} />
            </TableCell>
          ))}
        </TableRow>
      ))}
    </MatrixSection>
  );
}
