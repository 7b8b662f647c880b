/** `{field}` placeholders: representations (`{last_name}, {first_name}`) and copied fields. */
const PLACEHOLDER = /\{(\w+)\}/g;

/** The fields a template names. */
export function templateFields(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/** A template filled from a row; a template that is one placeholder keeps the value's type. */
export function fillTemplate(template: string, row: Record<string, unknown>): unknown {
  const whole = /^\{(\w+)\}$/.exec(template);
  return whole ? (row[whole[1]] ?? null) : template.replace(PLACEHOLDER, (_, f: string) => String(row[f] ?? ''));
}
