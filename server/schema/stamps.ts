import type { Rel } from '@mikro-orm/core';
import { ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { AppUser } from './app-user.entity.js';

/** The four columns `@Stamped()` declares, for code that reads an entity's stamps. */
export interface StampColumns {
  created_at?: string | null;
  updated_at?: string | null;
  created_by?: Rel<AppUser>;
  updated_by?: Rel<AppUser>;
}

interface StampOptions {
  /**
   * Whether each writer column gets an index of its own. Big tables say false and declare
   * `(created_by, id)` instead, which serves "records this user created, newest first" too.
   */
  index?: boolean;
  /** What deleting the creator does: `cascade` where the creator owns the row (a saved view). */
  creatorDeleteRule?: 'no action' | 'cascade';
}

/**
 * Who created and last changed a row, and when: the four columns most tables end with, declared
 * once. A class decorator runs after the property decorators, so the columns stay the class's last
 * (their order in forms and lists). The engine fills them from the unit of work's actor and clock
 * (engine/metadata/stamps.ts), never from a write body.
 */
export function Stamped(options: StampOptions = {}): ClassDecorator {
  const index = options.index ?? true;
  return (target) => {
    const proto = target.prototype as object;
    const clock = () => Property({ type: 'datetime', columnType: 'timestamptz', nullable: true, defaultRaw: 'now()' });
    const writer = (fieldName: string, deleteRule: 'no action' | 'cascade') =>
      ManyToOne(() => AppUser, { fieldName, nullable: true, deleteRule, ...(index ? { index: true } : {}) });
    clock()(proto, 'created_at');
    clock()(proto, 'updated_at');
    writer('created_by', options.creatorDeleteRule ?? 'no action')(proto, 'created_by');
    writer('updated_by', 'no action')(proto, 'updated_by');
  };
}
