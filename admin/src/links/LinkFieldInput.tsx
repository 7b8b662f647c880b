import { Checkbox, MenuItem, TextField } from '@mui/material';
import type { FieldMeta } from '../data/meta';

const NUMERIC = new Set(['integer', 'smallint', 'bigint', 'decimal']);

/** A join table's own field (is_required, context_note, a membership's status) beside one link. */
export function LinkFieldInput({ field, value, label, disabled, onChange }: { field: FieldMeta; value: unknown; label: string; disabled: boolean; onChange: (value: unknown) => void }) {
  if (field.type === 'boolean') {
    return <Checkbox checked={value === true} disabled={disabled} onChange={(e) => onChange(e.target.checked)} slotProps={{ input: { 'aria-label': label } }} />;
  }
  const text = value === null || value === undefined ? '' : String(value);
  const common = { size: 'small' as const, value: text, disabled, label: field.label, slotProps: { htmlInput: { 'aria-label': label } } };
  if (field.choices) {
    return (
      <TextField select {...common} sx={{ minWidth: 140 }} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}>
        {field.nullable && <MenuItem value="">—</MenuItem>}
        {field.choices.map((c) => (
          <MenuItem key={c} value={c}>
            {c}
          </MenuItem>
        ))}
      </TextField>
    );
  }
  const type = field.type === 'date' ? 'date' : NUMERIC.has(field.type) ? 'number' : 'text';
  return (
    <TextField
      {...common}
      type={type}
      slotProps={{ htmlInput: { 'aria-label': label }, inputLabel: { shrink: true } }}
      onChange={(e) => onChange(e.target.value === '' ? null : type === 'number' ? Number(e.target.value) : e.target.value)}
    />
  );
}
