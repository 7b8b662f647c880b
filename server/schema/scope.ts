/**
 * A row scope as a declaration (`@Resource({ scopes })`), not SQL: the engine compiles it
 * (engine/scope/scope-sql.ts), boot checks every field and resource it names, and the console's
 * choices read which fields it pins to the caller. Conditions are on the resource's own columns.
 */
export type ScopeCondition =
  /** The column holds the signed-in user's id, or their role's name. */
  | { field: string; is: 'user' | 'role' }
  /** The column's value is one of the user's districts. */
  | { field: string; in: 'districts' }
  /** The column (a list) shares a district with the user's. */
  | { field: string; overlaps: 'districts' }
  /** The column holds this constant (which table a polymorphic link points at). */
  | { field: string; equals: string | number }
  /**
   * The column refers to a row of `via` (by the reference's key, else `id`) that meets `where`, or,
   * without `where`, that is within the same kind of scope there (a claim is a practitioner's
   * when its student is).
   */
  | { field: string; via: string; where?: ScopeCondition }
  /** Every element of the column (a list of ids) refers to such a row of `allVia`. */
  | { field: string; allVia: string; where?: ScopeCondition }
  | { all: ScopeCondition[] }
  | { any: ScopeCondition[] };
