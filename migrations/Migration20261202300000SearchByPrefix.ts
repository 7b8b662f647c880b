import { Migration } from '@mikro-orm/migrations';

const IDENTIFIERS: Record<string, string[]> = {
  claim: ['claim_number', 'student_ssid', 'batch_number', 'service_code'],
  student: ['ssid', 'local_id'],
};

/**
 * Codes and numbers (`@Resource({ identifiers })`) are searched by their start through a btree on
 * lower(field) instead of anywhere through trigrams: every claim number holds `CLM-000`, every SSID
 * runs of the same digits, so the trigram indexes handed most of the table back to recheck (an
 * SSID in the claims: 16,526 candidates for 10 matches). The trigram indexes they replace go, so a
 * write updates six btrees instead of six GIN indexes.
 */
export class Migration20261202300000SearchByPrefix extends Migration {
  override up(): void {
    for (const [table, fields] of Object.entries(IDENTIFIERS)) {
      for (const field of fields) {
        this.addSql(`drop index if exists "${table}_${field}_trgm";`);
        this.addSql(`create index "${table}_${field}_prefix" on "${table}" (lower("${field}") text_pattern_ops);`);
      }
    }
    // A service group is searched by its name and description (its other texts are a few values each).
    for (const field of ['name', 'description']) {
      this.addSql(`create index "service_group_${field}_trgm" on "service_group" using gin ("${field}" gin_trgm_ops);`);
    }
  }
}
