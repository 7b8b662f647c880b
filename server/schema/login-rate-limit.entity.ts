import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';

/** rate-limiter-flexible's PostgreSQL store (its own column layout): failed sign-ins per key. */
@Resource({ served: false, audited: false })
@Entity({ tableName: 'login_rate_limit' })
export class LoginRateLimit {
  @PrimaryKey({ type: 'string', columnType: 'varchar(255)' })
  key!: string;

  @Property({ type: 'integer', columnType: 'int', default: 0 })
  points!: number;

  @Property({ type: 'bigint', columnType: 'bigint', nullable: true })
  expire?: string | null;
}
