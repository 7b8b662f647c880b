import { Chip, Stack, Typography } from '@mui/material';
import {
  DateField,
  FunctionField,
  NumberField,
  ReferenceField,
  TextField,
  useRecordContext,
} from 'react-admin';
import { isMoney, represent, type FieldMeta } from '../data/meta';
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
  const numeric = ['decimal', 'integer', 'smallint', 'bigint'].includes(field.type) && !field.reference;
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
  switch (field.type) {
    case 'boolean':
      return <FunctionField {...common} render={(r: Record<string, unknown>) => <YesNo value={r[field.name]} />} />;
    case 'date':
      return <DateField {...common} options={{ timeZone: 'UTC' }} />;
    case 'timestamp':
      return <DateField {...common} showTime />;
    case 'decimal':
      return isMoney(field) ? <NumberField {...common} options={{ style: 'currency', currency: 'USD' }} /> : <NumberField {...common} />;
    case 'integer':
    case 'smallint':
    case 'bigint':
      return <NumberField {...common} options={{ useGrouping: !field.name.endsWith('id') && field.name !== 'effective_year' }} />;
    case 'text[]':
    case 'bigint[]':
      return <FunctionField {...common} render={() => <Chips source={field.name} />} />;
    case 'json':
      return options.inList ? <FunctionField {...common} render={(r: Record<string, unknown>) => (r[field.name] ? '{…}' : '')} /> : <FunctionField {...common} render={() => <Json source={field.name} />} />;
    default:
      return <TextField {...common} />;
  }
}
