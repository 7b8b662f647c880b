import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { App } from '../../server/app.js';
import { loadConfig } from '../../server/config/config.js';
import { s3ClientConfig } from '../../server/files/s3-file-store.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { startLocalS3, type LocalS3 } from '../support/s3-server.js';
import { refuseInsertsAtCommit } from '../support/refuse-at-commit.js';
import { samplePdf } from '../support/sample-files.js';
import { client, signIn, startServer } from '../support/server.js';

// The same journey as files.spec.ts with FILE_STORE=s3, against an S3-compatible server on loopback.
let s3: LocalS3;
let db: TestDatabase;
let app: App;
let admin: Record<string, string>;
let objects: S3Client;
const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

beforeAll(async () => {
  s3 = await startLocalS3();
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  db = await testDatabase();
  app = await startServer(db, s3.env);
  admin = await signIn(app.url, 'admin');
  objects = new S3Client(s3ClientConfig(loadConfig(s3.env).files.s3!));
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
  await s3?.close();
  process.env.AWS_ACCESS_KEY_ID = saved.id;
  process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function object(key: string): Promise<Buffer | null> {
  try {
    const res = await objects.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    return Buffer.from(await res.Body!.transformToByteArray());
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return null;
    throw error;
  }
}

async function upload(target: string, bytes: Buffer, fields: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)]), 'consent.pdf');
  const res = await fetch(`${app.url}/api/${target}/files`, { method: 'POST', headers: admin, body: form });
  return { status: res.status, body: (await res.json()) as any };
}

const download = async (id: number) => {
  const res = await fetch(`${app.url}/api/file_metadata/${id}/content`, { headers: admin });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
};

describe('documents in an S3-compatible store', () => {
  it('uploads into the bucket under the prefix, downloads verified, sets aside on delete and restores on undo', async () => {
    const pdf = samplePdf('Consent stored in S3');
    const res = await upload('student/8', pdf, { document_type: 'Parental Consent' });
    expect(res.status).toBe(201);
    expect(res.body.checksum).toBe(sha256(pdf));
    expect((await object(`kcsos/${res.body.storage_path}`))?.equals(pdf)).toBe(true);
    const got = await download(res.body.id);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(pdf)).toBe(true);

    const api = client(`${app.url}/api`, admin);
    expect((await api('DELETE', `/file_metadata/${res.body.id}`)).status).toBe(200);
    expect(await object(`kcsos/${res.body.storage_path}`)).toBeNull();
    expect((await object(`kcsos/.trash/${res.body.storage_path}`))?.equals(pdf)).toBe(true);
    expect((await download(res.body.id)).status).toBe(404);
    const event = (await api('GET', `/file_metadata/${res.body.id}/history`)).body.find((e: { action: string }) => e.action === 'DELETE');
    expect((await api('POST', `/audit_log/${event.id}/revert`)).status).toBe(200);
    expect((await download(res.body.id)).bytes.equals(pdf)).toBe(true);
    expect(await object(`kcsos/.trash/${res.body.storage_path}`)).toBeNull();
  });

  it('removes the object when the row fails at commit', async () => {
    const restore = await refuseInsertsAtCommit(db.pool, 'file_metadata');
    try {
      const rows = (await db.pool.query(`SELECT count(*)::int AS n FROM file_metadata`)).rows[0].n;
      const res = await upload('student/8', samplePdf(), { document_type: 'Parental Consent' });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect((await db.pool.query(`SELECT count(*)::int AS n FROM file_metadata`)).rows[0].n).toBe(rows);
      // The failed upload's key is not told to the client: the student's folder in the bucket is listed.
      const listed = await objects.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'kcsos/student/8/' }));
      expect((listed.Contents ?? []).length).toBe(1); // the first test's document, restored
    } finally {
      await restore();
    }
  });
});
