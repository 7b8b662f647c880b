import { Alert, Box, Chip, Table, TableBody, TableCell, TableRow } from '@mui/material';
import type { ChangeSetResult } from '../../../contract/change-set';
import { NOT_RECORDED, ValueText } from '../fields/values';
import { Headings } from '../layout/Headings';

const show = (v: unknown) => (v === null || v === undefined ? NOT_RECORDED : typeof v === 'boolean' ? (v ? 'Yes' : 'No') : typeof v === 'object' ? JSON.stringify(v) : String(v));
const COLOR = { insert: 'success', update: 'info', unchanged: 'default', error: 'error' } as const;
/** A preview of thousands of rows is summarised; the table shows the first ones (errors first). */
const SHOWN = 200;
const MANAGED = new Set(['id', 'created_at', 'updated_at', 'created_by', 'updated_by', 'last_modified_at']);

/** The dry run of an import or bulk edit: counts, then each row's insert, before -> after, or errors. */
export function ChangeSetPreview({ result, keyFields = [] }: { result: ChangeSetResult; keyFields?: string[] }) {
  const { counts } = result;
  const rows = [...result.rows.filter((r) => r.action === 'error'), ...result.rows.filter((r) => r.action !== 'error')].slice(0, SHOWN);
  return (
    <Box data-testid="change-set-preview">
      <Alert severity={counts.errors ? 'error' : 'info'} sx={{ mb: 1 }}>
        {counts.rows} rows: {counts.insert} to insert, {counts.update} to update, {counts.unchanged} unchanged, {counts.errors} with errors
        {counts.errors ? ' — fix them before applying (nothing is written while any row fails)' : ''}
      </Alert>
      <Table size="small">
        <Headings cells={['Line', 'Action', 'Record', 'Details']} />
        <TableBody>
          {rows.map((r) => (
            <TableRow key={r.line} data-line={r.line} data-action={r.action}>
              <TableCell>{r.line}</TableCell>
              <TableCell>
                <Chip size="small" label={r.action} color={COLOR[r.action]} />
              </TableCell>
              <TableCell>{r.action === 'insert' ? 'new' : r.id ? `#${r.id}` : ''}</TableCell>
              <TableCell sx={{ wordBreak: 'break-word' }}>
                {r.errors &&
                  Object.entries(r.errors).map(([field, why]) => (
                    <Box key={field} sx={{ color: 'error.main' }} data-error-field={field}>
                      {field === '_record' ? why : `${field}: ${why}`}
                    </Box>
                  ))}
                {r.changes?.map((c) => (
                  <Box key={c.field} data-diff-field={c.field}>
                    {c.field}: <Box component="span" sx={{ color: 'error.main', textDecoration: 'line-through' }}><ValueText value={c.before} /></Box> → <Box component="span" sx={{ color: 'success.main' }}><ValueText value={c.after} /></Box>
                  </Box>
                ))}
                {r.record &&
                  Object.entries(r.record)
                    .filter(([k, v]) => v !== null && !MANAGED.has(k))
                    .sort(([a], [b]) => Number(keyFields.includes(b)) - Number(keyFields.includes(a)))
                    .slice(0, 6)
                    .map(([k, v]) => `${k}: ${show(v)}`)
                    .join(' · ')}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {result.rows.length > SHOWN && <Box sx={{ mt: 1, color: 'text.secondary' }}>… and {result.rows.length - SHOWN} more rows</Box>}
    </Box>
  );
}
