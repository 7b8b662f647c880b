import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, paginateListObjectsV2, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { S3Config } from '../config/config.js';
import { assertFileKey, isFileKey, type FileStore, type SpooledFile } from './file-store.js';

const isMissing = (e: unknown) => {
  const error = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return error?.name === 'NoSuchKey' || error?.name === 'NotFound' || error?.$metadata?.httpStatusCode === 404;
};

/**
 * The SDK client's settings from the product's configuration. Credentials come from the SDK's own
 * chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance or task role).
 */
export function s3ClientConfig(config: S3Config): S3ClientConfig {
  return {
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    // S3-compatible stores do not all accept the SDK's default CRC32 checksums on every request;
    // the upload sends its own SHA-256 instead (below), which S3 and MinIO verify.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/**
 * Documents in an S3 bucket (AWS or any S3-compatible store), for deployments with several
 * replicas: `<prefix><key>` for live documents, `<prefix>.trash/<key>` for deleted ones.
 */
export class S3FileStore implements FileStore {
  readonly client: S3Client;

  constructor(readonly config: S3Config, client?: S3Client) {
    this.client = client ?? new S3Client(s3ClientConfig(config));
  }

  objectKey(key: string): string {
    return this.config.prefix + assertFileKey(key);
  }

  private get trashPrefix(): string {
    return `${this.config.prefix}.trash/`;
  }

  trashKey(key: string): string {
    return this.trashPrefix + assertFileKey(key);
  }

  async put(key: string, file: SpooledFile): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: this.objectKey(key),
        Body: createReadStream(file.path),
        ContentLength: file.size,
        ContentType: file.mimeType,
        ChecksumSHA256: Buffer.from(file.sha256, 'hex').toString('base64'),
      }),
    );
    await unlink(file.path).catch(() => undefined);
  }

  async read(key: string): Promise<Readable | null> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }));
      return (object.Body as Readable | undefined) ?? null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  /** S3 has no rename: copy, then delete the source. */
  private async move(from: string, to: string): Promise<boolean> {
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.config.bucket, CopySource: `${this.config.bucket}/${encodeURI(from)}`, Key: to }));
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: from }));
    return true;
  }

  async discard(key: string): Promise<void> {
    await this.move(this.objectKey(key), this.trashKey(key));
  }

  restore(key: string): Promise<boolean> {
    return this.move(this.trashKey(key), this.objectKey(key));
  }

  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }));
  }

  async *discarded(): AsyncIterable<string> {
    const prefix = this.trashPrefix;
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.config.bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(prefix.length);
        if (isFileKey(key)) yield key;
      }
    }
  }

  async purge(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.trashKey(key) }));
  }
}
