/**
 * The filter vocabulary of the list routes (ra-data-simple-rest's `filter` object), shared by the
 * server's filter builder and the console's filter inputs: `{<field>: v}` is equality, and
 * `{<field>_<op>: v}` each other operator. Which operators a field takes comes from its column
 * type's descriptor and is sent in `/api/meta` (`operators`).
 */

/** Every field takes these: equal (a list of values: any of them), not equal, and "is empty". */
export const EQUALITY = ['eq', 'neq', 'null'] as const;
/** Ordered types (numbers, dates, times) add these. */
export const ORDERING = ['gte', 'lte', 'gt', 'lt'] as const;
/** Textual types add a case-insensitive "contains". */
export const TEXT_MATCH = ['like'] as const;

export type Operator = (typeof EQUALITY)[number] | (typeof ORDERING)[number] | (typeof TEXT_MATCH)[number];

/** The operators written as a key suffix (all but equality). */
export const SUFFIXED: readonly string[] = [...EQUALITY, ...ORDERING, ...TEXT_MATCH].filter((op) => op !== 'eq');

/** The filter key of a field and an operator: `status`, `service_date_gte`. */
export const filterKey = (field: string, op: Operator): string => (op === 'eq' ? field : `${field}_${op}`);

/** What a suffixed key names (`service_date_gte`: service_date, gte), or null when it has no operator suffix. */
export function operatorKey(key: string): { field: string; op: Operator } | null {
  const cut = key.lastIndexOf('_');
  if (cut <= 0) return null;
  const op = key.slice(cut + 1);
  return SUFFIXED.includes(op) ? { field: key.slice(0, cut), op: op as Operator } : null;
}
