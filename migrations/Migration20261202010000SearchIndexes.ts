import { Migration } from '@mikro-orm/migrations';

/**
 * The search box reads every listable resource's `q` fields: a file's name, type and notes were a
 * sequential scan of its 20,000 rows at scale, the slowest part of every search. Trigram indexes
 * make each an index scan, like the claims' and students' search fields.
 */
export class Migration20261202010000SearchIndexes extends Migration {
  override up(): void {
    for (const field of ['file_name', 'document_type', 'notes']) {
      this.addSql(`create index "file_metadata_${field}_trgm" on "file_metadata" using gin ("${field}" gin_trgm_ops);`);
    }
  }
}
