import type { FilesConfig } from '../config/config.js';
import type { FileStore } from './file-store.js';
import { LocalFileStore } from './local-file-store.js';
import { S3FileStore } from './s3-file-store.js';

/** The store `FILE_STORE` names: the local folder by default, S3 for several replicas. */
export function createFileStore(config: FilesConfig): FileStore {
  return config.store === 's3' && config.s3 ? new S3FileStore(config.s3) : new LocalFileStore(config.dir);
}
