import { Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Before -> after of each changed field. */
export function DiffTable({ changes }: { changes: { field: string; before: unknown; after: unknown }[] }) {
  if (changes.length === 0) return null;
  return (
    <Table size="small" sx={{ mt: 1 }}>
      <TableHead>
        <TableRow>
          <TableCell>Field</TableCell>
          <TableCell>Before</TableCell>
          <TableCell>After</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {changes.map((c) => (
          <TableRow key={c.field} data-field={c.field}>
            <TableCell>{c.field}</TableCell>
            <TableCell sx={{ color: 'error.main', wordBreak: 'break-word' }}>{show(c.before)}</TableCell>
            <TableCell sx={{ color: 'success.main', wordBreak: 'break-word' }}>{show(c.after)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
