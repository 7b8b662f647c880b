import { Checkbox } from '@mui/material';

/** A checkbox standing for a group of cells: checked when all are granted, indeterminate when some are. */
export function GroupToggle({ state, label, disabled, onToggle }: { state: 'all' | 'some' | 'none'; label: string; disabled: boolean; onToggle: () => void }) {
  return (
    <Checkbox
      size="small"
      checked={state === 'all'}
      indeterminate={state === 'some'}
      disabled={disabled}
      onChange={onToggle}
      slotProps={{ input: { 'aria-label': label } }}
    />
  );
}
