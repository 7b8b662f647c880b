import type { FilesConfig } from '../config/config.js';
import type { FileStore } from './file-store.js';
import { LocalFileStore } from './local-file-store.js';

/**
 * The store `FILE_STORE` names: the local folder by default, S3 for several replicas. The AWS SDK
 * is loaded only when S3 is chosen: it costs a server that keeps files locally tens of megabytes.
 */
export async function createFileStore(config: FilesConfig): Promise<FileStore> {
  if (config.store === 's3' && config.s3) {
    const { S3FileStore } = await import('./s3-file-store.js');
    return new S3FileStore(config.s3);
  }
  return new LocalFileStore(config.dir);
}
