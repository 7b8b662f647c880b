import { labelsCaller, mayReadLabels } from '../../auth/labels.js';
import type { Caller } from '../caller.js';
import type { FieldMeta, ResourceMeta } from '../metadata/resource-meta.js';
import { fillTemplate } from '../metadata/template.js';
import { planList } from '../plan/plan-list.js';
import type { ResourceReader } from '../read/resource-reader.js';

type Row = Record<string, unknown>;

/** Rows are read, and their references named, this many at a time (at most one look-up per reference field). */
const BATCH = 500;

/** An export's columns: the field's name, and the header a person reads (its label, or the name for a raw export). */
interface ExportColumn {
  name: string;
  header: string;
}

/** `Fee schedule codes` on 2026-12-01: `fee-schedule-codes-2026-12-01.csv`. */
export function exportFileName(resource: ResourceMeta, today = new Date().toISOString().slice(0, 10)): string {
  const slug = resource.label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || resource.name;
  return `${slug}-${today}.csv`;
}

export function exportColumns(resource: ResourceMeta, names: string[], raw: boolean): ExportColumn[] {
  return names.map((name) => ({ name, header: raw ? name : resource.field.get(name)!.label }));
}

/**
 * The references a caller may read the labels of, each with how to name its values: the target's
 * representation, looked up (within the caller's reach on the target, as `/labels` answers) for a
 * batch of rows at once. A value the caller cannot resolve stays as stored.
 */
function referenceFields(reader: ResourceReader, resource: ResourceMeta, caller: Caller, names: string[]) {
  return names
    .map((name) => resource.field.get(name)!)
    .filter((f): f is FieldMeta & { reference: NonNullable<FieldMeta['reference']> } => !!f.reference)
    .map((f) => ({ field: f, target: reader.resources.get(f.reference.resource)! }))
    .filter(({ target }) => !!target && mayReadLabels(caller, target, reader.resources));
}

/** Told which records of a target were named (a claim's students are read when their names are written). */
type OnLabelsRead = (target: ResourceMeta, ids: unknown[]) => Promise<void>;

async function labelsOf(reader: ResourceReader, target: ResourceMeta, key: string, values: unknown[], caller: Caller, onRead: OnLabelsRead): Promise<Map<string, unknown>> {
  const plan = planList(target, { filter: { [key]: values }, sort: null, range: null }, labelsCaller(caller, target));
  const rows = await reader.query(reader.pool, plan.select, plan.params.values);
  await onRead(target, rows.map((r) => r.id));
  return new Map(rows.map((r) => [String(r[key]), fillTemplate(target.representation, r)]));
}

/**
 * The rows of an export with each reference written as what it points to (`created_by`: "Ana
 * Ortiz", not 7), a batch at a time, so a million rows stay a stream.
 */
export async function* withReferenceLabels(reader: ResourceReader, resource: ResourceMeta, caller: Caller, names: string[], rows: AsyncIterable<Row>, onRead: OnLabelsRead): AsyncGenerator<Row> {
  const references = referenceFields(reader, resource, caller, names);
  if (references.length === 0) return yield* rows;
  let batch: Row[] = [];
  const flush = async () => {
    for (const { field, target } of references) {
      const values = [...new Set(batch.map((r) => r[field.name]).filter((v) => v !== null && v !== undefined))];
      if (values.length === 0) continue;
      const labels = await labelsOf(reader, target, field.reference.field, values, caller, onRead);
      for (const row of batch) {
        const label = labels.get(String(row[field.name]));
        if (label !== undefined && label !== null && label !== '') row[field.name] = label;
      }
    }
    const out = batch;
    batch = [];
    return out;
  };
  for await (const row of rows) {
    batch.push({ ...row });
    if (batch.length >= BATCH) yield* await flush();
  }
  if (batch.length) yield* await flush();
}
