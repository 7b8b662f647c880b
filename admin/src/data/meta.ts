import type { Feature, FieldDescription, LinkDescription, ResourceDescription, RoleDescription } from '../../../contract/meta';

/** `GET /api/meta` as the console reads it (the wire contract, shared with the server). */
export type FieldMeta = FieldDescription;
export type ResourceMeta = ResourceDescription;
export type LinkMeta = LinkDescription;

export interface Permissions {
  granted: string[];
  resources: ResourceMeta[];
  role: string;
  /** Resources the user may not list but whose records' labels they may read (references). */
  labels: { name: string; singular: string; representation: string }[];
  /** The roles as declared on the server (the matrix's columns). */
  roles: RoleDescription[];
  /** Which resource holds each product feature: the console finds the audit trail, documents, saved views by it. */
  features: Partial<Record<Feature, string>>;
}

/** Fills a representation template (`{last_name}, {first_name}`) from a record. */
export function represent(template: string | null | undefined, record: Record<string, unknown> | undefined): string {
  if (!record) return '';
  if (!template) return `#${record.id}`;
  return template.replace(/\{(\w+)\}/g, (_, f) => (record[f] === null || record[f] === undefined ? '' : String(record[f])));
}

