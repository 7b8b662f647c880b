import { Migration } from '@mikro-orm/migrations';

/**
 * Lists sort by (field, id) in either direction (server/engine/plan/plan-list.ts): an index on
 * (field, id) serves a sort both ways, read forwards or backwards, while one on (field) alone
 * leaves PostgreSQL sorting every row of a value again by id. So the single-column indexes of the
 * tables that grow with use become (field, id); they serve the same look-ups and foreign keys.
 * A student's (practitioner_id, id) also carries the ssid, so a practitioner's claims scope
 * (`student_ssid IN (SELECT ssid FROM student WHERE practitioner_id = :user)`) reads its
 * students from the index alone. Fields that led only a wider index (a membership's group, an
 * audit event's table) get their own (field, id), and so do a document's entity_table and
 * entity_id, which had none (the Documents tab of every show page looks documents up by them).
 */
const LIST_INDEXES: Record<string, string[]> = {
  claim: ['batch_number', 'status', 'service_date', 'district', 'student_ssid', 'created_by', 'updated_by'],
  student: ['last_name', 'status', 'district', 'created_by', 'updated_by'],
  service: ['student_id', 'practitioner_id', 'service_date', 'status', 'created_by', 'updated_by'],
  service_group: ['practitioner_id', 'status', 'created_by', 'updated_by'],
  group_membership: ['student_id', 'status', 'created_by', 'updated_by'],
  file_metadata: ['uploaded_by'],
  audit_log: ['occurred_at', 'txid'],
};

export class Migration20261201100000ListIndexes extends Migration {
  override up(): void {
    for (const [table, columns] of Object.entries(LIST_INDEXES)) {
      for (const column of columns) {
        this.addSql(`create index "${table}_${column}_id_index" on "${table}" ("${column}", "id");`);
        this.addSql(`drop index "${table}_${column}_index";`);
      }
    }
    this.addSql(`create index "student_practitioner_id_id_index" on "student" ("practitioner_id", "id") include ("ssid");`);
    this.addSql(`drop index "student_practitioner_id_index";`);
    this.addSql(`create index "group_membership_group_id_id_index" on "group_membership" ("group_id", "id");`);
    this.addSql(`create index "audit_log_table_name_id_index" on "audit_log" ("table_name", "id");`);
    this.addSql(`create index "file_metadata_entity_table_id_index" on "file_metadata" ("entity_table", "id");`);
    this.addSql(`create index "file_metadata_entity_id_id_index" on "file_metadata" ("entity_id", "id");`);
  }
}
