import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The shape of the code itself, as the pipeline redesign left it: no generic module names a table
 * of the schema (they reach tables through declarations, or through contract/system-tables.ts for
 * the tables the product itself needs), and no source file grows past 300 lines.
 */
const ROOT = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The schema's tables, as the entities declare them. */
const TABLES = sources('server/schema').flatMap((f) => [...readFileSync(join(ROOT, f), 'utf8').matchAll(/tableName: '(\w+)'/g)].map((m) => m[1]));

/** Code without its comments (a comment may give an example table; code may not name one). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/**
 * A table named in code: as a whole string ('claim'), at the start of a path or permission name
 * ('/claim/', 'claim.list'), or after a SQL keyword (FROM claim).
 */
function namings(text: string, table: string): number[] {
  const t = table;
  const patterns = [new RegExp(`['"\`/]${t}(?=['"\`/.])`), new RegExp(`\\b(FROM|JOIN|INTO|UPDATE|TABLE|ON)\\s+"?${t}\\b`, 'i')];
  return code(text)
    .split('\n')
    .flatMap((line, i) => (patterns.some((p) => p.test(line)) ? [i + 1] : []));
}

describe('the shape of the code', () => {
  it('finds the schema tables to look for', () => expect(TABLES).toEqual(expect.arrayContaining(['claim', 'student', 'app_user', 'audit_log'])));

  it('names no table of the schema in server/engine, server/auth, server/http or admin/src', () => {
    const found: string[] = [];
    for (const file of ['server/engine', 'server/auth', 'server/http', 'admin/src'].flatMap(sources)) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const table of TABLES) for (const line of namings(text, table)) found.push(`${relative(ROOT, join(ROOT, file))}:${line} names ${table}`);
    }
    expect(found).toEqual([]);
  });

  it('would notice a table named in code', () => {
    expect(namings("const x = 'claim';\nSELECT 1 FROM student s\n// FROM claim in a comment", 'claim')).toEqual([1]);
    expect(namings('SELECT 1 FROM student s', 'student')).toEqual([1]);
    expect(namings('`${API}/audit_log/${id}`', 'audit_log')).toEqual([1]);
  });

  it('has the console read how to draw and edit a field from its display and input, never its column type', () => {
    // A branch on the type is a switch the next column type misses; the descriptor names display and input.
    const branches = sources('admin/src').flatMap((f) =>
      code(readFileSync(join(ROOT, f), 'utf8'))
        .split('\n')
        .flatMap((line, i) => (/\b(f|field|meta\.fields\[\w+\])\.type\b/.test(line) ? [`${f}:${i + 1}`] : [])),
    );
    expect(branches).toEqual([]);
  });

  it('keeps every file under server/ and admin/src/ to 300 lines', () => {
    const long = ['server', 'admin/src'].flatMap(sources).flatMap((f) => {
      const lines = readFileSync(join(ROOT, f), 'utf8').split('\n').length;
      return lines > 300 ? [`${f}: ${lines} lines`] : [];
    });
    expect(long).toEqual([]);
  });
});
