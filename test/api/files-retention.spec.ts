import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { App } from '../../server/app.js';
import { archiveOldAuditPartitions } from '../../server/audit/audit-partitions.js';
import { loadConfig } from '../../server/config/config.js';
import { createFileStore } from '../../server/files/create-file-store.js';
import type { FileStore } from '../../server/files/file-store.js';
import { purgeDiscardedFiles } from '../../server/files/purge-discarded.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { startLocalS3, type LocalS3 } from '../support/s3-server.js';
import { samplePdf } from '../support/sample-files.js';
import { client, signIn, startServer } from '../support/server.js';

// A deleted document's bytes are kept while the history can still undo the deletion, and removed
// once the retention has archived every event that names them. The same for both stores.
describe.each(['local', 's3'] as const)('documents past the audit retention (%s store)', (kind) => {
  let db: TestDatabase;
  let app: App;
  let s3: LocalS3 | undefined;
  let store: FileStore;
  let admin: Record<string, string>;
  let api: ReturnType<typeof client>;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kcsos-retention-'));
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  beforeAll(async () => {
    let env: Record<string, string> = { FILES_DIR: path.join(dir, 'files') };
    if (kind === 's3') {
      s3 = await startLocalS3();
      process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
      process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
      env = s3.env;
    }
    db = await testDatabase();
    app = await startServer(db, env);
    store = await createFileStore(loadConfig(env).files);
    admin = await signIn(app.url, 'admin');
    api = client(`${app.url}/api`, admin);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await s3?.close();
    rmSync(dir, { recursive: true, force: true });
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  });

  async function uploadThenDelete(name: string): Promise<{ id: number; key: string }> {
    const form = new FormData();
    form.append('document_type', 'Parental Consent');
    form.append('file', new Blob([new Uint8Array(samplePdf(name))]), `${name}.pdf`);
    const res = await fetch(`${app.url}/api/student/9/files`, { method: 'POST', headers: admin, body: form });
    const row = (await res.json()) as { id: number; storage_path: string };
    expect(res.status).toBe(201);
    expect((await api('DELETE', `/file_metadata/${row.id}`)).status).toBe(200);
    return { id: row.id, key: row.storage_path };
  }

  const discarded = async () => {
    const keys: string[] = [];
    for await (const key of store.discarded()) keys.push(key);
    return keys.sort();
  };

  it('keeps the bytes while an event can bring the document back, and removes them after the archive', async () => {
    const restored = await uploadThenDelete('restored later');
    const gone = await uploadThenDelete('deleted for good');
    expect(await discarded()).toEqual([restored.key, gone.key].sort());

    // Both deletions are in the log: nothing may go.
    expect(await purgeDiscardedFiles(db.pool, store)).toEqual([]);
    expect(await discarded()).toEqual([restored.key, gone.key].sort());

    const deletion = (await api('GET', `/file_metadata/${restored.id}/history`)).body.find((e: { action: string }) => e.action === 'DELETE');
    expect((await api('POST', `/audit_log/${deletion.id}/revert`)).status).toBe(200);
    expect(await discarded()).toEqual([gone.key]);

    // The retention archives this month (as it would once the month is old enough): the deletion
    // of the second document can no longer be undone, so its bytes go; the restored one stays.
    const archive = await mkdtemp(path.join(dir, 'archive-'));
    const nextMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 2));
    expect((await archiveOldAuditPartitions(db.pool, { keepMonths: 0, dir: archive, now: nextMonth })).length).toBeGreaterThan(0);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE table_name = 'file_metadata'`)).rows[0].n).toBe(0);
    expect(await purgeDiscardedFiles(db.pool, store)).toEqual([gone.key]);
    expect(await discarded()).toEqual([]);
    expect(await store.read(restored.key)).not.toBeNull();
    const res = await fetch(`${app.url}/api/file_metadata/${restored.id}/content`, { headers: admin });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    await rm(archive, { recursive: true, force: true });
  });
});
