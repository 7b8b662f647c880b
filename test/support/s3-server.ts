import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /** The SDK reads credentials from the environment, as it would in a deployment. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * An S3-compatible server on 127.0.0.1 (s3rver, objects in a temporary folder): the S3 store is
 * tested through the real AWS SDK over HTTP against it. It is not AWS: it does not check the
 * SHA-256 the store sends, nor enforce IAM.
 */
export async function startLocalS3(bucket = 'kcsos-documents'): Promise<LocalS3> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'kcsos-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    env: { FILE_STORE: 's3', S3_BUCKET: bucket, S3_REGION: 'us-east-1', S3_ENDPOINT: endpoint, S3_FORCE_PATH_STYLE: 'true', S3_PREFIX: 'kcsos/' },
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
