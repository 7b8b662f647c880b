import { Box, Button as MuiButton, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, MenuItem, Radio, RadioGroup, TextField } from '@mui/material';
import { useState } from 'react';
import { useDataProvider } from 'react-admin';
import type { AppDataProvider, ImportBody } from '../data/data-provider';
import type { ResourceMeta } from '../data/meta';
import { ChangeSetPreview } from './ChangeSetPreview';
import { useChangeSet } from './use-change-set';

const IGNORE = '';

/**
 * Upload a CSV, adjust which field each column goes to (matched by name first), choose insert-only
 * or upsert by key fields, preview (nothing written), then apply with a reason: one change set.
 */
export function ImportDialog({ meta, open, onClose }: { meta: ResourceMeta; open: boolean; onClose: () => void }) {
  const dataProvider = useDataProvider<AppDataProvider>();
  const [file, setFile] = useState<{ name: string; csv: string } | null>(null);
  const [mode, setMode] = useState<'insert' | 'upsert'>('insert');
  const [key, setKey] = useState<string[]>([]);
  const [mapping, setMapping] = useState<Record<string, string | null>>({});
  const [reason, setReason] = useState('');
  const { preview, setPreview, problem, setProblem, busy, run: send } = useChangeSet(() => {
    reset();
    onClose();
  });
  const writable = meta.fields.filter((f) => !f.readOnly);
  const keyable = meta.fields.filter((f) => f.input !== 'json' && f.input !== 'chips');

  const reset = () => {
    setFile(null);
    setPreview(null);
    setMapping({});
    setReason('');
    setProblem(null);
  };
  const run = async (apply: boolean, next: Partial<ImportBody> = {}) => {
    if (!file) return;
    const body: ImportBody = { csv: file.csv, mode, key: mode === 'upsert' ? key : [], mapping, ...next };
    await send(
      apply,
      () => dataProvider.importCsv(meta.name, body, apply, apply ? reason : undefined),
      (result) => `Imported ${result.counts.insert} new and ${result.counts.update} updated ${meta.label.toLowerCase()} (change set ${result.txid ?? '—'})`,
    );
  };
  const choose = async (picked: File | undefined) => {
    if (!picked) return;
    const csv = await picked.text();
    setFile({ name: picked.name, csv });
    setPreview(null);
    // A corrected file keeps the column choices made for the previous one, where its header has them.
    const header = csv.split(/\r?\n/, 1)[0] ?? '';
    setMapping(Object.fromEntries(Object.entries(mapping).filter(([h]) => header.includes(h))));
  };
  // Upsert starts from the resource's own unique fields (a student's ssid, a modifier's code), or
  // its declared unique combination (a fee schedule code's procedure code and effective year).
  // A preview made for another mode or key no longer says what an apply would do: it goes.
  const chooseMode = (next: 'insert' | 'upsert') => {
    setMode(next);
    setPreview(null);
    const unique = meta.fields.filter((f) => f.unique && f.name !== 'id').map((f) => f.name);
    if (next === 'upsert' && key.length === 0) setKey(unique.length ? unique : (meta.uniqueTogether[0] ?? []));
  };
  const remap = (header: string, field: string) => {
    const next = { ...mapping, [header]: field === IGNORE ? null : field };
    setMapping(next);
    void run(false, { mapping: next });
  };

  return (
    <Dialog open={open} onClose={onClose} maxWidth="lg" fullWidth>
      <DialogTitle>Import {meta.label.toLowerCase()} from CSV</DialogTitle>
      <DialogContent>
        <Box sx={{ display: 'flex', gap: 2, alignItems: 'center', flexWrap: 'wrap', my: 1 }}>
          <MuiButton variant="outlined" component="label">
            {file ? file.name : 'Choose a CSV file'}
            <input hidden type="file" accept=".csv,text/csv" data-testid="import-file" onChange={(e) => void choose(e.target.files?.[0])} />
          </MuiButton>
          <RadioGroup row value={mode} onChange={(e) => chooseMode(e.target.value as 'insert' | 'upsert')}>
            <FormControlLabel value="insert" control={<Radio />} label="Insert new records only" />
            {meta.actions.includes('edit') && <FormControlLabel value="upsert" control={<Radio />} label="Update existing records by key" />}
          </RadioGroup>
          {mode === 'upsert' && (
            <TextField
              select
              size="small"
              label="Key fields"
              sx={{ width: 320 }}
              value={key}
              slotProps={{ select: { multiple: true } }}
              onChange={(e) => {
                setKey(typeof e.target.value === 'string' ? e.target.value.split(',') : (e.target.value as string[]));
                setPreview(null);
              }}
            >
              {keyable.map((f) => (
                <MenuItem key={f.name} value={f.name}>
                  {f.label}
                </MenuItem>
              ))}
            </TextField>
          )}
          <MuiButton variant="contained" disabled={!file || busy || (mode === 'upsert' && key.length === 0)} onClick={() => void run(false)}>
            Preview
          </MuiButton>
        </Box>
        {problem && <Box sx={{ color: 'error.main', my: 1 }} role="alert">{problem}</Box>}
        {preview?.columns && (
          <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', my: 2 }} data-testid="import-mapping">
            {preview.columns.map((c) => (
              <TextField key={c.header} select size="small" label={`Column “${c.header}”`} value={c.field ?? IGNORE} sx={{ width: 220 }} onChange={(e) => remap(c.header, e.target.value)}>
                <MenuItem value={IGNORE}>(ignore)</MenuItem>
                {[...writable, ...keyable.filter((f) => f.readOnly && key.includes(f.name))].map((f) => (
                  <MenuItem key={f.name} value={f.name}>
                    {f.label}
                  </MenuItem>
                ))}
              </TextField>
            ))}
          </Box>
        )}
        {preview && <ChangeSetPreview result={preview} keyFields={key} />}
      </DialogContent>
      <DialogActions>
        <TextField size="small" label="Reason for this import" value={reason} onChange={(e) => setReason(e.target.value)} sx={{ flex: 1, mx: 2 }} />
        <MuiButton onClick={onClose}>Cancel</MuiButton>
        <MuiButton
          variant="contained"
          disabled={busy || !preview || preview.applied || preview.counts.errors > 0 || preview.counts.insert + preview.counts.update === 0 || !reason.trim()}
          onClick={() => void run(true)}
        >
          Apply import
        </MuiButton>
      </DialogActions>
    </Dialog>
  );
}
