import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { loadConfig } from './config.js';

describe('documents configuration', () => {
  it('defaults to the local store under DATA_DIR/files, 20 MB, PDF/PNG/JPEG', () => {
    const files = loadConfig({ DATA_DIR: '/srv/kcsos' }).files;
    expect(files).toEqual({ store: 'local', dir: path.resolve('/srv/kcsos/files'), maxBytes: 20 * 1024 * 1024, allowedTypes: ['application/pdf', 'image/png', 'image/jpeg'], s3: undefined });
  });

  it('reads the limits and the S3 settings from the environment', () => {
    const files = loadConfig({ FILE_MAX_BYTES: '5000', FILE_TYPES: 'application/pdf, image/webp', FILE_STORE: 's3', S3_BUCKET: 'docs', AWS_REGION: 'us-west-2', S3_ENDPOINT: 'https://minio.internal:9000', S3_FORCE_PATH_STYLE: 'true', S3_PREFIX: 'kcsos/' }).files;
    expect(files).toMatchObject({ store: 's3', maxBytes: 5000, allowedTypes: ['application/pdf', 'image/webp'] });
    expect(files.s3).toEqual({ bucket: 'docs', region: 'us-west-2', endpoint: 'https://minio.internal:9000', forcePathStyle: true, prefix: 'kcsos/' });
  });

  it('stops the server at boot on a bad value rather than failing uploads later', () => {
    expect(() => loadConfig({ FILE_STORE: 'ftp' })).toThrow('FILE_STORE must be "local" or "s3", got "ftp"');
    expect(() => loadConfig({ FILE_STORE: 's3', S3_REGION: 'us-east-1' })).toThrow('FILE_STORE=s3 needs S3_BUCKET');
    expect(() => loadConfig({ FILE_STORE: 's3', S3_BUCKET: 'docs' })).toThrow('FILE_STORE=s3 needs S3_REGION (or AWS_REGION)');
    expect(() => loadConfig({ FILE_MAX_BYTES: '20MB' })).toThrow('FILE_MAX_BYTES must be a positive whole number, got "20MB"');
    expect(() => loadConfig({ FILE_TYPES: 'pdf' })).toThrow('FILE_TYPES must list MIME types, got "pdf"');
  });
});
