import type { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.js';

/** A finished upload in the spool: a temporary file whose size and SHA-256 are known. */
export interface SpooledFile {
  path: string;
  size: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  mimeType: string;
}

/**
 * Where the bytes of documents live. Keys are chosen by the server (`newFileKey`), never by a
 * client; a deleted document's bytes are moved aside rather than destroyed, so undoing the deletion
 * from the history can bring them back.
 */
export interface FileStore {
  /** Stores a spooled file under `key` (the spool file is consumed). */
  put(key: string, file: SpooledFile): Promise<void>;
  /** The stored bytes, or null when nothing is stored under `key`. */
  read(key: string): Promise<Readable | null>;
  /** Moves the bytes of a deleted document aside (kept for undo). */
  discard(key: string): Promise<void>;
  /** Brings back bytes moved aside by `discard`; false when there are none. */
  restore(key: string): Promise<boolean>;
  /** Removes bytes for good (an upload whose row did not commit). */
  remove(key: string): Promise<void>;
  /** The keys of the bytes set aside by `discard` (and not restored since). */
  discarded(): AsyncIterable<string>;
  /** Removes set-aside bytes for good (their deletion can no longer be undone). */
  purge(key: string): Promise<void>;
}

const KEY = /^[a-z_][a-z0-9_]{0,62}\/\d{1,15}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `<table>/<record id>/<uuid>`: nothing of the client's file name reaches the store. */
export function newFileKey(table: string, id: number): string {
  return assertFileKey(`${table}/${id}/${randomUUID()}`);
}

/**
 * Only keys of the server's own shape are ever read or written: a `storage_path` typed into a row
 * by hand (`../../etc/passwd`, a URL) is not a stored file.
 */
export function isFileKey(key: unknown): key is string {
  return typeof key === 'string' && KEY.test(key);
}

export function assertFileKey(key: string): string {
  if (!isFileKey(key)) throw new AppError('NOT_FOUND', 'No stored file under this storage path');
  return key;
}
