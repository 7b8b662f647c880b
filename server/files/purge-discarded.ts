import type { Pool } from 'pg';
import type { FileStore } from './file-store.js';

const BATCH = 500;

/**
 * Removes for good the set-aside bytes of deleted documents whose deletion can no longer be undone:
 * no document row names them, and no audit event that names them (the deletion, or any other
 * change of such a row) is left in the log, because the retention archived its month. While an
 * event remains, the history can still bring the document back, so its bytes stay.
 * Answers the keys it removed.
 */
export async function purgeDiscardedFiles(pool: Pool, store: FileStore): Promise<string[]> {
  const purged: string[] = [];
  let keys: string[] = [];
  const settle = async () => {
    const { rows } = await pool.query<{ key: string }>(
      `SELECT k AS key FROM unnest($1::text[]) AS k
        WHERE NOT EXISTS (SELECT 1 FROM file_metadata f WHERE f.storage_path = k)
          AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.table_name = 'file_metadata'
                             AND (a.old_data ->> 'storage_path' = k OR a.changed_data ->> 'storage_path' = k))`,
      [keys],
    );
    for (const { key } of rows) {
      await store.purge(key);
      purged.push(key);
    }
    keys = [];
  };
  for await (const key of store.discarded()) {
    keys.push(key);
    if (keys.length >= BATCH) await settle();
  }
  if (keys.length) await settle();
  return purged;
}
