import { Chip, Stack, Typography } from '@mui/material';
import { DateField, FunctionField, NumberField, ReferenceField, TextField, useRecordContext } from 'react-admin';
import type { Display } from '../../../contract/meta';
import { represent, type FieldMeta } from '../data/meta';
import { keyReferenceColumn } from './KeyReference';
import { labelsOnly } from '../data/http';
import { Recorded, YesNo } from './values';

function Chips({ source }: { source: string }) {
  const record = useRecordContext();
  const values = (record?.[source] as string[] | null) ?? [];
  return (
    <Stack direction="row" spacing={0.5} useFlexGap sx={{ flexWrap: 'wrap' }}>
      {values.map((v) => (
        <Chip key={v} label={v} size="small" />
      ))}
    </Stack>
  );
}

function Json({ source }: { source: string }) {
  const record = useRecordContext();
  const value = record?.[source];
  if (value === null || value === undefined) return null;
  return (
    <Typography component="pre" variant="body2" sx={{ m: 0, fontFamily: 'monospace', whiteSpace: 'pre-wrap', maxWidth: 480 }}>
      {JSON.stringify(value, null, 2)}
    </Typography>
  );
}

/**
 * Column type -> display component, for lists and show pages. One rule per type; a declaration
 * beside the entity (choices, references, representation) refines it everywhere at once. A NULL of
 * any type is "not recorded" (values.tsx), never drawn like a value.
 */
export function fieldFor(field: FieldMeta, options: { inList?: boolean; readable?: Set<string> } = {}) {
  const common = { source: field.name, label: field.label, key: field.name, sortable: field.sortable };
  const numeric = ['number', 'plain-number', 'money'].includes(field.display) && !field.reference;
  return (
    <Recorded {...common} inList={options.inList} textAlign={numeric ? 'right' : undefined}>
      {valueFor(field, options)}
    </Recorded>
  );
}

/** The component that draws a value that is there. */
function valueFor(field: FieldMeta, options: { inList?: boolean; readable?: Set<string> }) {
  const common = { source: field.name, label: field.label, sortable: field.sortable };
  // A reference to a resource the user may not read shows its raw value rather than asking for it.
  if (field.reference && (!options.readable || options.readable.has(field.reference.resource))) {
    if (field.reference.field !== 'id') return keyReferenceColumn(field, common);
    const { resource, representation } = field.reference;
    return (
      <ReferenceField {...common} reference={resource} link={labelsOnly.has(resource) ? false : 'show'} emptyText="">
        <FunctionField render={(r: Record<string, unknown>) => represent(representation, r)} />
      </ReferenceField>
    );
  }
  return DISPLAYS[field.display](field, common, options);
}

type Common = { source: string; label: string; sortable: boolean };
type Draw = (field: FieldMeta, common: Common, options: { inList?: boolean }) => React.ReactElement;

/**
 * Display -> component. The server's column-type descriptor (or a declaration: money, a year)
 * names the display; the map covers every one, so a new display does not compile until drawn.
 */
const DISPLAYS: Record<Display, Draw> = {
  text: (_f, common) => <TextField {...common} />,
  number: (_f, common) => <NumberField {...common} />,
  'plain-number': (_f, common) => <NumberField {...common} options={{ useGrouping: false }} />,
  money: (f, common) => <NumberField {...common} options={{ style: 'currency', currency: f.currency ?? 'USD' }} />,
  'yes-no': (f, common) => <FunctionField {...common} render={(r: Record<string, unknown>) => <YesNo value={r[f.name]} />} />,
  date: (_f, common) => <DateField {...common} options={{ timeZone: 'UTC' }} />,
  time: (_f, common) => <TextField {...common} />,
  'date-time': (_f, common) => <DateField {...common} showTime />,
  chips: (f, common) => <FunctionField {...common} render={() => <Chips source={f.name} />} />,
  json: (f, common, options) =>
    options.inList ? <FunctionField {...common} render={(r: Record<string, unknown>) => (r[f.name] ? '{…}' : '')} /> : <FunctionField {...common} render={() => <Json source={f.name} />} />,
};
