import { useState } from 'react';
import { AutocompleteInput, FunctionField, Link, useGetList, useInput, useRecordContext, type Validator } from 'react-admin';
import { represent, type FieldMeta } from '../data/meta';

/**
 * References by a key other than `id` (claim.student_ssid -> student.ssid): react-admin's reference
 * components fetch by id, so these look the target up by its key instead.
 */
function KeyReferenceField({ field }: { field: FieldMeta }) {
  const record = useRecordContext();
  const ref = field.reference!;
  const value = record?.[field.name];
  const { data } = useGetList(ref.resource, { filter: { [ref.field]: value }, pagination: { page: 1, perPage: 1 } }, { enabled: value !== null && value !== undefined });
  if (value === null || value === undefined) return null;
  const target = data?.[0];
  return target ? <Link to={`/${ref.resource}/${target.id}/show`}>{represent(ref.representation, target)}</Link> : <span>{String(value)}</span>;
}

export function KeyReferenceInput({ field, validate, filter = {} }: { field: FieldMeta; validate?: Validator; filter?: Record<string, unknown> }) {
  const ref = field.reference!;
  const { field: input } = useInput({ source: field.name, validate });
  const [search, setSearch] = useState('');
  const current = useGetList(ref.resource, { filter: { [ref.field]: input.value }, pagination: { page: 1, perPage: 1 } }, { enabled: !!input.value });
  const found = useGetList(ref.resource, { filter: { ...filter, ...(search ? { q: search } : {}) }, pagination: { page: 1, perPage: 25 }, sort: { field: 'id', order: 'DESC' } });
  const byKey = new Map([...(current.data ?? []), ...(found.data ?? [])].map((r) => [r[ref.field], r]));
  const choices = [...byKey.values()].map((r) => ({ id: r[ref.field], name: represent(ref.representation, r) }));
  return <AutocompleteInput source={field.name} label={field.label} choices={choices} validate={validate} onInputChange={(_e, text) => setSearch(text)} filterToQuery={undefined} />;
}

export function keyReferenceColumn(field: FieldMeta, common: Record<string, unknown>) {
  return <FunctionField {...common} render={() => <KeyReferenceField field={field} />} />;
}
