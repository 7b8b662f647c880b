// `npm run db:migration:create -- --name AddWidget`: applies the existing migrations to the
// configured database (embedded by default), asks MikroORM what the entities need beyond them, and
// writes that as a new migration in migrations/, attaching the audit trigger to any new table.
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { loadConfig } from '../../config/config.js';
import { migrate, openDatabase } from '../../db/database.js';
import { flag } from '../args.js';
import { auditedTables } from '../../audit/ensure-audit-triggers.js';

const name = flag('name') ?? 'Change';
if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error('--name takes letters and digits');
const db = await openDatabase(loadConfig());
try {
  await migrate(db);
  const sql = (await db.orm.schema.getUpdateSchemaSQL({ wrap: false, safe: true })).split('\n').filter((l) => l.trim());
  if (sql.length === 0) {
    console.log('The database already matches the entities: nothing to write.');
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const cls = `Migration${stamp}${name}`;
    const created = new Set(sql.filter((l) => l.startsWith('create table')).map((l) => l.split('"')[1]));
    const body = sql.map((l) => `    this.addSql(\`${l}\`);`).join('\n');
    const triggers = auditedTables(db)
      .filter((t) => created.has(t.table))
      .map((t) => `    this.addSql(attachAuditTriggerSql('${t.table}'${t.masked.length || t.quiet.length ? `, ${JSON.stringify(t.masked)}` : ''}${t.quiet.length ? `, ${JSON.stringify(t.quiet)}` : ''}));`)
      .join('\n');
    await writeFile(
      `migrations/${cls}.ts`,
      `import { Migration } from '@mikro-orm/migrations';\n${triggers ? "import { attachAuditTriggerSql } from '../server/audit/audit-trigger.sql.js';\n" : ''}\nexport class ${cls} extends Migration {\n  override up(): void {\n${body}${triggers ? `\n${triggers}` : ''}\n  }\n}\n`,
    );
    console.log(`wrote migrations/${cls}.ts: add it to migrations/index.ts`);
  }
} finally {
  await db.close();
}
process.exit(0);
