import {
  AutocompleteArrayInput,
  AutocompleteInput,
  BooleanInput,
  DateInput,
  DateTimeInput,
  FormDataConsumer,
  NullableBooleanInput,
  NumberInput,
  ReferenceInput,
  SelectInput,
  TextArrayInput,
  TextInput,
  TimeInput,
  required,
  useGetList,
  type Validator,
} from 'react-admin';
import { isMoney, represent, type FieldMeta } from '../data/meta';
import { KeyReferenceInput } from './KeyReference';

/** JSONB: edited as text, refused until it parses, stored as the parsed value. */
const validJson: Validator = (value: unknown) => {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  try {
    JSON.parse(value);
    return undefined;
  } catch {
    return 'Not valid JSON';
  }
};

function JsonInput({ field }: { field: FieldMeta }) {
  return (
    <TextInput
      source={field.name}
      label={field.label}
      multiline
      minRows={3}
      fullWidth
      format={(v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v, null, 2))}
      parse={(v: string) => {
        if (v.trim() === '') return null;
        try {
          return JSON.parse(v);
        } catch {
          return v;
        }
      }}
      validate={validJson}
    />
  );
}

/** An array whose elements must exist elsewhere (claim.modifiers in modifier.code): chips from that list. */
function ElementsInput({ field }: { field: FieldMeta }) {
  const target = field.elementsReference!;
  const { data = [], isSuccess } = useGetList(target.resource, { pagination: { page: 1, perPage: 1000 }, sort: { field: target.field, order: 'ASC' } });
  const known = data.map((r) => ({ id: r[target.field], name: String(r[target.field]) }));
  const ids = new Set(known.map((c) => String(c.id)));
  return (
    <FormDataConsumer>
      {({ formData }) => {
        // Every value is a chip that can be removed, also one typed in that the list does not know
        // (marked: the server refuses it) or one the user may not list.
        const values: unknown[] = Array.isArray(formData?.[field.name]) ? formData[field.name] : [];
        const extra = values.filter((v) => !ids.has(String(v))).map((v) => ({ id: v, name: isSuccess ? `${String(v)} (unknown)` : String(v) }));
        return <AutocompleteArrayInput source={field.name} label={field.label} choices={[...known, ...extra]} onCreate={(v?: string) => ({ id: v?.trim(), name: v?.trim() })} fullWidth />;
      }}
    </FormDataConsumer>
  );
}

/** Column type -> input. Server-managed (read-only) fields never reach here. */
export function inputFor(field: FieldMeta, readable?: Set<string>) {
  const validate = field.required ? required() : undefined;
  const common = { source: field.name, label: field.label, key: field.name, validate };
  if (field.reference && (!readable || readable.has(field.reference.resource))) {
    if (field.reference.field !== 'id') return <KeyReferenceInput key={field.name} field={field} validate={validate} />;
    const { resource, representation } = field.reference;
    return (
      <ReferenceInput source={field.name} key={field.name} reference={resource}>
        <AutocompleteInput
          label={field.label}
          validate={validate}
          optionText={(r: Record<string, unknown>) => represent(representation, r)}
          filterToQuery={(q: string) => ({ q })}
        />
      </ReferenceInput>
    );
  }
  if (field.reference && field.type !== 'text') return <NumberInput {...common} step={1} />;
  if (field.choices) return <SelectInput {...common} choices={field.choices.map((c) => ({ id: c, name: c }))} emptyText={field.nullable ? '—' : undefined} />;
  switch (field.type) {
    case 'boolean':
      return field.nullable ? <NullableBooleanInput {...common} /> : <BooleanInput {...common} />;
    case 'date':
      return <DateInput {...common} />;
    case 'time':
      return <TimeInput {...common} parse={(v: string) => (v ? v.slice(0, 8) : null)} format={(v: unknown) => (typeof v === 'string' ? v.slice(0, 5) : '')} />;
    case 'timestamp':
      return <DateTimeInput {...common} />;
    case 'integer':
    case 'smallint':
    case 'bigint':
      return <NumberInput {...common} step={1} />;
    case 'decimal':
      return <NumberInput {...common} step={isMoney(field) ? 0.01 : 'any'} />;
    case 'text[]':
      return field.elementsReference ? <ElementsInput key={field.name} field={field} /> : <TextArrayInput {...common} />;
    case 'json':
      return <JsonInput key={field.name} field={field} />;
    default:
      return <TextInput {...common} multiline={field.multiline} minRows={field.multiline ? 2 : undefined} fullWidth={field.multiline} />;
  }
}

/** Filter inputs by type: selects for enums, ranges for dates and numbers, references by autocomplete. */
export function filtersFor(fields: FieldMeta[], readable?: Set<string>) {
  const out = [<TextInput key="q" source="q" label="Search" alwaysOn resettable />];
  for (const f of fields) {
    if (f.reference && readable && !readable.has(f.reference.resource)) {
      if (f.type !== 'text') out.push(<NumberInput key={f.name} source={f.name} label={f.label} />);
    } else if (f.reference && f.reference.field !== 'id') {
      out.push(<TextInput key={f.name} source={f.name} label={f.label} />);
    } else if (f.reference) {
      out.push(
        <ReferenceInput key={f.name} source={f.name} reference={f.reference.resource} label={f.label}>
          <AutocompleteInput label={f.label} optionText={(r: Record<string, unknown>) => represent(f.reference!.representation, r)} filterToQuery={(q: string) => ({ q })} />
        </ReferenceInput>,
      );
    } else if (f.choices) out.push(<SelectInput key={f.name} source={f.name} label={f.label} choices={f.choices.map((c) => ({ id: c, name: c }))} />);
    else if (f.type === 'boolean') out.push(<NullableBooleanInput key={f.name} source={f.name} label={f.label} />);
    else if (f.type === 'date' || f.type === 'timestamp') {
      out.push(<DateInput key={`${f.name}_gte`} source={`${f.name}_gte`} label={`${f.label} from`} />);
      out.push(<DateInput key={`${f.name}_lte`} source={`${f.name}_lte`} label={`${f.label} to`} />);
    } else if (f.type === 'text[]' || f.type === 'bigint[]') out.push(<TextInput key={f.name} source={f.name} label={`${f.label} contains`} />);
    else if (f.type === 'text') out.push(<TextInput key={`${f.name}_like`} source={`${f.name}_like`} label={f.label} />);
    else if (f.type === 'decimal' || f.type === 'integer' || f.type === 'smallint') {
      out.push(<NumberInput key={`${f.name}_gte`} source={`${f.name}_gte`} label={`${f.label} ≥`} />);
      out.push(<NumberInput key={`${f.name}_lte`} source={`${f.name}_lte`} label={`${f.label} ≤`} />);
    }
  }
  return out;
}
