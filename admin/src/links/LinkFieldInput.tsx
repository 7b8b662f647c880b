import { Checkbox, MenuItem, TextField } from '@mui/material';
import type { FieldMeta } from '../data/meta';

/** A join table's own field (is_required, context_note, a membership's status) beside one link. */
export function LinkFieldInput({ field, value, label, disabled, onChange }: { field: FieldMeta; value: unknown; label: string; disabled: boolean; onChange: (value: unknown) => void }) {
  if (field.input === 'yes-no') {
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
  // The browser's own inputs for the kinds it has; everything else is typed as text.
  const type = field.input === 'date' ? 'date' : field.input === 'number' || field.input === 'decimal' ? 'number' : 'text';
  return (
    <TextField
      {...common}
      type={type}
      slotProps={{ htmlInput: { 'aria-label': label }, inputLabel: { shrink: true } }}
      onChange={(e) => onChange(e.target.value === '' ? null : type === 'number' ? Number(e.target.value) : e.target.value)}
    />
  );
}
