/**
 * What rides in a read's own statement: a session check before it (auth/presumed-caller.ts), a
 * gate on its rows, an access record after it (audit/access-log.ts). One statement instead of two
 * or three, for a record by id and for a list's page alike.
 */
import { Params } from '../plan/sql.js';

type Row = Record<string, unknown>;

/** What rides in a read's own statement (a session check, an access record). */
export interface AlongsideParts {
  /** CTEs before the read's. */
  before?: string;
  /** A condition the read's row must meet too. */
  gate?: string;
  /** CTEs after it (given the name of the read's CTE). */
  after?: string;
  /** Columns added to the answer, which then always has one row (`__answered` says if the read's is in it). */
  output?: string;
  /** Called with the answer's row before the record is presented (or found missing). */
  seen?: (row: Row | undefined) => Promise<void>;
}

/** `answered` names the CTE of the row(s) read; `order` is a page's ORDER BY (its columns are answered's). */
export type Alongside = (params: Params, answered: string, order?: string) => AlongsideParts;

/**
 * A read's statement with what rides in it: its CTE `answered` between the others' CTEs, answered
 * in `order` (a page's ORDER BY) where given: a CTE's rows have no order of their own.
 */
export function withAlongside(select: string, parts: AlongsideParts, order?: string): string {
  const ctes = [parts.before, `answered AS (${select})`, parts.after].filter(Boolean).join(', ');
  const ordered = order ? ` ORDER BY ${order}` : '';
  if (!parts.output) return `WITH ${ctes} SELECT * FROM answered${ordered}`;
  return `WITH ${ctes} SELECT answered.*, EXISTS (SELECT 1 FROM answered) AS "__answered", ${parts.output} FROM (SELECT 1) AS one LEFT JOIN answered ON true${ordered}`;
}

/**
 * A page's statement with what rides in it: the page as planned (its index-served plan unchanged),
 * its rows kept only if the gate holds (a condition evaluated once, before the page is read).
 * Its placeholders continue the page's.
 */
export function pageAlongside(page: { text: string; values: unknown[] }, alongside: Alongside, order: string) {
  const params = new Params();
  params.values.push(...page.values);
  const parts = alongside(params, 'answered', order);
  const select = parts.gate ? `SELECT * FROM (${page.text}) AS page WHERE ${parts.gate}` : page.text;
  return { text: withAlongside(select, parts, order), values: params.values, parts };
}
