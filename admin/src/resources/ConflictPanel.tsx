import { Alert, AlertTitle, Button, ToggleButton, ToggleButtonGroup, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import { RecordContextProvider, useRefresh } from 'react-admin';
import { useFormContext, useWatch } from 'react-hook-form';
import type { AuditEvent } from '../../../contract/audit';
import type { FieldMeta, ResourceMeta } from '../data/meta';
import { useReadable } from '../data/use-meta';
import { fieldFor } from '../fields/field-registry';
import { Headings } from '../layout/Headings';

type Row = Record<string, unknown>;

/**
 * An optimistic-lock conflict: the record the user loaded (`base`), what they tried to save
 * (`yours`), the server's version now (`current`, from the 409: only the fields this caller may
 * see) and the record's history, which says who changed what and when.
 */
export interface Conflict {
  base: Row;
  yours: Row;
  current: Row;
  events: AuditEvent[];
}

/** One value as the form and the server may each write it (80.5 and "80.50", null and ""). */
export function sameValue(a: unknown, b: unknown): boolean {
  const empty = (v: unknown) => v === null || v === undefined || v === '';
  if (empty(a) || empty(b)) return empty(a) && empty(b);
  if (Array.isArray(a) || Array.isArray(b) || typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  if ((typeof a === 'number' || typeof b === 'number') && !Number.isNaN(Number(a)) && !Number.isNaN(Number(b))) return Number(a) === Number(b);
  return String(a) === String(b);
}

/** The newest event of the record's history that changed `field`. */
function lastChange(events: AuditEvent[], field: string): AuditEvent | undefined {
  return [...events].sort((a, b) => b.occurred_at.localeCompare(a.occurred_at) || b.id - a.id).find((e) => e.changes.some((c) => c.field === field));
}

const byWhom = (e: AuditEvent | undefined) => (e ? `${e.user_name ?? 'Someone'}, ${new Date(e.occurred_at).toLocaleString()}` : 'Someone else');

/**
 * Both sides of a conflict, field by field: what the other person saved (who, when) beside what
 * this user typed. The form was reset to the server's version keeping the user's unsaved values
 * (ResourceEdit), so a field only the other person changed is already theirs, and a field both
 * changed stays the user's until they take the other's. Saving again sends the new version.
 */
export function ConflictPanel({ meta, conflict }: { meta: ResourceMeta; conflict: Conflict }) {
  const readable = useReadable();
  const refresh = useRefresh();
  const { setValue } = useFormContext();
  const values = useWatch() as Row;
  const { base, yours, current, events } = conflict;
  const changedByThem = meta.fields.filter((f) => !f.readOnly && f.name in current && !sameValue(base[f.name], current[f.name]));
  const show = (f: FieldMeta, record: Row) => <RecordContextProvider value={record}>{fieldFor(f, { readable })}</RecordContextProvider>;
  return (
    <Alert severity="warning" sx={{ width: '100%', mb: 2, '& .MuiAlert-message': { minWidth: 0, overflowX: 'auto' } }} data-testid="conflict" action={<Button color="inherit" size="small" onClick={() => refresh()}>Reload</Button>}>
      <AlertTitle>Someone else changed this record since you opened it</AlertTitle>
      <Typography variant="body2" sx={{ mb: 1 }}>
        Your change was not saved, and what you typed is still here. Their version is loaded under your changes: where you both changed a field, keep yours or take theirs, then save again.
      </Typography>
      <Table size="small" aria-label="Their changes beside yours">
        <Headings cells={['Field', 'Their value', 'Your value', 'Saved']} />
        <TableBody>
          {changedByThem.map((f) => {
            const both = !sameValue(yours[f.name], base[f.name]) && !sameValue(yours[f.name], current[f.name]);
            const taking = sameValue(values[f.name], current[f.name]) ? 'theirs' : 'mine';
            return (
              <TableRow key={f.name} data-testid={`conflict-${f.name}`}>
                <TableCell>{f.label}</TableCell>
                <TableCell>
                  {show(f, current)}
                  <Typography variant="caption" component="div" color="text.secondary">
                    {byWhom(lastChange(events, f.name))}
                  </Typography>
                </TableCell>
                <TableCell>{both ? show(f, { ...current, [f.name]: yours[f.name] }) : <em>not changed by you</em>}</TableCell>
                <TableCell>
                  {both ? (
                    <ToggleButtonGroup
                      exclusive
                      size="small"
                      value={taking}
                      aria-label={`${f.label}: which value to save`}
                      onChange={(_, pick: 'mine' | 'theirs' | null) => pick && setValue(f.name, pick === 'mine' ? yours[f.name] : current[f.name], { shouldDirty: true })}
                    >
                      <ToggleButton value="mine">Keep mine</ToggleButton>
                      <ToggleButton value="theirs">Take theirs</ToggleButton>
                    </ToggleButtonGroup>
                  ) : (
                    'Theirs'
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </Alert>
  );
}
