import { BigQueryDialect } from './bigquery.js';
import { DuckDbDialect } from './duckdb.js';
import type { Dialect, DialectName } from './dialect.js';
import { PostgresDialect } from './postgres.js';
import { SnowflakeDialect } from './snowflake.js';

export { DIALECT_NAMES, type Dialect, type DialectName, type DialectCapabilities } from './dialect.js';

const DIALECTS: Record<DialectName, Dialect> = {
  duckdb: new DuckDbDialect(),
  postgres: new PostgresDialect(),
  bigquery: new BigQueryDialect(),
  snowflake: new SnowflakeDialect(),
};

export function getDialect(name: DialectName): Dialect {
  return DIALECTS[name];
}

export function isDialectName(name: string): name is DialectName {
  return Object.hasOwn(DIALECTS, name);
}
