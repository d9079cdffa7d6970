/**
 * Databricks has no read-only session or transaction: each statement commits on its own, and the
 * Statement Execution API has no setting that refuses writes. What decides instead:
 *
 * 1. `singleQueryText` (here): the text is one statement — no `;` outside literals, quoted names
 *    and comments, except at the end — that starts like a query (SELECT, WITH, VALUES, FROM, TABLE).
 * 2. Databricks' own parser: `DESCRIBE QUERY <statement>` is analysed, never run, and Spark's
 *    grammar accepts only a query there (`WITH … INSERT`, MERGE, CREATE, a second statement fail to
 *    parse). It is also what describeQuery answers with: the result's columns and types.
 * 3. The statement itself then runs, unchanged.
 *
 * Limits, stated plainly: a query can still reach what the principal may reach through functions —
 * `read_files` on a volume or external location, `http_request` through a connection, `secret()`,
 * `ai_query`, Python UDFs. For a guarantee, run previews as a principal that has only USE CATALOG,
 * USE SCHEMA and SELECT (README: Security).
 */
const QUERY_START = new Set(['select', 'with', 'values', 'from', 'table']);

/** Why the text is not one query, or undefined when it may be one (the parser decides the rest). */
export function singleQueryText(sql: string): string | undefined {
  const code = codeOf(sql);
  if (code === undefined) return 'the statement has an unterminated literal, quoted name or comment';
  const trimmed = code.replace(/[\s;]+$/, '');
  if (trimmed.includes(';')) return 'the text holds more than one statement';
  const first = /^[\s(]*([A-Za-z_]+)/.exec(trimmed)?.[1]?.toLowerCase();
  if (!first || !QUERY_START.has(first))
    return `a ${first ? first.toUpperCase() : 'empty'} statement is not a query (SELECT, WITH … SELECT, VALUES)`;
  return undefined;
}

/** The statement without trailing semicolons and blanks (DESCRIBE QUERY takes no `;`). */
export function withoutTerminator(sql: string): string {
  const code = codeOf(sql);
  if (code === undefined) return sql;
  const end = code.replace(/[\s;]+$/, '').length;
  // A trailing comment ends the code early: keep everything up to the last code character.
  return sql.slice(0, Math.max(end, 0));
}

/**
 * The text with every literal, backquoted name and comment blanked to spaces (same length), as
 * Spark's lexer reads them: '…' and "…" with backslash escapes, `…` with `` for a backtick,
 * -- to the end of the line, and /* … *\/ nested. Undefined when one does not end.
 */
export function codeOf(sql: string): string | undefined {
  let out = '';
  let i = 0;
  const blank = (from: number, to: number) => (out += ' '.repeat(to - from));
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length && sql[j] !== c) j += sql[j] === '\\' ? 2 : 1;
      if (j >= sql.length) return undefined;
      blank(i, j + 1);
      i = j + 1;
    } else if (c === '`') {
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) return undefined;
        if (sql[j] === '`' && sql[j + 1] === '`') j += 2;
        else if (sql[j] === '`') break;
        else j++;
      }
      blank(i, j + 1);
      i = j + 1;
    } else if (c === '-' && next === '-') {
      let j = i;
      while (j < sql.length && sql[j] !== '\n') j++;
      blank(i, j);
      i = j;
    } else if (c === '/' && next === '*') {
      let depth = 0;
      let j = i;
      do {
        if (j >= sql.length) return undefined;
        if (sql[j] === '/' && sql[j + 1] === '*') {
          depth++;
          j += 2;
        } else if (sql[j] === '*' && sql[j + 1] === '/') {
          depth--;
          j += 2;
        } else j++;
      } while (depth > 0);
      blank(i, j);
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
