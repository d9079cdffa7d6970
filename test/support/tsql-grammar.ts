/**
 * T-SQL's grammar as a test oracle: a parser generated from the ANTLR grammars-v4 T-SQL grammar
 * (TSqlLexer.g4 / TSqlParser.g4, as packaged in `antlr4ts-sql`), from its `tsql_file` entry rule:
 * a batch of statements. It judges syntax only, and is a community approximation of SQL Server's.
 */
import { antlr4tsSQL, SQLDialect } from 'antlr4ts-sql';

const parser = new antlr4tsSQL(SQLDialect.TSQL);

/** The grammar's syntax errors for one text (a batch), or [] when it parses. */
export function tsqlGrammarErrors(sql: string): string[] {
  const errors: string[] = [];
  const listener = {
    syntaxError: (_r: unknown, _s: unknown, line: number, column: number, msg: string) =>
      errors.push(`${line}:${column} ${msg.slice(0, 160)}`),
  };
  parser.getParseTree(parser.getParser(parser.getTokens(sql, [listener]), [listener]));
  return errors;
}
