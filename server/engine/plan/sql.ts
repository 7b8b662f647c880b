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
