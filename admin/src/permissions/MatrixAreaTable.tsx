import { Checkbox, TableCell, TableRow, Typography } from '@mui/material';
import { Fragment, memo } from 'react';
import type { MatrixItem, MatrixRole } from '../../../contract/permission-matrix';
import { byTable, cellKey, effective, groupState, sameCells, toggleGroup, withCells, type Pending, type Update } from './matrix-model';
import { GroupToggle } from './GroupToggle';
import { MatrixSection } from './MatrixSection';

interface Props {
  title: string;
  items: MatrixItem[];
  roles: MatrixRole[];
  pending: Pending;
  disabled: boolean;
  onChange: (update: Update) => void;
}

/**
 * One area of the matrix: its tables by label, each with its actions in words, roles as columns.
 * The area's first row toggles the whole area for a role, each table's row all of that table's
 * actions; a changed cell is marked until it is saved.
 */
export const MatrixAreaTable = memo(AreaTable, (a, b) => a.items === b.items && a.roles === b.roles && a.disabled === b.disabled && a.onChange === b.onChange && sameCells(a.pending, b.pending, a.items, a.roles.map((r) => r.role)));

function AreaTable({ title, items, roles, pending, disabled, onChange }: Props) {
  const id = `area-${title.replace(/\W+/g, '-')}`;
  return (
    <MatrixSection id={id} title={title} first="Permission" roles={roles} testId={`category-${title}`}>
      <TableRow sx={{ bgcolor: 'action.hover' }}>
        <TableCell component="th" scope="row">
          <strong>Whole area</strong>
        </TableCell>
        {roles.map((r) => (
          <TableCell key={r.role} align="center" padding="checkbox">
            <GroupToggle state={groupState(pending, items, r.role)} label={`All of ${title} for ${r.label}`} disabled={disabled} onToggle={() => onChange((p) => toggleGroup(p, items, [r.role]))} />
          </TableCell>
        ))}
      </TableRow>
      {byTable(items).map((group) => (
        <Fragment key={group.table}>
          <TableRow>
            <TableCell component="th" scope="row">
              <strong>{group.table}</strong>
            </TableCell>
            {roles.map((r) => (
              <TableCell key={r.role} align="center" padding="checkbox">
                <GroupToggle state={groupState(pending, group.items, r.role)} label={`Everything on ${group.table} for ${r.label}`} disabled={disabled} onToggle={() => onChange((p) => toggleGroup(p, group.items, [r.role]))} />
              </TableCell>
            ))}
          </TableRow>
          {group.items.map((item) => (
            <TableRow key={item.id} data-permission={item.name}>
              <TableCell sx={{ pl: 4 }}>
                {item.words}
                <Typography component="span" variant="caption" color="text.secondary" sx={{ ml: 1 }}>
                  {item.name}
                </Typography>
              </TableCell>
              {roles.map((r) => {
                const changed = pending.has(cellKey(item.name, r.role));
                return (
                  <TableCell key={r.role} align="center" padding="checkbox" sx={changed ? { bgcolor: 'warning.light' } : undefined} data-changed={changed || undefined}>
                    <Checkbox
                      checked={effective(pending, item, r.role)}
                      disabled={disabled}
                      onChange={(e) => {
                            const value = e.target.checked;
                            onChange((p) => withCells(p, [{ item, role: r.role }], value));
                          }}
                      slotProps={{ input: { 'aria-label': `${item.table}: ${item.words} for ${r.label}${changed ? ' (changed, not saved)' : ''}` } }}
                    />
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </Fragment>
      ))}
    </MatrixSection>
  );
}
