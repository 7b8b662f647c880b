import type { FieldMeta, ResourceMeta } from '../engine/metadata/resource-meta.js';

/** JSON Schema of one column, from the same metadata the engine validates with. */
function schemaOf(field: FieldMeta): Record<string, unknown> {
  const base: Record<string, unknown> = (() => {
    switch (field.type) {
      case 'text':
        return field.choices ? { type: 'string', enum: field.choices } : { type: 'string' };
      case 'text[]':
        return { type: 'array', items: { type: 'string' } };
      case 'json':
        return {};
      case 'integer':
      case 'smallint':
      case 'bigint':
        return { type: 'integer' };
      case 'decimal':
        return { type: 'number', ...(field.scale !== null ? { multipleOf: 10 ** -field.scale } : {}) };
      case 'boolean':
        return { type: 'boolean' };
      case 'date':
        return { type: 'string', format: 'date' };
      case 'time':
        return { type: 'string', pattern: '^\\d{2}:\\d{2}(:\\d{2})?$' };
      case 'timestamp':
        return { type: 'string', format: 'date-time' };
    }
  })();
  return { ...base, ...(field.nullable ? { nullable: true } : {}), ...(field.readOnly ? { readOnly: true } : {}), description: field.label };
}

const listParams = [
  { name: 'filter', in: 'query', schema: { type: 'string' }, description: 'JSON object: field equality, arrays as IN, q for search, suffixes _gte _lte _gt _lt _neq _like _null' },
  { name: 'sort', in: 'query', schema: { type: 'string' }, description: 'JSON ["field","ASC|DESC"]' },
  { name: 'range', in: 'query', schema: { type: 'string' }, description: 'JSON [start,end], at most 1000 rows' },
];
const error = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

/** OpenAPI 3 document generated from the resource metadata (served at /api/docs-json). */
export function openApiDocument(resources: Iterable<ResourceMeta>) {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {
    Error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, errors: { type: 'object', additionalProperties: { type: 'string' } } },
      required: ['code', 'message'],
    },
  };
  for (const r of resources) {
    const visible = r.fields.filter((f) => !f.secret);
    schemas[r.name] = {
      type: 'object',
      properties: Object.fromEntries(visible.map((f) => [f.name, schemaOf(f)])),
      required: visible.filter((f) => f.required).map((f) => f.name),
    };
    const ref = { $ref: `#/components/schemas/${r.name}` };
    const one = { content: { 'application/json': { schema: ref } } };
    const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer' } };
    const reason = { name: 'X-Change-Reason', in: 'header', schema: { type: 'string' } };
    const tags = [r.label];
    paths[`/api/${r.name}`] = {
      get: { tags, summary: `List ${r.label}`, parameters: listParams, responses: { 200: { description: 'Rows; total in Content-Range', content: { 'application/json': { schema: { type: 'array', items: ref } } } }, 400: error } },
      ...(r.readOnly ? {} : { post: { tags, summary: `Create a ${r.singular}`, parameters: [reason], requestBody: one, responses: { 200: { description: 'Created', ...one }, 400: error, 409: error } } }),
    };
    paths[`/api/${r.name}/{id}`] = {
      get: { tags, summary: `Get a ${r.singular}`, parameters: [idParam], responses: { 200: { description: 'The record', ...one }, 404: error } },
      ...(r.readOnly
        ? {}
        : {
            put: { tags, summary: `Update a ${r.singular} (send updated_at for the optimistic lock)`, parameters: [idParam, reason], requestBody: one, responses: { 200: { description: 'Updated', ...one }, 400: error, 404: error, 409: error } },
            delete: { tags, summary: `Delete a ${r.singular}`, parameters: [idParam, reason], responses: { 200: { description: 'The deleted record', ...one }, 404: error, 409: error } },
          }),
    };
    paths[`/api/${r.name}/{id}/history`] = {
      get: { tags, summary: `History of a ${r.singular}, newest first`, parameters: [idParam], responses: { 200: { description: 'Audit events with per-field diffs' }, 404: error } },
    };
  }
  paths['/api/audit_log/{id}/revert'] = { post: { tags: ['Audit'], summary: 'Undo one event\'s delta', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 200: { description: 'Reverted' }, 409: error } } };
  paths['/api/audit_log/revert-change-set/{txid}'] = { post: { tags: ['Audit'], summary: 'Undo a whole change set', parameters: [{ name: 'txid', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 200: { description: 'Reverted' }, 409: error } } };
  return {
    openapi: '3.0.3',
    info: { title: 'KCSOS / CYBHI admin API', version: '1.0.0', description: 'Generated from the MikroORM entities: one generic resource per table.' },
    paths,
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}
