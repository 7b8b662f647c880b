import { CHAINS } from '../audit/chain.sql.js';
import type { FieldMeta, ResourceMeta } from '../engine/metadata/resource-meta.js';
import { aggregatable } from '../engine/aggregate/plan-aggregate.js';
import { LINKS_KEY } from '../links/record-links.js';
import { schemaOf } from '../engine/types/column-types.js';
import { DOCUMENTS } from '../files/documents.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';
import { SUFFIXED } from '../../contract/filters.js';

/** JSON Schema of one column, from the same metadata the engine validates with. */
function fieldSchema(field: FieldMeta): Record<string, unknown> {
  const base = schemaOf(field);
  return { ...base, ...(field.nullable ? { nullable: true } : {}), ...(field.readOnly ? { readOnly: true } : {}), description: field.label };
}

const listParams = [
  { name: 'filter', in: 'query', schema: { type: 'string' }, description: `JSON object: field equality, arrays as IN, q for search, suffixes ${SUFFIXED.map((op) => `_${op}`).join(' ')}` },
  { name: 'sort', in: 'query', schema: { type: 'string' }, description: 'JSON ["field","ASC|DESC"]' },
  { name: 'range', in: 'query', schema: { type: 'string' }, description: 'JSON [start,end], at most 1000 rows' },
];
/** Time travel: the list or record as it stood at a moment (server/audit/as-of.query.ts). */
const archived = { description: 'The moment (or event) is older than the audit months archived under retention: answerable_from says from when' };
const asOfParam = { name: 'as_of', in: 'query', schema: { type: 'string' }, description: 'ISO 8601 date or timestamp: the rows as they stood then (a date alone: the end of that day)' };
const error = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
/** Every route answers these when it is not allowed. */
const denied = { 401: { ...error, description: 'No valid token' }, 403: { ...error, description: 'Not permitted' } };
const json = (schema: Record<string, unknown>) => ({ content: { 'application/json': { schema } } });

/** What a resource's aggregate may group by and sum, for whoever sees every field that leaves the server. */
function aggregateParams(r: ResourceMeta) {
  const { groupBy, sum, derived } = aggregatable(r, { sees: (_resource, field) => !field.secret });
  const keys = [...groupBy.map((f) => (f.type === 'date' || f.type === 'timestamp' ? `${f.name}[:day|:month]` : f.name)), ...derived.map(([name]) => name)];
  return [
    listParams[0],
    { name: 'group', in: 'query', schema: { type: 'string' }, description: `JSON list of at most two keys of: ${keys.join(', ') || 'none'}` },
    { name: 'sum', in: 'query', schema: { type: 'string' }, description: `JSON list of fields summed per group, of: ${sum.map((f) => f.name).join(', ') || 'none'}` },
  ];
}

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
      properties: Object.fromEntries(visible.map((f) => [f.name, fieldSchema(f)])),
      required: visible.filter((f) => f.required).map((f) => f.name),
    };
    const ref = { $ref: `#/components/schemas/${r.name}` };
    const one = { content: { 'application/json': { schema: ref } } };
    const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer' } };
    const reason = { name: 'X-Change-Reason', in: 'header', schema: { type: 'string' } };
    const tags = [r.label];
    paths[`/api/${r.name}`] = {
      get: { tags, summary: `List ${r.label}`, parameters: [...listParams, asOfParam], responses: { 200: { description: 'Rows; total in Content-Range', content: { 'application/json': { schema: { type: 'array', items: ref } } } }, 400: error, ...denied, 410: archived } },
      ...(r.readOnly ? {} : { post: { tags, summary: `Create a ${r.singular}`, parameters: [reason], requestBody: one, responses: { 201: { description: 'Created', ...one }, 400: error, ...denied, 409: error, 415: error } } }),
    };
    paths[`/api/${r.name}/export`] = {
      get: { tags, summary: `Every ${r.singular.toLowerCase()} matching the filter, as CSV (streamed)`, parameters: listParams.slice(0, 2), responses: { 200: { description: 'CSV', content: { 'text/csv': {} } }, 400: error, ...denied } },
    };
    paths[`/api/${r.name}/aggregate`] = {
      get: { tags, summary: `Counts (and sums) of the filtered ${r.label.toLowerCase()} by at most two keys, within the caller's reach (the dashboard's figures)`, parameters: aggregateParams(r), responses: { 200: { description: '{group: [{key, label, bucket}], sum: [{field, label}], rows: [{keys, count, sums}], truncated, counted_at}' }, 400: error, ...denied } },
    };
    paths[`/api/${r.name}/labels`] = {
      get: { tags, summary: `Labels of ${r.label.toLowerCase()} (id and the fields they are shown by), for callers who may show a record referring to them`, parameters: listParams, responses: { 200: { description: 'Rows of label fields; total in Content-Range', content: { 'application/json': { schema: { type: 'array', items: { type: 'object' } } } } }, 400: error, ...denied } },
    };
    paths[`/api/${r.name}/{id}`] = {
      get: { tags, summary: `Get a ${r.singular}`, parameters: [idParam, asOfParam], responses: { 200: { description: 'The record', ...one }, ...denied, 404: error, 410: archived } },
      ...(r.readOnly
        ? {}
        : {
            put: { tags, summary: `Update a ${r.singular} (send updated_at for the optimistic lock)${r.links.length ? `; its linked records may come along under "${LINKS_KEY}" (as PUT …/links takes them), saved in the same change set` : ''}`, parameters: [idParam, reason], requestBody: one, responses: { 200: { description: 'Updated', ...one }, 400: error, ...denied, 404: error, 409: { ...error, description: 'Changed since loaded (body.current), or a unique/reference conflict' } } },
            delete: { tags, summary: `Delete a ${r.singular}`, parameters: [idParam, reason], responses: { 200: { description: 'The deleted record', ...one }, ...denied, 404: error, 409: { ...error, description: 'Other records still refer to it' } } },
          }),
    };
    if (!r.readOnly && r.name !== DOCUMENTS) {
      paths[`/api/${r.name}/{id}/files`] = {
        post: {
          tags,
          summary: `Attach a document to a ${r.singular} (type detected from the content; size and types per FILE_MAX_BYTES, FILE_TYPES)`,
          parameters: [idParam, reason],
          requestBody: { content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' }, document_type: { type: 'string' }, notes: { type: 'string' } }, required: ['file', 'document_type'] } } } },
          responses: { 201: { description: `The ${T.documents} row` }, 400: error, ...denied, 404: error, 413: error, 415: error },
        },
      };
    }
    if (!r.readOnly) {
      // Bulk work: each a change set; the preview runs every check and writes nothing.
      const importBody = json({ type: 'object', required: ['csv'], properties: { csv: { type: 'string' }, mode: { enum: ['insert', 'upsert'] }, key: { type: 'array', items: { type: 'string' } }, mapping: { type: 'object', additionalProperties: { type: 'string', nullable: true } } } });
      const bulkBody = json({ type: 'object', required: ['data'], properties: { ids: { type: 'array', items: { type: 'integer' } }, filter: { type: 'object' }, data: { type: 'object' } } });
      const report = { description: '{applied, txid, counts, rows: [{line, action, id, changes, record, errors}]}' };
      const refused = { ...error, description: 'Bad request, or rows with errors (body carries the report; nothing written)' };
      paths[`/api/${r.name}/import/preview`] = { post: { tags, summary: `Dry run of a CSV import of ${r.label.toLowerCase()}: inserts, updates (before → after), errors by field`, requestBody: importBody, responses: { 200: report, 400: refused, ...denied, 413: error } } };
      paths[`/api/${r.name}/import`] = { post: { tags, summary: `Import ${r.label.toLowerCase()} from CSV: all rows in one change set, or none`, parameters: [reason], requestBody: importBody, responses: { 200: report, 400: refused, ...denied, 413: error } } };
      paths[`/api/${r.name}/bulk-update/preview`] = { post: { tags, summary: `Dry run of setting fields on many ${r.label.toLowerCase()} (ids or filter)`, requestBody: bulkBody, responses: { 200: report, 400: refused, ...denied, 413: error } } };
      paths[`/api/${r.name}/bulk-delete`] = { post: { tags, summary: `Delete many ${r.label.toLowerCase()} by id: one change set (one undo), all or none`, parameters: [reason], requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { ids: { type: 'array', items: { type: 'integer' } } } } } } }, responses: { 200: { description: '{deleted: ids, txid}' }, 400: error, ...denied, 404: error, 409: error, 413: error } } };
      paths[`/api/${r.name}/bulk-update`] = { post: { tags, summary: `Set fields on many ${r.label.toLowerCase()}: one change set, or none`, parameters: [reason], requestBody: bulkBody, responses: { 200: report, 400: refused, ...denied, 413: error } } };
    }
    if (!r.options.recordImages) {
      paths[`/api/${r.name}/{id}/history`] = {
        get: { tags, summary: `History of a ${r.singular}, newest first`, parameters: [idParam], responses: { 200: { description: 'Audit events with per-field diffs, each with version: {as_of, record, compare}, the links to the version it produced' }, ...denied, 404: error } },
      };
      paths[`/api/${r.name}/{id}/history/evidence`] = {
        get: { tags, summary: `The ${r.singular}'s history as a signed evidence file (audit.browse)`, parameters: [idParam], responses: { 200: { description: '{name, file, signature, key_id}: save file as name, signature as name.sig' }, ...denied, 404: error } },
      };
    }
    if (r.options.accessLogged) {
      paths[`/api/${r.name}/{id}/accesses`] = {
        get: { tags, summary: `Who read this ${r.singular}, when and how, newest first (${T.accessLog}.list)`, parameters: [idParam], responses: { 200: { description: 'Access records' }, ...denied, 404: error } },
      };
    }
    if (r.links.length) {
      const linksBody = json({ type: 'object', description: r.links.map((l) => `${l.through}: [{${[l.itemField, ...l.fields].join(', ')}}]`).join('; '), additionalProperties: { type: 'array', items: { type: 'object' } } });
      paths[`/api/${r.name}/{id}/links`] = { put: { tags, summary: `Set a ${r.singular}'s linked records (${r.links.map((l) => l.through).join(', ')}) as one change set: links created, updated and deleted through each join table's own checks`, parameters: [idParam, reason], requestBody: linksBody, responses: { 200: { description: '{txid, links: {<join table>: {created, updated, deleted}}}' }, 400: error, ...denied, 404: error, 409: error } } };
    }
    if (!r.options.recordImages) {
      // Time travel (server/audit/as-of.query.ts, versions.ts, restore.ts).
      paths[`/api/${r.name}/{id}/versions`] = {
        get: { tags, summary: `Versions of a ${r.singular}: each event with who, when, reason, change set and the moment to read it back (as_of)`, parameters: [idParam], responses: { 200: { description: 'Events, newest first (X-Versions-Archived-Until: older ones are archived)' }, ...denied, 404: error } },
      };
      const version = (name: string, text: string) => ({ name, in: 'query', required: name === 'from', schema: { type: 'string' }, description: text });
      paths[`/api/${r.name}/{id}/compare`] = {
        get: { tags, summary: `Two versions of a ${r.singular} field by field`, parameters: [idParam, version('from', 'an event id'), version('to', 'an event id, or current')], responses: { 200: { description: '{from, to, changes: [{field, from, to}], fields}' }, 400: error, ...denied, 404: error, 410: archived } },
      };
      if (!r.readOnly) {
        const restoreBody = json({ type: 'object', properties: { as_of: { type: 'string', format: 'date-time' }, event: { type: 'integer' }, updated_at: { type: 'string' } } });
        const ifMatch = { name: 'If-Match', in: 'header', schema: { type: 'string' }, description: 'the ETag of the current version (or send its updated_at in the body)' };
        const restored = { description: '{action: updated | restored | unchanged, changes: [{field, before, after}], record, applied}' };
        paths[`/api/${r.name}/{id}/restore`] = { post: { tags, summary: `Write a ${r.singular} back to a version ({as_of} or {event}) in one audited edit; a deleted one comes back with its id`, parameters: [idParam, { ...reason, required: true }, ifMatch], requestBody: restoreBody, responses: { 200: restored, 400: error, ...denied, 404: error, 409: error, 410: archived, 412: error, 428: error } } };
        paths[`/api/${r.name}/{id}/restore/preview`] = { post: { tags, summary: `What restoring a version of a ${r.singular} would change (runs every check, writes nothing)`, parameters: [idParam, { ...reason, required: true }, ifMatch], requestBody: restoreBody, responses: { 200: restored, 400: error, ...denied, 404: error, 409: error, 410: archived, 412: error, 428: error } } };
      }
    }
  }
  paths[`/api/${DOCUMENTS}/{id}/content`] = {
    get: {
      tags: ['Files'],
      summary: 'The document\'s bytes, checksum-verified (inline; ?download=1 for attachment); 404 unless its record is one the caller may show',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }, { name: 'download', in: 'query', schema: { type: 'string' } }],
      responses: { 200: { description: 'The file', content: { 'application/octet-stream': {} } }, ...denied, 404: error, 500: { ...error, description: 'The stored bytes no longer match the checksum' } },
    },
  };
  paths['/api/evidence/{log}'] = {
    get: {
      tags: ['Audit'],
      summary: `A date range of a log (${CHAINS.join(', ')}) as a signed evidence file (audit.browse)`,
      parameters: [
        { name: 'log', in: 'path', required: true, schema: { type: 'string', enum: [...CHAINS] } },
        { name: 'from', in: 'query', required: true, schema: { type: 'string' }, description: 'a date (whole UTC day) or an ISO timestamp' },
        { name: 'to', in: 'query', required: true, schema: { type: 'string' }, description: 'a date (included) or an ISO timestamp (excluded)' },
      ],
      responses: { 200: { description: '{name, file, signature, key_id}' }, 400: error, ...denied, 404: error },
    },
  };
  paths[`/api/${T.auditLog}/{id}/revert`] = { post: { tags: ['Audit'], summary: 'Undo one event\'s delta', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 200: { description: 'Reverted' }, ...denied, 404: error, 409: { ...error, description: 'The record changed since (body.conflicts: field, before, after, now)' } } } };
  const preview = { 200: { description: '{can_undo, events, changes, problems (conflict, permission, refused), missing_permissions, undone_by}: the undo run and rolled back' }, ...denied, 404: error };
  paths[`/api/${T.auditLog}/{id}/revert/preview`] = { post: { tags: ['Audit'], summary: 'What undoing one event would do (nothing is written)', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], responses: preview } };
  paths[`/api/${T.auditLog}/revert-change-set/{txid}/preview`] = { post: { tags: ['Audit'], summary: 'What undoing a change set would do (nothing is written)', parameters: [{ name: 'txid', in: 'path', required: true, schema: { type: 'integer' } }], responses: preview } };
  paths[`/api/${T.auditLog}/revert-change-set/{txid}`] = { post: { tags: ['Audit'], summary: 'Undo a whole change set, all or nothing', parameters: [{ name: 'txid', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 200: { description: 'Reverted' }, ...denied, 404: error, 409: error } } };
  const matrixBody = json({ type: 'object', required: ['changes'], properties: { version: { type: 'string' }, changes: { type: 'array', items: { type: 'object', properties: { permission: { type: 'string' }, role: { type: 'string' }, granted: { type: 'boolean' } } } } } });
  const effect = { description: '{cells, activeUsers, roles: [{role, label, activeUsers, gains, losses}], applied, txid}' };
  paths['/api/permission-matrix'] = {
    get: { tags: ['Permissions'], summary: 'The permission matrix in words: areas, tables by label, actions, roles with their active users', responses: { 200: { description: '{version, roles, actions, areas: [{title, items}]}' }, ...denied } },
    post: { tags: ['Permissions'], summary: 'Save toggles of the matrix with a reason as one change set (409 when the matrix changed since `version`)', parameters: [{ name: 'X-Change-Reason', in: 'header', required: true, schema: { type: 'string' } }], requestBody: matrixBody, responses: { 200: effect, 400: error, ...denied, 409: error } },
  };
  paths['/api/permission-matrix/preview'] = { post: { tags: ['Permissions'], summary: 'Who would gain and lose which permissions, and how many active users (writes nothing)', requestBody: matrixBody, responses: { 200: effect, 400: error, ...denied, 409: error } } };
  const auth = ['Sign-in'];
  const credentials = json({ type: 'object', properties: { email: { type: 'string' }, password: { type: 'string' } }, required: ['email', 'password'] });
  paths['/api/auth/login'] = { post: { tags: auth, security: [], summary: 'Sign in: an 8-hour HS256 token', requestBody: credentials, responses: { 200: { description: '{token, expires_at, user, permissions, mfa_enrolment_required, idle_timeout_seconds}' }, 400: error, 401: { ...error, description: 'Wrong email or password; MFA_REQUIRED or MFA_INVALID ({email, password, code})' }, 429: { ...error, description: 'Too many failed sign-ins (Retry-After)' } } } };
  paths['/api/auth/me'] = { get: { tags: auth, summary: 'Who is signed in, their role and permissions', responses: { 200: { description: '{user, permissions}' }, 401: error } } };
  paths['/api/auth/logout'] = { post: { tags: auth, summary: 'End this token', responses: { 204: { description: 'Ended' }, 401: error } } };
  paths['/api/auth/password'] = { post: { tags: auth, summary: 'Change one\'s own password (ends older sessions, answers a fresh token)', requestBody: json({ type: 'object', properties: { current: { type: 'string' }, password: { type: 'string' } } }), responses: { 200: { description: '{token, expires_at}' }, 400: error, 401: error, 429: error } } };
  paths[`/api/${T.users}/{id}/password`] = { post: { tags: auth, summary: 'Set a user\'s password (permission.manage)', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], requestBody: json({ type: 'object', properties: { password: { type: 'string' } } }), responses: { 204: { description: 'Set' }, 400: error, ...denied, 404: error } } };
  const codeBody = json({ type: 'object', properties: { code: { type: 'string' } }, required: ['code'] });
  const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }];
  const providerParam = [{ name: 'provider', in: 'path', required: true, schema: { type: 'string' } }];
  paths['/api/auth/keepalive'] = { post: { tags: auth, summary: '"Stay signed in": the session counts as used now (automatic logoff)', responses: { 200: { description: '{idle_timeout_seconds}' }, 401: error } } };
  paths['/api/auth/mfa/setup'] = { post: { tags: auth, summary: 'Start a TOTP second factor', responses: { 200: { description: '{secret, otpauth_url, qr_code}' }, 401: error, 409: error } } };
  paths['/api/auth/mfa/confirm'] = { post: { tags: auth, summary: 'Enable the second factor; answers ten recovery codes (shown once)', requestBody: codeBody, responses: { 200: { description: '{recovery_codes}' }, 400: error, 401: error, 409: error, 429: error } } };
  paths['/api/auth/mfa/disable'] = { post: { tags: auth, summary: 'Turn one\'s own second factor off (not where the role requires one)', requestBody: codeBody, responses: { 204: { description: 'Off' }, 400: error, 401: error, 409: error, 429: error } } };
  paths[`/api/${T.users}/{id}/mfa/reset`] = { post: { tags: auth, summary: 'Reset another user\'s second factor (permission.manage; a reason is required)', parameters: idParam, requestBody: json({ type: 'object', properties: { reason: { type: 'string' } } }), responses: { 204: { description: 'Reset' }, 400: error, ...denied, 404: error, 409: error } } };
  paths['/api/auth/keys'] = {
    get: { tags: auth, summary: 'One\'s API keys (every key with permission.manage), never a secret', responses: { 200: { description: '[{id, name, role, scopes, expires_at, ...}]' }, 401: error } },
    post: { tags: auth, summary: 'Create an API key (its own service user); the key is in this answer only', requestBody: json({ type: 'object', properties: { name: { type: 'string' }, expires_at: { type: 'string', format: 'date-time' }, scopes: { type: 'array', items: { type: 'string' } }, role: { type: 'string' } }, required: ['name', 'expires_at'] }), responses: { 201: { description: '{id, key, role, scopes, expires_at, service_user_id}' }, 400: error, ...denied } },
  };
  paths['/api/auth/keys/{id}'] = { delete: { tags: auth, summary: 'Revoke an API key', parameters: idParam, responses: { 204: { description: 'Revoked' }, 401: error, 404: error } } };
  paths['/api/auth/oidc/providers'] = { get: { tags: auth, security: [], summary: 'Single sign-on providers', responses: { 200: { description: '[{id, name, start}]' } } } };
  paths['/api/auth/oidc/{provider}/start'] = { get: { tags: auth, security: [], summary: 'Start single sign-on (302 to the provider)', parameters: providerParam, responses: { 302: { description: 'To the provider' }, 404: error, 503: error } } };
  paths['/api/auth/oidc/{provider}/callback'] = { get: { tags: auth, security: [], summary: 'The provider\'s redirect back (302 to the console with a one-time ticket or the reason)', parameters: providerParam, responses: { 302: { description: 'To the console' } } } };
  paths['/api/auth/oidc/complete'] = { post: { tags: auth, security: [], summary: 'Trade a single sign-on ticket for a session (answers as /auth/login)', requestBody: json({ type: 'object', properties: { ticket: { type: 'string' }, code: { type: 'string' } }, required: ['ticket'] }), responses: { 200: { description: '{token, expires_at, user, permissions}' }, 400: error, 401: error, 429: error } } };
  paths['/api/dashboard'] = { get: { tags: ['Dashboards'], summary: 'The declared figures this caller gets, by section, each an aggregate of one resource (or its newest rows) and the filter of the list behind it', responses: { 200: { description: '{sections: [{title, figures: [{id, title, description, resource, chart, filter, group, sum}]}]}' }, ...denied } } };
  paths['/api/search'] = { get: { tags: ['Dashboards'], summary: 'Search across every resource the caller may list (its search fields, within its reach), a few hits each, grouped by resource', parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string', minLength: 3 } }], responses: { 200: { description: '{q, groups: [{resource, label, hits: [{id, label}], more}], incomplete}' }, 400: error, ...denied, 429: error } } };
  paths['/api/meta'] = { get: { tags: ['Metadata'], summary: 'The resources, fields and actions the caller may use', responses: { 200: { description: '{resources}' }, 401: error } } };
  paths['/api/health'] = { get: { tags: ['Metadata'], security: [], summary: 'Liveness: the process answers (no database check)', responses: { 200: { description: '{status: "ok"}' } } } };
  paths['/api/ready'] = { get: { tags: ['Metadata'], security: [], summary: 'Readiness: the database answers and every migration is applied', responses: { 200: { description: '{status: "ready", db, migrations}' }, 503: { description: 'Database down or migrations pending' } } } };
  return {
    openapi: '3.0.3',
    info: { title: 'KCSOS / CYBHI admin API', version: '1.0.0', description: 'Generated from the MikroORM entities: one generic resource per table.' },
    paths,
    security: [{ bearer: [] }],
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}
