// Development aid: prints the CREATE SQL MikroORM derives from the entities (no database needed).
// `npm run db:migration:create` is the tool for later changes; this one seeded the initial migration.
import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig } from '../../db/orm-config.js';

const orm = await MikroORM.init({ ...ormConfig({ url: 'postgres://x@127.0.0.1:1/x' }), connect: false } as never);
console.log(await orm.schema.getCreateSchemaSQL({ wrap: false }));
await orm.close();
