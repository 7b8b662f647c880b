import CheckIcon from '@mui/icons-material/Check';
import CloseIcon from '@mui/icons-material/Close';
import { Box } from '@mui/material';
import type { ReactNode } from 'react';
import { useRecordContext } from 'react-admin';
import type { FieldMeta } from '../data/meta';

/**
 * How the console draws a value that is not there. NULL is "not recorded", never drawn like a real
 * value: not as ✕ for a yes/no, not as 0 or $0.00, not as an empty list. Lists, show pages, diffs,
 * previews and filters all take their wording from here.
 */
export const NOT_RECORDED = 'not recorded';

/**
 * The filter value meaning "this field is NULL". react-admin drops null and '' from filters, so a
 * filter choice needs a value of its own; the data provider turns it into `<field>_null: true`.
 */
export const NOT_RECORDED_FILTER = '(not recorded)';

// In pixels, as strings: MUI's sx reads a number up to 1 as a fraction (width: 1 is 100%), and the
// "hidden" text was as wide as the page, widening it by a thousand pixels at 1,920.
const hidden = { position: 'absolute', width: '1px', height: '1px', margin: '-1px', padding: 0, border: 0, overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' } as const;

/** "not recorded", muted; in a list cell a dash, which still reads "not recorded" aloud and on hover. */
function NotRecorded({ short = false }: { short?: boolean }) {
  const sx = { color: 'text.secondary', fontStyle: 'italic' };
  if (!short) return <Box component="span" sx={sx} data-empty="true">{NOT_RECORDED}</Box>;
  return (
    <Box component="span" sx={{ ...sx, position: 'relative' }} title={NOT_RECORDED} data-empty="true">
      <span aria-hidden="true">—</span>
      <Box component="span" sx={hidden}>{NOT_RECORDED}</Box>
    </Box>
  );
}

const isEmptyValue = (v: unknown) => v === null || v === undefined;

/** A yes/no value in words (the icon only repeats them): Yes, No, or not recorded. */
export function YesNo({ value }: { value: unknown }) {
  if (isEmptyValue(value)) return <NotRecorded />;
  const yes = value === true;
  return (
    <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5 }} data-yes-no={yes ? 'yes' : 'no'}>
      {yes ? <CheckIcon fontSize="small" aria-hidden="true" color="success" /> : <CloseIcon fontSize="small" aria-hidden="true" color="action" />}
      <span>{yes ? 'Yes' : 'No'}</span>
    </Box>
  );
}

/**
 * A field's value from the record in context, or "not recorded" when it is NULL. It carries the
 * props a Datagrid column reads (source, label, sortable, textAlign), so it can be a column itself.
 */
export function Recorded({ source, inList, children }: { source: string; label?: string; sortable?: boolean; textAlign?: 'right' | 'left'; inList?: boolean; children: ReactNode }) {
  const record = useRecordContext();
  if (record && isEmptyValue(record[source])) return <NotRecorded short={inList} />;
  return <>{children}</>;
}

/** A value as text, for diffs and previews, by the field's type where it is known. */
export function ValueText({ value, field }: { value: unknown; field?: FieldMeta }) {
  if (isEmptyValue(value)) return <NotRecorded />;
  if (field?.display === 'yes-no' || typeof value === 'boolean') return <YesNo value={value} />;
  return <>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</>;
}

/** The choices a yes/no filter offers: Yes, No, and (for a nullable field) not recorded. */
export function yesNoFilterChoices(field: FieldMeta) {
  return [{ id: 'true', name: 'Yes' }, { id: 'false', name: 'No' }, ...(field.nullable ? [{ id: NOT_RECORDED_FILTER, name: 'Not recorded' }] : [])];
}

/** A list filter as the server reads it: a "not recorded" choice becomes `<field>_null: true`. */
export function toServerFilter(filter: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(filter ?? {})) {
    if (v === NOT_RECORDED_FILTER) out[`${k}_null`] = true;
    else out[k] = v;
  }
  return out;
}
