import type { Pool } from 'pg';

/**
 * Makes inserts into `table` (those matching `when`) fail at COMMIT, through a deferred constraint
 * trigger: the failure comes after everything the request did inside its transaction (storing a
 * file included). Returns the undo.
 */
export async function refuseInsertsAtCommit(pool: Pool, table: string, when = 'true'): Promise<() => Promise<void>> {
  await pool.query(`
    CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'refused at commit' USING ERRCODE = 'check_violation'; END $$;
    CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON ${table} DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION refuse_at_commit();`);
  return async () => {
    await pool.query(`DROP TRIGGER refuse_at_commit ON ${table}; DROP FUNCTION refuse_at_commit()`);
  };
}
