import { BigQueryDialect } from './bigquery.js';
import { DatabricksDialect } from './databricks.js';
import { DuckDbDialect } from './duckdb.js';
import type { Dialect, DialectName, DialectOptions } from './dialect.js';
import { OracleDialect } from './oracle.js';
import { PostgresDialect } from './postgres.js';
import { RedshiftDialect } from './redshift.js';
import { SnowflakeDialect } from './snowflake.js';
import { TsqlDialect } from './tsql.js';

export {
  DIALECT_NAMES,
  type Dialect,
  type DialectName,
  type DialectCapabilities,
  type DialectOptions,
} from './dialect.js';

const DIALECTS: Record<DialectName, Dialect> = {
  duckdb: new DuckDbDialect(),
  postgres: new PostgresDialect(),
  bigquery: new BigQueryDialect(),
  snowflake: new SnowflakeDialect(),
  databricks: new DatabricksDialect(),
  redshift: new RedshiftDialect(),
  oracle: new OracleDialect(),
  tsql: new TsqlDialect(),
};

const configured = new Map<string, Dialect>();

/** A dialect, with a connection's options when given (one instance per distinct set). */
export function getDialect(name: DialectName, options?: DialectOptions): Dialect {
  const set = Object.entries(options ?? {}).filter(([, v]) => v !== undefined && v !== false);
  if (set.length === 0) return DIALECTS[name];
  const key = `${name}\u0000${JSON.stringify(set.sort(([a], [b]) => a.localeCompare(b)))}`;
  let d = configured.get(key);
  if (!d) {
    d = DIALECTS[name].withOptions(Object.fromEntries(set) as DialectOptions);
    if (configured.size > 64) configured.clear();
    configured.set(key, d);
  }
  return d;
}

export function isDialectName(name: string): name is DialectName {
  return Object.hasOwn(DIALECTS, name);
}
