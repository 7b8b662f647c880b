import { createHash } from 'node:crypto';

/** Collects positional parameters while SQL text is assembled; values never enter the text. */
export class Params {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder, cast so PostgreSQL never has to guess the type. */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}

/** Quotes an identifier. Identifiers only ever come from entity metadata, never from a request. */
export function ident(name: string): string {
  return '"' + name.replaceAll('"', '""') + '"';
}

/** A short stable name for a statement's text (a prepared statement's name, an entity tag). */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = createHash('sha1').update(text).digest('base64url').slice(0, 16);
    // A few shapes recur (each list's, each read's): kept, up to a bound, not hashed on every request.
    if (names.size >= 2_000) names.clear();
    names.set(text, name);
  }
  return name;
}

const names = new Map<string, string>();
