import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DEMO, signIn, type DemoRole } from '../support/server.js';
import { serverForTests } from '../support/server.js';

/**
 * Property-based fuzzing of every route, resource and role with random and hostile input. The
 * invariants are the product's promise: no 5xx; no SQL, stack trace, hash or hidden field in any
 * body; a refused request changes nothing (every table is audited by trigger, so an unchanged
 * audit_log means unchanged data); a successful write reads back exactly as it was answered.
 *
 * Runs FUZZ_RUNS cases per property (default 300) from FUZZ_SEED (default: random, printed on
 * failure by fast-check together with the path to replay it).
 */
const ctx = serverForTests();
const RUNS = Number(process.env.FUZZ_RUNS) || 300;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const settings = { numRuns: RUNS, seed: SEED, endOnFailure: true };

const ROLES = Object.keys(DEMO) as DemoRole[];
const EXPECTED = new Set([200, 201, 400, 401, 403, 404, 405, 409, 412, 413, 415, 428, 429]);
/** What no answer may carry, whatever was sent: server-side text the client never wrote. */
const LEAKS = [
  /\bat [\w.<>]+ \(.*:\d+:\d+\)/, // a stack frame
  /node_modules|dist\/server|\.ts:\d+/,
  /syntax error at or near|violates (unique|foreign key|not-null|check) constraint|duplicate key value|invalid input syntax|relation "|column "\w+" (does not exist|of relation)/i,
  /SELECT .* FROM "|INSERT INTO "|UPDATE "\w+" SET|DELETE FROM "/,
  /\$argon2/,
  /password_hash/,
];

interface FieldInfo {
  name: string;
  type: string;
  choices: string[] | null;
}
let resources: { name: string; fields: FieldInfo[] }[] = [];
const headers = new Map<DemoRole, Record<string, string>>();
/** Per role, the fields of each resource it may see (from its own GET /api/meta). */
const visible = new Map<DemoRole, Map<string, Set<string>>>();

beforeAll(async () => {
  resources = (await ctx.api('GET', '/meta')).body.resources;
  for (const role of ROLES) {
    headers.set(role, await signIn(ctx.app.url, role));
    const meta = await fetch(`${ctx.app.url}/api/meta`, { headers: headers.get(role) }).then((r) => r.json());
    visible.set(role, new Map(meta.resources.map((r: { name: string; fields: FieldInfo[] }) => [r.name, new Set(r.fields.map((f) => f.name))])));
  }
});

/** Whether the role may show records of the resource now, by its own GET /api/meta (earlier runs may have changed the matrix). */
async function mayShow(role: DemoRole, resource: string): Promise<boolean> {
  const meta = await fetch(`${ctx.app.url}/api/meta`, { headers: headers.get(role) }).then((r) => r.json());
  const described = meta.resources.find((r: { name: string }) => r.name === resource) as { actions: string[] } | undefined;
  return !!described?.actions.includes('show');
}

// ---- arbitraries ---------------------------------------------------------------------------

const hostileText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    "'; DROP TABLE claim; --",
    "' OR '1'='1",
    '\u0000',
    'a\u0000b',
    '%00',
    '%',
    '\\',
    '"',
    '../../etc/passwd',
    '__proto__',
    'constructor',
    'prototype',
    '_links',
    '\uD800',
    '\uFFFF',
    '=1+1',
    '2024-02-30',
    '25:61',
    '1e309',
    'NaN',
    '-0',
    '9'.repeat(400),
    'x'.repeat(70_000),
    '$1',
    'NULL',
  ),
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, -1, 0, 0.5, 12345678901234567890),
);
/**
 * Deep nesting is spliced into the JSON text: JSON.stringify itself would overflow on it here, while
 * the server must parse and refuse it.
 */
const DEEP = 'DEEP-NESTING-MARK';
const deepText = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);
const toJson = (value: unknown): string => (JSON.stringify(value) ?? 'null').replaceAll(`"${DEEP}"`, deepText(20_000));
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileText,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(DEEP, JSON.parse('{"__proto__":{"admin":true}}'), { constructor: { prototype: 1 } }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileText, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A plausible value for a field, so that some writes get through and are checked on read-back. */
function plausible(field: FieldInfo): fc.Arbitrary<unknown> {
  if (field.choices?.length) return fc.constantFrom(...field.choices);
  switch (field.type) {
    case 'integer':
    case 'smallint':
    case 'bigint':
      return fc.integer({ min: 1, max: 30 });
    case 'decimal':
      return fc.integer({ min: 0, max: 99_999 }).map((n) => n / 100);
    case 'boolean':
      return fc.boolean();
    case 'date':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'time':
      return fc.constantFrom('08:00:00', '13:30:00', '23:59:59');
    case 'timestamp':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'text[]':
      return fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 });
    case 'json':
      return fc.jsonValue({ maxDepth: 2 });
    default:
      return fc.string({ maxLength: 30 });
  }
}

/** Percent-encodes every byte of the UTF-8 text (encodeURIComponent refuses lone surrogates). */
const pct = (text: string) => [...Buffer.from(text)].map((b) => '%' + b.toString(16).padStart(2, '0')).join('');

// Admins half the time: other roles are mostly refused (403), and the success paths need exercise too.
const role = fc.oneof(fc.constant<DemoRole>('admin'), fc.constantFrom(...ROLES));
/** A resource by name (counterexamples stay readable), with its fields. */
const resource = () => fc.constantFrom(...resources.map((r) => r.name)).map((name) => resources.find((r) => r.name === name)!, (r) => (r as { name: string }).name);
const id = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 40 }).map(String), weight: 3 }, fc.integer({ min: 1, max: 40 }).map(String), hostileText.map((s) => pct(s).slice(0, 300)), fc.constantFrom('0', '-1', '1.5', '1e3', '99999999999999999999', '%2e%2e', '%FF', 'null'));

/** A body: some real fields with plausible or hostile values, plus keys that are not fields. */
const body = (fields: FieldInfo[]) =>
  fc
    .tuple(
      fc.subarray(fields, { maxLength: Math.min(8, fields.length) }).chain((chosen) => fc.tuple(...chosen.map((f) => fc.tuple(fc.constant(f.name), fc.oneof(plausible(f), plausible(f), hostileValue))))),
      fc.dictionary(hostileText, hostileValue, { maxKeys: 2 }),
      fc.boolean(),
    )
    .map(([pairs, extra, withExtra]) => (withExtra ? { ...extra, ...Object.fromEntries(pairs) } : Object.fromEntries(pairs)));

/** `filter`, `sort` and `range` as the data provider sends them, or broken in every way. */
const listParams = (fields: FieldInfo[]) => {
  const name = fc.oneof(fc.constantFrom(...fields.map((f) => f.name)), hostileText);
  const op = fc.constantFrom('', '_gte', '_lte', '_gt', '_lt', '_neq', '_like', '_null', '_in', '_bogus');
  const filter = fc.oneof(
    fc.dictionary(fc.tuple(name, op).map(([n, o]) => n + o), fc.oneof(hostileValue, fc.array(hostileValue, { maxLength: 3 })), { maxKeys: 3 }).map(toJson),
    fc.record({ q: hostileText }).map(toJson),
    hostileText,
  );
  const sort = fc.oneof(fc.tuple(name, fc.constantFrom('ASC', 'DESC', 'asc', 'SIDEWAYS')).map(toJson), hostileValue.map(toJson), hostileText);
  const range = fc.oneof(fc.tuple(fc.integer({ min: -5, max: 2000 }), fc.integer({ min: -5, max: 3000 })).map(toJson), hostileValue.map(toJson), hostileText);
  return fc.record({ filter, sort, range }, { requiredKeys: [] });
};

// ---- the invariants ------------------------------------------------------------------------

interface Answer {
  status: number;
  text: string;
  json: unknown;
}

async function send(who: DemoRole, method: string, path: string, payload?: string | Uint8Array | FormData, type = 'application/json', extra: Record<string, string> = {}): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...headers.get(who)!, ...extra } };
  if (payload !== undefined) {
    init.body = payload as BodyInit;
    // A FormData body sets its own multipart type and boundary.
    if (!(payload instanceof FormData)) (init.headers as Record<string, string>)['content-type'] = type;
  }
  const res = await fetch(ctx.app.url + path, init);
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* CSV or nothing */
  }
  return { status: res.status, text, json };
}

const auditMark = async () => (await ctx.db.pool.query(`SELECT count(*)::int AS n, coalesce(max(id), 0)::text AS last FROM audit_log`)).rows[0];

function checkAnswer(what: string, answer: Answer, who: DemoRole, resourceName: string | null) {
  const context = `${what} -> ${answer.status} ${answer.text.slice(0, 300)}`;
  if (!EXPECTED.has(answer.status)) throw new Error(`unexpected status: ${context}`);
  for (const leak of LEAKS) if (leak.test(answer.text)) throw new Error(`leak ${leak}: ${context}`);
  if (answer.status >= 400) {
    const body = answer.json as { code?: unknown; message?: unknown } | null;
    if (!body || typeof body.code !== 'string' || typeof body.message !== 'string') throw new Error(`error without {code, message}: ${context}`);
  }
  // Rows carry only the fields this role may see.
  if (answer.status < 300 && resourceName && resourceName !== 'meta') {
    const allowed = visible.get(who)!.get(resourceName);
    const rows = Array.isArray(answer.json) ? answer.json : answer.json && typeof answer.json === 'object' ? [answer.json] : [];
    for (const row of rows as Record<string, unknown>[]) {
      if (!row || typeof row !== 'object' || 'changes' in row) continue; // history events have their own shape
      for (const key of Object.keys(row)) {
        if (!allowed?.has(key)) throw new Error(`hidden field "${key}" of ${resourceName} shown to ${who}: ${context}`);
      }
    }
  }
}

/** Runs one request: answers within the invariants, and a refusal leaves audit_log (so every table) as it was. */
/** Answers per status in the current property: each must reach its success path, not only refusals. */
let tally = new Map<number, number>();
const successes = () => [...tally].filter(([status]) => status < 300).reduce((n, [, c]) => n + c, 0);

async function probe(what: string, who: DemoRole, resourceName: string | null, request: () => Promise<Answer>): Promise<Answer> {
  const before = await auditMark();
  const answer = await request();
  tally.set(answer.status, (tally.get(answer.status) ?? 0) + 1);
  checkAnswer(what, answer, who, resourceName);
  if (answer.status >= 400 || what.startsWith('GET')) {
    const after = await auditMark();
    if (after.n !== before.n || after.last !== before.last) throw new Error(`${what} answered ${answer.status} but audit_log moved from ${JSON.stringify(before)} to ${JSON.stringify(after)}`);
  }
  return answer;
}

const qs = (params: Record<string, string>) => Object.entries(params).map(([k, v]) => `${k}=${pct(v)}`).join('&');

// ---- the properties ------------------------------------------------------------------------

describe('fuzzing every route, resource and role', () => {
  beforeEach(() => {
    tally = new Map();
  });
  afterEach(() => {
    if (process.env.FUZZ_REPORT) console.log(expect.getState().currentTestName, Object.fromEntries(tally));
  });

  it('reads: lists, exports, records and histories with hostile filter, sort, range and ids', async () => {
    await fc.assert(
      fc.asyncProperty(
        role,
        resource().chain((r) => fc.tuple(fc.constant(r), listParams(r.fields), id, fc.constantFrom('list', 'export', 'one', 'history'))),
        async (who, [r, params, rawId, kind]) => {
          const path = kind === 'list' ? `/api/${r.name}?${qs(params)}` : kind === 'export' ? `/api/${r.name}/export?${qs(params)}` : `/api/${r.name}/${rawId}${kind === 'history' ? '/history' : ''}`;
          await probe(`GET ${path}`, who, kind === 'history' || kind === 'export' ? null : r.name, () => send(who, 'GET', path));
        },
      ),
      settings,
    );
    expect(successes()).toBeGreaterThanOrEqual(Math.ceil(RUNS / 20));
  });

  it('figures and search: aggregates, the dashboard and the search box with hostile group, sum, filter and q', async () => {
    /** Group and sum lists of real fields (dates bucketed or not, now and then a bad bucket), or anything at all. */
    const keys = (fields: FieldInfo[]) =>
      fc.oneof(
        fc.subarray(fields.map((f) => f.name), { maxLength: 3 }).chain((names) => fc.tuple(...names.map((n) => fc.constantFrom(n, `${n}:day`, `${n}:month`, `${n}:year`)))).map(toJson),
        hostileValue.map(toJson),
        hostileText,
      );
    const aggregateParams = (fields: FieldInfo[]) => fc.record({ group: keys(fields), sum: keys(fields), filter: listParams(fields).map((p) => p.filter ?? '{}') }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(
        role,
        resource().chain((r) => fc.tuple(fc.constant(r), aggregateParams(r.fields), fc.oneof(hostileText, fc.constantFrom('Ortiz', '9000000130', 'Paid', 'ab'), fc.array(hostileText, { maxLength: 2 })), fc.constantFrom('aggregate', 'aggregate', 'search', 'dashboard'))),
        async (who, [r, params, q, kind]) => {
          const search = Array.isArray(q) ? q.map((t) => `q=${pct(t)}`).join('&') : `q=${pct(q)}`;
          const path = kind === 'aggregate' ? `/api/${r.name}/aggregate?${qs(params)}` : kind === 'search' ? `/api/search?${search}` : '/api/dashboard';
          await probe(`GET ${path}`, who, null, () => send(who, 'GET', path));
        },
      ),
      settings,
    );
    expect(successes()).toBeGreaterThanOrEqual(Math.ceil(RUNS / 20));
  });

  it('writes: creates, updates and deletes with hostile bodies; what is accepted reads back as answered', async () => {
    await fc.assert(
      fc.asyncProperty(
        role,
        resource().chain((r) => fc.tuple(fc.constant(r), body(r.fields), id, fc.constantFrom('POST', 'PUT', 'PUT', 'DELETE'), fc.constantFrom(undefined, '*', '"stale"'))),
        async (who, [r, payload, rawId, method, ifMatch]) => {
          const path = method === 'POST' ? `/api/${r.name}` : `/api/${r.name}/${rawId}`;
          const text = method === 'DELETE' ? undefined : toJson(payload);
          // Most PUTs say they overwrite (If-Match: *), some name a stale version, some say nothing (428).
          const extra: Record<string, string> = method === 'PUT' && ifMatch ? { 'if-match': ifMatch } : {};
          const answer = await probe(`${method} ${path} ${text?.slice(0, 200) ?? ''}`, who, r.name, () => send(who, method, path, text, 'application/json', extra));
          if (answer.status < 300) {
            const written = answer.json as { id: number };
            const back = await send(who, 'GET', `/api/${r.name}/${written.id}`);
            // Gone (404), or no longer the caller's to read (403: an earlier run deleted or turned
            // off one of the caller's own permission items; after a create or edit, only if the
            // caller's own meta says show is no longer granted).
            if (method === 'DELETE') expect([403, 404]).toContain(back.status);
            else if (back.status === 403) expect([r.name, await mayShow(who, r.name)]).toEqual([r.name, false]);
            else expect(back.json).toEqual(written);
          }
        },
      ),
      settings,
    );
    expect(successes()).toBeGreaterThanOrEqual(Math.ceil(RUNS / 100));
  });

  it('raw bodies: invalid UTF-8, NUL bytes, wrong content types, truncated and oversized JSON', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.constantFrom(Buffer.from([0x7b, 0x22, 0x63, 0x6f, 0x64, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), Buffer.from('{"code":"\u0000"}'), Buffer.from('{"code":"a"')),
      hostileValue.map((v) => Buffer.from(toJson(v))),
    );
    await fc.assert(
      fc.asyncProperty(
        role,
        resource(),
        bytes,
        fc.constantFrom('application/json', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''),
        fc.constantFrom('POST', 'PUT'),
        async (who, r, payload, type, method) => {
          const path = method === 'POST' ? `/api/${r.name}` : `/api/${r.name}/1`;
          await probe(`${method} ${path} raw(${type}) ${Buffer.from(payload).toString('hex').slice(0, 80)}`, who, r.name, () => send(who, method, path, payload, type));
        },
      ),
      settings,
    );
  });

  it('sign-in, password, undo and change-set routes with hostile bodies and ids', async () => {
    await fc.assert(
      fc.asyncProperty(
        role,
        fc.oneof(hostileValue, fc.record({ email: hostileText, password: hostileText }), fc.record({ current: hostileText, password: hostileText })),
        id,
        fc.constantFrom('login', 'password', 'revert', 'change-set', 'me'),
        async (who, payload, rawId, kind) => {
          const [method, path] =
            kind === 'login' ? ['POST', '/api/auth/login'] : kind === 'password' ? ['POST', '/api/auth/password'] : kind === 'revert' ? ['POST', `/api/audit_log/${rawId}/revert`] : kind === 'change-set' ? ['POST', `/api/audit_log/revert-change-set/${rawId}`] : ['GET', '/api/auth/me'];
          const text = method === 'GET' ? undefined : toJson(payload);
          // A sign-in or a revert that succeeds writes (last_login, the undo): only refusals must leave no trace.
          const answer = await probe(`${method} ${path} ${text?.slice(0, 200) ?? ''}`, who, null, () => send(who, method, path, text));
          if (kind === 'password' && answer.status === 200) headers.set(who, { authorization: `Bearer ${(answer.json as { token: string }).token}` });
        },
      ),
      settings,
    );
    expect(successes()).toBeGreaterThanOrEqual(1);
  });

  it('bulk work and uploads: imports, bulk edits (previews write nothing) and multipart files with hostile parts', async () => {
    const csvText = fc.oneof(
      hostileText,
      fc.array(fc.array(fc.oneof(hostileText, fc.integer().map(String)), { minLength: 1, maxLength: 5 }), { maxLength: 6 }).map((rows) => rows.map((r) => r.join(',')).join('\n')),
    );
    /** A header of real fields and a row of plausible values: imports that can get through. */
    const plausibleCsv = (fields: FieldInfo[]) =>
      fc
        .subarray(fields, { minLength: 1, maxLength: Math.min(6, fields.length) })
        .chain((chosen) => fc.tuple(fc.constant(chosen), fc.tuple(...chosen.map(plausible))))
        .map(([chosen, values]) => chosen.map((f) => f.name).join(',') + '\n' + values.map((v) => JSON.stringify(typeof v === 'string' ? v : JSON.stringify(v))).join(','));
    const importBody = (fields: FieldInfo[]) =>
      fc.record(
        {
          csv: fc.oneof(plausibleCsv(fields), plausibleCsv(fields), csvText, fc.constant(fields.map((f) => f.name).join(',') + '\n' + fields.map(() => '').join(',')), hostileValue),
          mode: fc.oneof(fc.constantFrom('insert', 'upsert'), hostileValue),
          key: fc.oneof(fc.subarray(fields.map((f) => f.name)), hostileValue),
          mapping: fc.oneof(fc.dictionary(hostileText, fc.oneof(fc.constantFrom(...fields.map((f) => f.name)), hostileText, fc.constant(null)), { maxKeys: 3 }), hostileValue),
        },
        { requiredKeys: [] },
      );
    const bulkBody = (fields: FieldInfo[]) =>
      fc.record(
        { ids: fc.oneof(fc.array(fc.integer({ min: -2, max: 40 }), { maxLength: 5 }), hostileValue), filter: fc.oneof(fc.constant({}), hostileValue), data: body(fields) },
        { requiredKeys: [] },
      );
    const upload = fc.record({
      bytes: fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.constant(new TextEncoder().encode('%PDF-1.4\n%fuzz\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'))),
      name: hostileText,
      documentType: fc.oneof(fc.constantFrom('Parental Consent', 'Qualification', ''), hostileText),
    });
    await fc.assert(
      fc.asyncProperty(
        role,
        resource().chain((r) =>
          fc.tuple(
            fc.constant(r),
            fc.oneof(
              fc.tuple(fc.constantFrom('import', 'import/preview'), importBody(r.fields)),
              fc.tuple(fc.constantFrom('bulk-update', 'bulk-update/preview'), bulkBody(r.fields)),
              fc.tuple(fc.constant('files'), upload),
            ),
            id,
            fc.option(hostileText.map((t) => pct(t).slice(0, 200)), { nil: undefined }),
          ),
        ),
        async (who, [r, [route, payload], rawId, reason], ) => {
          const extra: Record<string, string> = reason === undefined ? {} : { 'x-change-reason': reason };
          if (route === 'files') {
            const { bytes, name, documentType } = payload as { bytes: Uint8Array; name: string; documentType: string };
            const form = new FormData();
            form.set('document_type', documentType);
            form.set('file', new Blob([bytes as BlobPart]), name);
            const path = `/api/${r.name}/${rawId}/files`;
            const answer = await probe(`POST ${path} file(${name.slice(0, 40)}, ${bytes.length} bytes)`, who, 'file_metadata', () => send(who, 'POST', path, form, '', extra));
            if (answer.status < 300) {
              const written = answer.json as { id: number };
              expect((await send(who, 'GET', `/api/file_metadata/${written.id}`)).json).toEqual(written);
            }
            return;
          }
          const path = `/api/${r.name}/${route}`;
          const before = await auditMark();
          const answer = await probe(`POST ${path} ${toJson(payload).slice(0, 200)}`, who, null, () => send(who, 'POST', path, toJson(payload), 'application/json', extra));
          if (route.endsWith('preview')) expect(await auditMark()).toEqual(before); // a dry run writes nothing, even when it succeeds
        },
      ),
      settings,
    );
    expect(successes()).toBeGreaterThanOrEqual(1);
  });
});
