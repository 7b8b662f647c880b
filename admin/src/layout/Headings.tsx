import { TableCell, TableHead, TableRow } from '@mui/material';
import type { ReactNode } from 'react';

/** A table's heading row, one cell a heading (an empty string for a column of buttons). */
export function Headings({ cells }: { cells: ReactNode[] }) {
  return (
    <TableHead>
      <TableRow>
        {cells.map((c, i) => (
          <TableCell key={i}>{c}</TableCell>
        ))}
      </TableRow>
    </TableHead>
  );
}
