import {
  AutocompleteArrayInput,
  AutocompleteInput,
  BooleanInput,
  DateInput,
  DateTimeInput,
  FormDataConsumer,
  NumberInput,
  ReferenceInput,
  SelectInput,
  TextArrayInput,
  TextInput,
  TimeInput,
  required,
  useGetList,
  useInput,
  type Validator,
} from 'react-admin';
import { MenuItem, TextField } from '@mui/material';
import type { Input } from '../../../contract/meta';
import { represent, type FieldMeta } from '../data/meta';
import { KeyReferenceInput } from './KeyReference';
import { NOT_RECORDED_FILTER, yesNoFilterChoices } from './values';
import { filterKey } from '../../../contract/filters';

/** A select whose empty choice is shown by its name ("Not recorded", "Any") rather than as a blank. */
const SHOW_EMPTY = { select: { displayEmpty: true }, inputLabel: { shrink: true } };

const NOT_RECORDED_CHOICE = 'not-recorded';

/**
 * A nullable yes/no: Yes, No, or "Not recorded", a choice of its own (not react-admin's empty item,
 * which reads "Clear value"), so NULL is chosen on purpose and never mistaken for No. A required
 * one is a switch, on or off.
 */
function YesNoInput({ field, validate, disabled, helperText }: { field: FieldMeta; validate?: Validator; disabled?: boolean; helperText?: string }) {
  const { field: input, fieldState, id } = useInput({
    source: field.name,
    validate,
    format: (v: unknown) => (v === true ? 'yes' : v === false ? 'no' : NOT_RECORDED_CHOICE),
    parse: (v: string) => (v === 'yes' ? true : v === 'no' ? false : null),
  });
  return (
    <TextField
      select
      id={id}
      {...input}
      label={field.label}
      disabled={disabled}
      error={!!fieldState.error}
      helperText={fieldState.error?.message ?? helperText ?? ' '}
      variant="filled"
      size="small"
      margin="dense"
      sx={{ minWidth: 200 }}
      slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
    >
      <MenuItem value={NOT_RECORDED_CHOICE}>Not recorded</MenuItem>
      <MenuItem value="yes">Yes</MenuItem>
      <MenuItem value="no">No</MenuItem>
    </TextField>
  );
}

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
        // Every value is a chip that can be removed, also one the list does not know (a code since
        // retired: marked unknown) or one the user may not list.
        const values: unknown[] = Array.isArray(formData?.[field.name]) ? formData[field.name] : [];
        const extra = values.filter((v) => !ids.has(String(v))).map((v) => ({ id: v, name: isSuccess ? `${String(v)} (unknown code)` : String(v) }));
        // No "Create …" option: nothing can be created from here, only codes the list knows are offered.
        // Mounted again once the list is known, so chips already drawn get their "unknown" mark.
        return <AutocompleteArrayInput key={isSuccess ? 'known' : 'loading'} source={field.name} label={field.label} choices={[...known, ...extra]} fullWidth />;
      }}
    </FormDataConsumer>
  );
}

/**
 * What the caller may choose for a field: `allowed`, the values their row scope allows (a
 * practitioner's own id, a district admin's districts), and `offered`, the target's rows offered
 * as references (active users only).
 */
interface Reach {
  allowed?: unknown[];
  offered?: Record<string, unknown> | null;
}

/** A reference by id: an autocomplete of the target's representation (locked and explained when told so). */
function ReferencePicker({ field, validate, filter, disabled, helperText }: { field: FieldMeta; validate?: Validator; filter: Record<string, unknown>; disabled?: boolean; helperText?: string }) {
  const { resource, representation } = field.reference!;
  return (
    <ReferenceInput source={field.name} reference={resource} filter={filter}>
      <AutocompleteInput
        label={field.label}
        validate={validate}
        disabled={disabled}
        helperText={helperText}
        optionText={(r: Record<string, unknown>) => represent(representation, r)}
        filterToQuery={(q: string) => ({ q })}
      />
    </ReferenceInput>
  );
}

/** Column type -> input. Server-managed (read-only) fields never reach here. */
export function inputFor(field: FieldMeta, readable?: Set<string>, reach: Reach = {}) {
  const validate = field.required ? required() : undefined;
  const common = { source: field.name, label: field.label, key: field.name, validate };
  if (field.reference && (!readable || readable.has(field.reference.resource))) {
    const filter = { ...(reach.offered ?? {}), ...(reach.allowed ? { [field.reference.field]: reach.allowed } : {}) };
    if (field.reference.field !== 'id') return <KeyReferenceInput key={field.name} field={field} validate={validate} filter={filter} />;
    return <ReferencePicker key={field.name} field={field} validate={validate} filter={filter} />;
  }
  if (field.reference && field.input === 'number') return <NumberInput {...common} step={1} />;
  // A field the caller's scope pins to a few values (a district admin's districts) is a select of those.
  if (reach.allowed && !field.reference) {
    const values = field.choices ? reach.allowed.filter((v) => field.choices!.includes(String(v))) : reach.allowed;
    // NULL is outside the scope too, so a value is required (marked here, not refused as "outside your reach").
    return <SelectInput {...common} validate={required()} choices={values.map((v) => ({ id: v as string, name: String(v) }))} />;
  }
  if (field.choices) return <SelectInput {...common} choices={field.choices.map((c) => ({ id: c, name: c }))} emptyText={field.nullable ? 'Not recorded' : undefined} slotProps={field.nullable ? SHOW_EMPTY : undefined} parse={(v: string) => (v === '' ? null : v)} />;
  return INPUTS[field.input](field, common, validate);
}

type Common = { source: string; label: string; key: string; validate?: Validator };

/** Input -> component: every input the server's descriptors name, so a new one does not compile until edited here. */
const INPUTS: Record<Input, (field: FieldMeta, common: Common, validate?: Validator) => React.ReactElement> = {
  'yes-no': (f, common, validate) => (f.nullable ? <YesNoInput key={f.name} field={f} validate={validate} /> : <BooleanInput {...common} />),
  date: (_f, common) => <DateInput {...common} />,
  time: (_f, common) => <TimeInput {...common} parse={(v: string) => (v ? v.slice(0, 8) : null)} format={(v: unknown) => (typeof v === 'string' ? v.slice(0, 5) : '')} />,
  'date-time': (_f, common) => <DateTimeInput {...common} />,
  number: (_f, common) => <NumberInput {...common} step={1} />,
  decimal: (f, common) => <NumberInput {...common} step={f.display === 'money' ? 0.01 : 'any'} />,
  chips: (f, common) => (f.elementsReference ? <ElementsInput key={f.name} field={f} /> : <TextArrayInput {...common} />),
  json: (f) => <JsonInput key={f.name} field={f} />,
  text: (f, common) => <TextInput {...common} multiline={f.multiline} minRows={f.multiline ? 2 : undefined} fullWidth={f.multiline} />,
};

/** Filter inputs by each field's input and operators: selects for enums, ranges for dates and numbers, references by autocomplete. */
export function filtersFor(fields: FieldMeta[], readable?: Set<string>) {
  const out = [<TextInput key="q" source="q" label="Search" alwaysOn resettable />];
  for (const f of fields) {
    if (f.reference && readable && !readable.has(f.reference.resource)) {
      if (f.input === 'number') out.push(<NumberInput key={f.name} source={f.name} label={f.label} />);
    } else if (f.reference && f.reference.field !== 'id') {
      out.push(<TextInput key={f.name} source={f.name} label={f.label} />);
    } else if (f.reference) {
      out.push(
        <ReferenceInput key={f.name} source={f.name} reference={f.reference.resource} label={f.label}>
          <AutocompleteInput label={f.label} optionText={(r: Record<string, unknown>) => represent(f.reference!.representation, r)} filterToQuery={(q: string) => ({ q })} />
        </ReferenceInput>,
      );
    } else if (f.choices) {
      const notRecorded = f.nullable ? [{ id: NOT_RECORDED_FILTER, name: 'Not recorded' }] : [];
      out.push(<SelectInput key={f.name} source={f.name} label={f.label} choices={[...f.choices.map((c) => ({ id: c, name: c })), ...notRecorded]} emptyText="Any" />);
    } else if (f.input === 'yes-no') out.push(<SelectInput key={f.name} source={f.name} label={f.label} choices={yesNoFilterChoices(f)} emptyText="Any" />);
    else if ((f.input === 'date' || f.input === 'date-time') && f.operators.includes('gte')) {
      out.push(<DateInput key={filterKey(f.name, 'gte')} source={filterKey(f.name, 'gte')} label={`${f.label} from`} />);
      out.push(<DateInput key={filterKey(f.name, 'lte')} source={filterKey(f.name, 'lte')} label={`${f.label} to`} />);
    } else if (f.input === 'chips') out.push(<TextInput key={f.name} source={f.name} label={`${f.label} contains`} />);
    else if (f.operators.includes('like')) out.push(<TextInput key={filterKey(f.name, 'like')} source={filterKey(f.name, 'like')} label={f.label} />);
    else if ((f.input === 'number' || f.input === 'decimal') && f.operators.includes('gte')) {
      out.push(<NumberInput key={filterKey(f.name, 'gte')} source={filterKey(f.name, 'gte')} label={`${f.label} ≥`} />);
      out.push(<NumberInput key={filterKey(f.name, 'lte')} source={filterKey(f.name, 'lte')} label={`${f.label} ≤`} />);
    }
  }
  return out;
}
