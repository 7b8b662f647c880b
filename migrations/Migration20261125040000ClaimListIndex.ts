import { Migration } from '@mikro-orm/migrations';

/** A district's claims of one status, by date (the list people open most): one index range scan. */
export class Migration20261125040000ClaimListIndex extends Migration {
  override up(): void {
    this.addSql(`create index "claim_status_district_service_date_index" on "claim" ("status", "district", "service_date", "id");`);
  }
}
