import { Table, TableBody, TableCell, TableRow } from '@mui/material';
import { FunctionField, RecordContextProvider, ReferenceField } from 'react-admin';
import { represent, type FieldMeta, type ResourceMeta } from '../data/meta';
import { useReadable } from '../data/use-meta';
import { ValueText } from '../fields/values';
import { fieldFor } from '../fields/field-registry';
import { Headings } from '../layout/Headings';

const show = (v: unknown) => (typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * One side of a change, drawn by the field registry as lists and show pages draw it (local dates
 * and times, money, chips for lists, yes/no/not recorded). A reference by id to a resource the user
 * may read shows the target's one-line representation (batched by react-admin), with its id.
 */
function Value({ field, value, readable }: { field: FieldMeta | undefined; value: unknown; readable: Set<string> }) {
  const ref = field?.reference;
  if (!field) return <ValueText value={value} />;
  if (!ref || ref.field !== 'id' || !readable.has(ref.resource) || value === null || value === undefined || typeof value === 'object') {
    return <RecordContextProvider value={{ id: `diff-${field.name}`, [field.name]: value }}>{fieldFor(field, { readable })}</RecordContextProvider>;
  }
  return (
    <RecordContextProvider value={{ id: `diff-${field.name}`, [field.name]: value }}>
      <ReferenceField source={field.name} reference={ref.resource} link="show" emptyText={show(value)}>
        <FunctionField render={(r: Record<string, unknown>) => `${represent(ref.representation, r)} (#${show(value)})`} />
      </ReferenceField>
    </RecordContextProvider>
  );
}

/** Before -> after of each changed field, labelled and shown as the resource's metadata says. */
export function DiffTable({ changes, meta, headings = ['Before', 'After'] }: { changes: { field: string; before: unknown; after: unknown }[]; meta?: ResourceMeta; headings?: [string, string] }) {
  const readable = useReadable();
  if (changes.length === 0) return null;
  const fieldOf = (name: string) => meta?.fields.find((f) => f.name === name);
  return (
    <Table size="small" sx={{ mt: 1 }}>
      <Headings cells={['Field', headings[0], headings[1]]} />
      <TableBody>
        {changes.map((c) => {
          const field = fieldOf(c.field);
          const label = field?.label ?? c.field;
          return (
            <TableRow key={c.field} data-field={label}>
              <TableCell>{label}</TableCell>
              <TableCell sx={{ color: 'error.main', wordBreak: 'break-word' }}>
                <Value field={field} value={c.before} readable={readable} />
              </TableCell>
              <TableCell sx={{ color: 'success.main', wordBreak: 'break-word' }}>
                <Value field={field} value={c.after} readable={readable} />
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
