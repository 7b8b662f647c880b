// The bare baseline: the same SQL the product runs for each scenario, behind a minimal node:http
// handler over a raw pg pool. No framework, no ORM, no auth: the limit for any HTTP API here.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import pg from 'pg';

/** The lists, as the product's planner writes them (bench.mjs): page text and values, FROM for the total. */
const queries = process.env.BENCH_QUERIES ? JSON.parse(readFileSync(process.env.BENCH_QUERIES, 'utf8')) : {};

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 10) });
const accessPool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4, options: '-c synchronous_commit=off' });
pg.types.setTypeParser(1184, (s) => s);
pg.types.setTypeParser(1082, (s) => s);
const CLAIM = `"id", "claim_number", "batch_number", "status", "service_date", "billed_amount", "paid_amount", "finalized_date", "service_code", "service_description", "quantity", "quantity_type", "location", "frequency_type", "rendering_provider", "rendering_provider_npi", "referring_provider", "referring_provider_npi", "district", "student_ssid", "student_name", "student_dob", "insurance_type", "insurance_carrier", "medi_cal_eligible", "carelon_id", "consent_to_treat", "consent_to_bill", "modifiers", "remittance_data", "created_at", "updated_at", "created_by", "updated_by"`;

async function total(from, values) {
  // The product's count strategy: the planner's estimate above EXACT_COUNT_BELOW rows.
  const limit = Number(process.env.EXACT_COUNT_BELOW ?? 20_000);
  const plan = (await pool.query(`EXPLAIN (FORMAT JSON) SELECT 1 ${from}`, values)).rows[0]['QUERY PLAN'][0].Plan['Plan Rows'];
  if (plan >= limit) return plan;
  return Number((await pool.query(`SELECT count(*)::bigint AS total ${from}`, values)).rows[0].total);
}

/** Figures are kept as the product keeps them (by statement and values, AGGREGATE_CACHE_MS): the same work per answer. */
const kept = new Map();
const KEEP_MS = Number(process.env.AGGREGATE_CACHE_MS ?? 30_000);

const routes = {
  async aggregate(u) {
    const q = queries.figures[u.searchParams.get('name')];
    const hit = kept.get(q.text);
    if (hit && Date.now() - hit.at < KEEP_MS) return hit.rows;
    const rows = pool.query(q.text, q.values).then((r) => r.rows);
    kept.set(q.text, { at: Date.now(), rows });
    return rows;
  },
  /** The search box's statements, all at once, as the product runs them. */
  async search(u) {
    const statements = queries.searches[u.searchParams.get('name')];
    return Promise.all(statements.map(async (s) => (await pool.query(s.text, s.values)).rows));
  },
  /** A page and its total, in parallel, as the product runs them. */
  async list(u, res) {
    const q = queries[u.searchParams.get('name')];
    const [rows, n] = await Promise.all([pool.query(q.page.text, q.page.values), total(q.from, q.values)]);
    res.setHeader('Content-Range', `x 0-${rows.rows.length - 1}/${n}`);
    return rows.rows;
  },
  async one(u) {
    return (await pool.query(`SELECT ${CLAIM} FROM "claim" WHERE "id" = $1`, [Number(u.searchParams.get('id'))])).rows[0];
  },
  /**
   * A show with its access record, as the product sends it for an access-logged resource read on
   * the primary (server/audit/access-log.ts): one statement, on a pool that commits without waiting
   * for the WAL flush, like the product's access-log pool.
   */
  async oneLogged(u) {
    const values = [Number(u.searchParams.get('id')), Number(u.searchParams.get('user')), 'claim', Number(u.searchParams.get('id')), 'show', '127.0.0.1'];
    const text = `WITH answered AS (SELECT ${CLAIM} FROM "claim" WHERE "id" = $1), tx AS MATERIALIZED (SELECT txid_current()), logged AS (INSERT INTO access_log (user_id, table_name, record_ids, action, client_address) SELECT $2::integer, $3::text, ARRAY[$4::bigint], $5::text, $6::text FROM tx WHERE EXISTS (SELECT 1 FROM answered)) SELECT * FROM answered`;
    return (await accessPool.query({ name: 'one-logged', text, values })).rows[0];
  },
  async history(u) {
    return (
      await pool.query(
        `SELECT a.*, nullif(concat_ws(' ', u.first_name, u.last_name), '') AS user_name FROM audit_log a LEFT JOIN app_user u ON u.id = a.user_id
          WHERE a.table_name = $1 AND a.record_pk = jsonb_build_object('id', $2::bigint) ORDER BY a.id DESC LIMIT 1000`,
        ['claim', Number(u.searchParams.get('id'))],
      )
    ).rows;
  },
  async update(u, _res, body) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT set_config('app.user_id', $1, true), set_config('app.change_reason', $2, true)", [String(body.user), '']);
      const id = Number(u.searchParams.get('id'));
      const current = (await client.query(`SELECT ${CLAIM} FROM "claim" WHERE "id" = $1 FOR UPDATE`, [id])).rows[0];
      await client.query(`UPDATE "claim" SET "carelon_id" = $1::text, "updated_at" = now(), "updated_by" = $2 WHERE "id" = $3`, [body.carelon_id, body.user, id]);
      const row = (await client.query(`SELECT ${CLAIM} FROM "claim" WHERE "id" = $1`, [id])).rows[0];
      await client.query('COMMIT');
      return current && row;
    } catch (e) {
      await client.query('ROLLBACK');
      throw e;
    } finally {
      client.release();
    }
  },
  async create(_u, _res, body) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT set_config('app.user_id', $1, true), set_config('app.change_reason', $2, true)", [String(body.user), '']);
      const { rows } = await client.query(
        `INSERT INTO "claim" ("claim_number", "status", "district", "created_by", "updated_by") VALUES ($1::text, $2::text, $3::text, $4, $4) RETURNING "id"`,
        [`BASE-${process.pid}-${Date.now()}-${Math.random()}`, 'Incomplete', 'Kern High School District', body.user],
      );
      const row = (await client.query(`SELECT ${CLAIM} FROM "claim" WHERE "id" = $1`, [rows[0].id])).rows[0];
      await client.query('COMMIT');
      return row;
    } catch (e) {
      await client.query('ROLLBACK');
      throw e;
    } finally {
      client.release();
    }
  },
};

const server = http.createServer(async (req, res) => {
  const u = new URL(req.url, 'http://x');
  const route = routes[u.pathname.slice(1)];
  if (!route) return res.writeHead(404).end();
  let text = '';
  for await (const chunk of req) text += chunk;
  try {
    const out = await route(u, res, text ? JSON.parse(text) : {});
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(out));
  } catch (e) {
    res.writeHead(500).end(String(e));
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('baseline listening'));
process.on('SIGTERM', () => server.close(() => Promise.all([pool.end(), accessPool.end()]).then(() => process.exit(0))));
