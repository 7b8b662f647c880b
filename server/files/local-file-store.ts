import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { assertFileKey, isFileKey, type FileStore, type SpooledFile } from './file-store.js';

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException)?.code === 'ENOENT';

/** Moves a file, copying when source and target are on different file systems. */
async function move(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(from, to);
    await unlink(from);
  }
}

/**
 * The default store: files under one folder (`DATA_DIR/files`), `<key>` for live documents and
 * `.trash/<key>` for deleted ones. Fine for one server; replicas need a shared store (S3).
 */
export class LocalFileStore implements FileStore {
  constructor(readonly root: string) {}

  private live(key: string): string {
    return path.join(this.root, ...assertFileKey(key).split('/'));
  }

  private trash(key: string): string {
    return path.join(this.root, '.trash', ...assertFileKey(key).split('/'));
  }

  async put(key: string, file: SpooledFile): Promise<void> {
    await move(file.path, this.live(key));
  }

  async read(key: string): Promise<Readable | null> {
    const target = this.live(key);
    try {
      if (!(await stat(target)).isFile()) return null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    return createReadStream(target);
  }

  async discard(key: string): Promise<void> {
    try {
      await move(this.live(key), this.trash(key));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async restore(key: string): Promise<boolean> {
    try {
      await move(this.trash(key), this.live(key));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.live(key), { force: true });
  }

  async *discarded(): AsyncIterable<string> {
    const trash = path.join(this.root, '.trash');
    let entries;
    try {
      entries = await readdir(trash, { recursive: true, withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const key = path.relative(trash, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
      if (isFileKey(key)) yield key;
    }
  }

  async purge(key: string): Promise<void> {
    await rm(this.trash(key), { force: true });
  }
}
