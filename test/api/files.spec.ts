import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { refuseInsertsAtCommit } from '../support/refuse-at-commit.js';
import { samplePdf, samplePng, sampleExecutable } from '../support/sample-files.js';
import { client, serverForTests, signIn } from '../support/server.js';

const FILES_DIR = mkdtempSync(path.join(os.tmpdir(), 'kcsos-files-'));
const MAX = 1024 * 1024;
const ctx = serverForTests({ env: { FILES_DIR, FILE_MAX_BYTES: String(MAX) } });
afterAll(() => rmSync(FILES_DIR, { recursive: true, force: true }));

let admin: Record<string, string>;
beforeAll(async () => {
  admin = await signIn(ctx.app.url, 'admin');
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const one = async (sql: string, params: unknown[] = []) => (await ctx.db.pool.query(sql, params)).rows[0];

/** POSTs a multipart upload the way a browser's FormData does. */
async function upload(target: string, bytes: Buffer, fileName: string, fields: Record<string, string> = { document_type: 'Parental Consent' }, auth = admin) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)]), fileName);
  const res = await fetch(`${ctx.app.url}/api/${target}/files`, { method: 'POST', headers: auth, body: form });
  return { status: res.status, body: (await res.json()) as any };
}

async function download(id: number, auth = admin, query = '') {
  const res = await fetch(`${ctx.app.url}/api/file_metadata/${id}/content${query}`, { headers: auth });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, json: () => JSON.parse(bytes.toString()) };
}

/** Every stored file (live and set aside), relative to the store's folder; the spool is not storage. */
function storedFiles(dir = FILES_DIR, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === '.spool') return [];
    return statSync(full).isDirectory() ? storedFiles(full, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

describe('upload and download', () => {
  it('stores an uploaded PDF with its size, SHA-256 and detected type, and gives the same bytes back', async () => {
    const pdf = samplePdf();
    const audits = Number((await one(`SELECT count(*) FROM audit_log WHERE table_name = 'file_metadata'`)).count);
    const res = await upload('student/3', pdf, 'consent.pdf', { document_type: 'Parental Consent', notes: 'signed by mother' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      entity_table: 'student',
      entity_id: 3,
      document_type: 'Parental Consent',
      file_name: 'consent.pdf',
      mime_type: 'application/pdf',
      file_size_bytes: pdf.length,
      checksum: sha256(pdf),
      notes: 'signed by mother',
      uploaded_by: expect.any(Number),
    });
    expect(res.body.storage_path).toMatch(/^student\/3\/[0-9a-f-]{36}$/);
    // The row is audited like any other write.
    expect(Number((await one(`SELECT count(*) FROM audit_log WHERE table_name = 'file_metadata'`)).count)).toBe(audits + 1);
    const got = await download(res.body.id);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toBe('inline; filename=consent.pdf');
    expect(got.headers.get('content-length')).toBe(String(pdf.length));
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(sha256(got.bytes)).toBe(sha256(pdf));
    const saved = await download(res.body.id, admin, '?download=1');
    expect(saved.headers.get('content-disposition')).toBe('attachment; filename=consent.pdf');
  });

  it('detects PNG from the content whatever the name says', async () => {
    const res = await upload('student/3', samplePng(), 'scan.pdf', { document_type: 'Other' });
    expect(res.status).toBe(201);
    expect(res.body.mime_type).toBe('image/png');
    expect((await download(res.body.id)).headers.get('content-type')).toBe('image/png');
  });

  it('refuses a renamed executable with a .pdf name (415) and stores nothing', async () => {
    const before = storedFiles();
    const rows = Number((await one(`SELECT count(*) FROM file_metadata`)).count);
    const res = await upload('student/3', sampleExecutable(), 'consent.pdf');
    expect(res.status).toBe(415);
    expect(res.body).toEqual({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Only PDF, PNG, JPEG files are accepted (its content is application/x-elf)' });
    const text = await upload('student/3', Buffer.from('just some text, not a document'), 'notes.pdf');
    expect(text.status).toBe(415);
    expect(text.body.message).toMatch(/not a recognised document/);
    expect(storedFiles()).toEqual(before);
    expect(Number((await one(`SELECT count(*) FROM file_metadata`)).count)).toBe(rows);
    expect(readdirSync(path.join(FILES_DIR, '.spool'))).toEqual([]);
  });

  it('refuses a file over the size limit with 413 and a clear message, and stores nothing', async () => {
    const before = storedFiles();
    const big = Buffer.concat([samplePdf(), Buffer.alloc(MAX + 10, 0x20)]);
    const res = await upload('student/3', big, 'big.pdf');
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'The file is larger than the 1 MB limit' });
    expect(storedFiles()).toEqual(before);
    expect(await one(`SELECT id FROM file_metadata WHERE file_name = 'big.pdf'`)).toBeUndefined();
  });

  it('stores a path-traversal file name under a server-chosen path, keeping only its last segment as the name', async () => {
    const res = await upload('student/4', samplePdf(), '../../../../etc/cron.d/evil.pdf');
    expect(res.status).toBe(201);
    expect(res.body.file_name).toBe('evil.pdf');
    expect(res.body.storage_path).toMatch(/^student\/4\/[0-9a-f-]{36}$/);
    expect(storedFiles()).toContain(res.body.storage_path);
    expect(storedFiles().some((f) => f.includes('evil') || f.includes('..'))).toBe(false);
    const windows = await upload('student/4', samplePdf(), '..\\..\\boot.ini.pdf');
    expect(windows.body.file_name).toBe('boot.ini.pdf');
    // A storage path is the server's to write: one typed into a write body is ignored.
    writeFileSync(path.join(os.tmpdir(), 'kcsos-secret.txt'), 'secret');
    const edited = await fetch(`${ctx.app.url}/api/file_metadata/${res.body.id}`, {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ storage_path: '../../../../../../tmp/kcsos-secret.txt' }),
    });
    expect(edited.status).toBe(200);
    expect((await edited.json()).storage_path).toBe(res.body.storage_path);
    const got = await download(res.body.id);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(samplePdf())).toBe(true);
  });

  it('sends a safe Content-Disposition for names with quotes and non-ASCII characters', async () => {
    const res = await upload('student/4', samplePdf(), 'consent "signed"\r\n é.pdf');
    expect(res.body.file_name).toBe('consent "signed" é.pdf');
    const got = await download(res.body.id);
    expect(got.headers.get('content-disposition')).toBe(`inline; filename="consent \\"signed\\" ?.pdf"; filename*=UTF-8''consent%20%22signed%22%20%C3%A9.pdf`);
  });

  it('answers clear 4xx for a missing record, an unknown resource, no file, no document type, or JSON', async () => {
    expect(await upload('student/99999999', samplePdf(), 'a.pdf')).toMatchObject({ status: 404 });
    expect(await upload('no_such_table/1', samplePdf(), 'a.pdf')).toMatchObject({ status: 404, body: { message: 'Unknown resource "no_such_table"' } });
    expect(await upload('audit_log/1', samplePdf(), 'a.pdf')).toMatchObject({ status: 405, body: { message: 'Documents cannot be attached to audit log' } });
    expect(await upload('file_metadata/1', samplePdf(), 'a.pdf')).toMatchObject({ status: 405, body: { message: 'Documents cannot be attached to files' } });
    const empty = new FormData();
    empty.append('document_type', 'Other');
    const noFile = await fetch(`${ctx.app.url}/api/student/3/files`, { method: 'POST', headers: admin, body: empty });
    expect(noFile.status).toBe(400);
    expect(((await noFile.json()) as any).message).toMatch(/no file/);
    const noType = await upload('student/3', samplePdf(), 'a.pdf', {});
    expect(noType.status).toBe(400);
    expect(noType.body.errors).toHaveProperty('document_type');
    const json = await fetch(`${ctx.app.url}/api/student/3/files`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
    expect(((await json.json()) as any).message).toBe('Send the file as multipart/form-data');
    expect(await one(`SELECT id FROM file_metadata WHERE file_name = 'a.pdf'`)).toBeUndefined();
  });

  it('refuses to send a document whose record no longer exists, and one whose bytes were altered', async () => {
    const res = await upload('student/5', samplePdf(), 'moved.pdf');
    await ctx.db.pool.query(`UPDATE file_metadata SET entity_id = 99999999 WHERE id = $1`, [res.body.id]);
    expect((await download(res.body.id)).status).toBe(404);
    const other = await upload('student/5', samplePdf(), 'tampered.pdf');
    writeFileSync(path.join(FILES_DIR, other.body.storage_path), samplePdf('Parental consent form: NOT signed'));
    const got = await download(other.body.id);
    expect(got.status).toBe(500);
    expect(got.json()).toEqual({ code: 'INTERNAL', message: `The stored file of document ${other.body.id} does not match its checksum; it was not sent` });
  });
});

describe('API description', () => {
  it('lists the upload route of every writable resource and the download route', async () => {
    const doc = (await ctx.api('GET', '/docs-json')).body;
    expect(Object.keys(doc.paths['/api/student/{id}/files'].post.requestBody.content)).toEqual(['multipart/form-data']);
    expect(doc.paths['/api/claim/{id}/files'].post.responses).toHaveProperty('413');
    expect(doc.paths['/api/audit_log/{id}/files']).toBeUndefined();
    expect(doc.paths['/api/file_metadata/{id}/content'].get).toBeDefined();
  });
});

describe('who may download', () => {
  it("lets a practitioner open their own student's documents, and answers 404 for another practitioner's student", async () => {
    const me = await one(`SELECT id FROM app_user WHERE email = 'practitioner@demo.kcsos.invalid'`);
    const mine = await one(`SELECT id FROM student WHERE practitioner_id = $1 ORDER BY id LIMIT 1`, [me.id]);
    const theirs = await one(`SELECT id FROM student WHERE practitioner_id <> $1 ORDER BY id LIMIT 1`, [me.id]);
    const practitioner = await signIn(ctx.app.url, 'practitioner');
    const own = await upload(`student/${mine.id}`, samplePdf(), 'own.pdf', { document_type: 'Parental Consent' }, practitioner);
    expect(own.status).toBe(201);
    expect((await download(own.body.id, practitioner)).status).toBe(200);
    const foreign = await upload(`student/${theirs.id}`, samplePdf(), 'foreign.pdf');
    const denied = await download(foreign.body.id, practitioner);
    expect(denied.status).toBe(404);
    expect(denied.bytes.toString()).not.toContain('%PDF');
    // Nor may they attach a document to that student.
    expect((await upload(`student/${theirs.id}`, samplePdf(), 'x.pdf', { document_type: 'Other' }, practitioner)).status).toBe(404);
    // A supervisor opens any student's document; support staff attach them.
    expect((await download(foreign.body.id, await signIn(ctx.app.url, 'supervisor'))).status).toBe(200);
    expect((await upload(`student/${theirs.id}`, samplePdf(), 'support.pdf', { document_type: 'Parental Consent' }, await signIn(ctx.app.url, 'support'))).status).toBe(201);
  });

  it('keeps a document on the record it was uploaded to: pointed at a record the caller reaches, it would open to them', async () => {
    // Attached to a user's record, which support staff may not open: its content is refused to them.
    const userDoc = await upload('app_user/2', samplePdf('a user file'), 'user.pdf', { document_type: 'Other' });
    expect(userDoc.status).toBe(201);
    const support = await signIn(ctx.app.url, 'support');
    expect((await download(userDoc.body.id, support)).status).toBe(404);
    const asSupport = client(`${ctx.app.url}/api`, support);
    const moved = await asSupport('PUT', `/file_metadata/${userDoc.body.id}`, { entity_table: 'student', entity_id: 5 });
    expect([moved.status, moved.body.errors]).toEqual([400, { entity_table: 'is set when the record is created and cannot be changed', entity_id: 'is set when the record is created and cannot be changed' }]);
    expect(await one(`SELECT entity_table, entity_id::int FROM file_metadata WHERE id = $1`, [userDoc.body.id])).toEqual({ entity_table: 'app_user', entity_id: 2 });
    expect((await download(userDoc.body.id, support)).status).toBe(404);
    // The record saved whole, as a form sends it, with the same record: an ordinary edit.
    const edited = await client(`${ctx.app.url}/api`, admin)('PUT', `/file_metadata/${userDoc.body.id}`, { ...userDoc.body, notes: 'checked' });
    expect([edited.status, edited.body.notes]).toEqual([200, 'checked']);
  });
});

describe('the file and its row together', () => {
  it('removes the stored file when the row fails at commit (after the file was written)', async () => {
    // A deferred constraint trigger fails the transaction at COMMIT, i.e. after the file was stored.
    const restore = await refuseInsertsAtCommit(ctx.db.pool, 'file_metadata', "NEW.notes = 'fail at commit'");
    try {
      const before = storedFiles();
      const audits = Number((await one(`SELECT count(*) FROM audit_log`)).count);
      const res = await upload('student/6', samplePdf(), 'doomed.pdf', { document_type: 'Parental Consent', notes: 'fail at commit' });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(await one(`SELECT id FROM file_metadata WHERE file_name = 'doomed.pdf'`)).toBeUndefined();
      expect(Number((await one(`SELECT count(*) FROM audit_log`)).count)).toBe(audits);
      expect(storedFiles()).toEqual(before);
    } finally {
      await restore();
    }
  });

  it('leaves no row when the file cannot be stored', async () => {
    // The store's folder for services is a plain file: storing under it fails.
    writeFileSync(path.join(FILES_DIR, 'service'), 'in the way');
    try {
      const service = await one(`SELECT id FROM service ORDER BY id LIMIT 1`);
      const audits = Number((await one(`SELECT count(*) FROM audit_log`)).count);
      const res = await upload(`service/${service.id}`, samplePdf(), 'unstorable.pdf', { document_type: 'Other' });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ code: 'INTERNAL', message: 'Internal error' });
      expect(await one(`SELECT id FROM file_metadata WHERE file_name = 'unstorable.pdf'`)).toBeUndefined();
      expect(Number((await one(`SELECT count(*) FROM audit_log`)).count)).toBe(audits);
      expect(readdirSync(path.join(FILES_DIR, '.spool'))).toEqual([]);
    } finally {
      rmSync(path.join(FILES_DIR, 'service'));
    }
  });
});

describe('delete and undo', () => {
  it('moves the stored file aside when the row is deleted, and brings both back when the deletion is undone', async () => {
    const pdf = samplePdf('Consent to be deleted and restored');
    const res = await upload('student/7', pdf, 'restore-me.pdf');
    const live = path.join(FILES_DIR, res.body.storage_path);
    expect(existsSync(live)).toBe(true);
    const deleted = await ctx.api('DELETE', `/file_metadata/${res.body.id}`);
    expect(deleted.status).toBe(200);
    expect(existsSync(live)).toBe(false);
    expect((await download(res.body.id)).status).toBe(404);
    const event = (await ctx.api('GET', `/file_metadata/${res.body.id}/history`)).body.find((e: { action: string }) => e.action === 'DELETE');
    const undone = await ctx.api('POST', `/audit_log/${event.id}/revert`);
    expect(undone.status).toBe(200);
    expect(undone.body.records).toEqual([{ resource: 'file_metadata', id: res.body.id, action: 'restored' }]);
    expect((await ctx.api('GET', `/file_metadata/${res.body.id}`)).body).toMatchObject({ file_name: 'restore-me.pdf', checksum: sha256(pdf) });
    const got = await download(res.body.id);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(pdf)).toBe(true);
  });

  it('sets the file aside when its upload is undone from the history (and back when that is undone)', async () => {
    const res = await upload('student/7', samplePdf(), 'undo-upload.pdf');
    const insert = (await ctx.api('GET', `/file_metadata/${res.body.id}/history`)).body.find((e: { action: string }) => e.action === 'INSERT');
    expect((await ctx.api('POST', `/audit_log/revert-change-set/${insert.change_set}`)).status).toBe(200);
    expect(existsSync(path.join(FILES_DIR, res.body.storage_path))).toBe(false);
    const deletion = (await ctx.api('GET', `/file_metadata/${res.body.id}/history`)).body.find((e: { action: string }) => e.action === 'DELETE');
    expect((await ctx.api('POST', `/audit_log/${deletion.id}/revert`)).status).toBe(200);
    expect((await download(res.body.id)).status).toBe(200);
  });
});
