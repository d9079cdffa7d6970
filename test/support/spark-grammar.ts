/**
 * Spark SQL's grammar, as dt-sql-parser generates it from Spark's own SqlBaseLexer/SqlBaseParser
 * (ANTLR4). Its published ESM build imports directories, which Node's loader refuses, so the Spark
 * parser is bundled once with esbuild into a temporary module and imported from there.
 *
 * What it judges: syntax only — quoting, literals, clause order, statement shapes. Function names
 * and types are not checked (any name parses as a function), and it is Spark 3's grammar:
 * Databricks' own additions (three-part names as DDL/DML targets, CLUSTER BY on CREATE TABLE,
 * QUALIFY) are not in it. See compiler/dialects/databricks-grammar.test.ts for how each is handled.
 * One false negative found: dt-sql-parser 4.5.1 rejects `(a - f(x))` (a name, a minus and a
 * function call inside parentheses), which Spark accepts; edgeflow's own renderings avoid it.
 */
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface SparkGrammar {
  /** The grammar's complaints about one statement: empty when it parses. */
  errors(sql: string): string[];
}

interface SparkParser {
  validate(sql: string): Array<{ message: string; startLine: number; startColumn: number }>;
}

let loading: Promise<SparkGrammar> | undefined;

/** Why the grammar cannot be loaded here, or undefined when it can. */
export function sparkGrammarUnavailable(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    require.resolve('dt-sql-parser/package.json');
    require.resolve('esbuild');
    return undefined;
  } catch {
    return 'dt-sql-parser or esbuild is not installed';
  }
}

export function loadSparkGrammar(): Promise<SparkGrammar> {
  loading ??= load();
  return loading;
}

async function load(): Promise<SparkGrammar> {
  const require = createRequire(import.meta.url);
  const root = path.dirname(require.resolve('dt-sql-parser/package.json'));
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [path.join(root, 'dist/parser/spark/index.js')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent',
  });
  const dir = path.join(os.tmpdir(), `edgeflow-spark-grammar-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'spark.mjs');
  writeFileSync(file, out.outputFiles[0]!.text);
  const mod = (await import(pathToFileURL(file).href)) as { SparkSQL: new () => SparkParser };
  const parser = new mod.SparkSQL();
  return {
    errors: (sql) => parser.validate(sql).map((e) => `${e.startLine}:${e.startColumn} ${e.message}`),
  };
}
