import { Migration } from '@mikro-orm/migrations';

/** `q` on big tables: trigram indexes on the declared search fields (ILIKE '%term%' as an index scan). */
export class Migration20261125030000Search extends Migration {
  override up(): void {
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create index "student_local_id_trgm" on "student" using gin ("local_id" gin_trgm_ops);`);
    this.addSql(`create index "student_ssid_trgm" on "student" using gin ("ssid" gin_trgm_ops);`);
    this.addSql(`create index "student_preferred_name_trgm" on "student" using gin ("preferred_name" gin_trgm_ops);`);
    this.addSql(`create index "student_first_name_trgm" on "student" using gin ("first_name" gin_trgm_ops);`);
    this.addSql(`create index "student_last_name_trgm" on "student" using gin ("last_name" gin_trgm_ops);`);
    this.addSql(`create index "claim_service_code_trgm" on "claim" using gin ("service_code" gin_trgm_ops);`);
    this.addSql(`create index "claim_batch_number_trgm" on "claim" using gin ("batch_number" gin_trgm_ops);`);
    this.addSql(`create index "claim_student_ssid_trgm" on "claim" using gin ("student_ssid" gin_trgm_ops);`);
    this.addSql(`create index "claim_student_name_trgm" on "claim" using gin ("student_name" gin_trgm_ops);`);
    this.addSql(`create index "claim_claim_number_trgm" on "claim" using gin ("claim_number" gin_trgm_ops);`);
  }
}
