import { Box, Button as MuiButton, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, MenuItem, Radio, RadioGroup, TextField } from '@mui/material';
import { useState } from 'react';
import { useDataProvider, useListContext, useUnselectAll } from 'react-admin';
import type { AppDataProvider } from '../data/data-provider';
import type { FieldMeta, ResourceMeta } from '../data/meta';
import { ChangeSetPreview } from './ChangeSetPreview';
import { useChangeSet } from './use-change-set';

/** The typed value a PUT carries, from what was typed (empty: cleared). */
function valueOf(field: FieldMeta, text: string): unknown {
  if (text === '') return null;
  if (field.input === 'number' || field.input === 'decimal') return Number(text);
  if (field.input === 'yes-no') return text === 'true';
  if (field.input === 'chips') return text.split(',').map((s) => s.trim()).filter(Boolean);
  return text;
}

/**
 * Set one field on the selected rows or on every row the list's filter matches: the preview shows
 * how many rows and each one's change or refusal first; the apply is one change set with a reason.
 */
export function BulkEditDialog({ meta, open, onClose }: { meta: ResourceMeta; open: boolean; onClose: () => void }) {
  const { selectedIds, filterValues, resource } = useListContext();
  const dataProvider = useDataProvider<AppDataProvider>();
  const unselectAll = useUnselectAll(resource);
  const [scope, setScope] = useState<'selected' | 'filter'>('selected');
  const [fieldName, setFieldName] = useState('');
  const [text, setText] = useState('');
  const [reason, setReason] = useState('');
  const { preview, setPreview, problem, busy, run: send } = useChangeSet(() => {
    unselectAll();
    onClose();
  });
  const fields = meta.fields.filter((f) => !f.readOnly && f.input !== 'json');
  const field = fields.find((f) => f.name === fieldName);

  const run = async (apply: boolean) => {
    if (!field) return;
    const rows = scope === 'selected' ? { ids: selectedIds } : { filter: filterValues ?? {} };
    await send(
      apply,
      () => dataProvider.bulkUpdate(resource, { ...rows, data: { [field.name]: valueOf(field, text) } }, apply, apply ? reason : undefined),
      (result) => `Updated ${result.counts.update} ${meta.label.toLowerCase()} (change set ${result.txid ?? '—'})`,
    );
  };
  const changed = () => setPreview(null);

  return (
    <Dialog open={open} onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>Bulk edit {meta.label.toLowerCase()}</DialogTitle>
      <DialogContent>
        <RadioGroup row value={scope} onChange={(e) => { setScope(e.target.value as 'selected' | 'filter'); changed(); }}>
          <FormControlLabel value="selected" control={<Radio />} label={`The ${selectedIds.length} selected rows`} />
          <FormControlLabel value="filter" control={<Radio />} label="Every row matching the current filter" />
        </RadioGroup>
        <Box sx={{ display: 'flex', gap: 2, my: 1 }}>
          <TextField select size="small" label="Field" value={fieldName} sx={{ width: 240 }} onChange={(e) => { setFieldName(e.target.value); setText(''); changed(); }}>
            {fields.map((f) => (
              <MenuItem key={f.name} value={f.name}>
                {f.label}
              </MenuItem>
            ))}
          </TextField>
          {field && (field.choices || field.input === 'yes-no') ? (
            <TextField select size="small" label="New value" value={text} sx={{ width: 240 }} onChange={(e) => { setText(e.target.value); changed(); }}>
              {field.nullable && <MenuItem value="">(empty)</MenuItem>}
              {(field.choices ?? ['true', 'false']).map((c) => (
                <MenuItem key={c} value={c}>
                  {c}
                </MenuItem>
              ))}
            </TextField>
          ) : (
            <TextField
              size="small"
              label="New value"
              value={text}
              disabled={!field}
              type={field?.input === 'number' || field?.input === 'decimal' ? 'number' : field?.input === 'date' ? 'date' : 'text'}
              slotProps={{ inputLabel: { shrink: true } }}
              helperText={field?.input === 'chips' ? 'comma-separated' : field?.nullable ? 'empty clears the field' : ' '}
              onChange={(e) => { setText(e.target.value); changed(); }}
            />
          )}
          <MuiButton variant="contained" disabled={!field || busy} onClick={() => void run(false)}>
            Preview
          </MuiButton>
        </Box>
        {problem && <Box sx={{ color: 'error.main', my: 1 }} role="alert">{problem}</Box>}
        {preview && <ChangeSetPreview result={preview} />}
      </DialogContent>
      <DialogActions>
        <TextField size="small" label="Reason for this change" value={reason} onChange={(e) => setReason(e.target.value)} sx={{ flex: 1, mx: 2 }} />
        <MuiButton onClick={onClose}>Cancel</MuiButton>
        <MuiButton variant="contained" disabled={busy || !preview || preview.counts.errors > 0 || preview.counts.update === 0 || !reason.trim()} onClick={() => void run(true)}>
          {preview ? `Apply to ${preview.counts.update} rows` : 'Apply'}
        </MuiButton>
      </DialogActions>
    </Dialog>
  );
}
