import { Paper, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import type { MatrixRole } from '../../../contract/permission-matrix';

/** A titled table of the matrix with one column per role; its rows are the children. */
export function MatrixSection({ id, title, first, roles, testId, children }: { id: string; title: string; first: string; roles: MatrixRole[]; testId?: string; children: ReactNode }) {
  return (
    <Paper sx={{ mb: 3, overflowX: 'auto' }} data-testid={testId} component="section" aria-labelledby={id}>
      <Typography variant="h6" component="h2" id={id} sx={{ p: 2, pb: 0 }}>
        {title}
      </Typography>
      <Table size="small">
        <TableHead>
          <TableRow>
            <TableCell>{first}</TableCell>
            {roles.map((r) => (
              <TableCell key={r.role} align="center">
                {r.label}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>{children}</TableBody>
      </Table>
    </Paper>
  );
}
