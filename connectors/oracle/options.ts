import type { OracleDriver } from './driver.js';

/** What the Oracle connector is built from (the daemon maps the config to this, secrets resolved). */
export interface OracleOptions {
  /** Easy Connect string (`host:1521/service_name`) or a TNS descriptor. */
  connectString: string;
  user: string;
  password: string;
  /** The schema tables are listed in when none is given (default: the user's). */
  schema?: string;
  /** Per-statement timeout in ms (oracledb's callTimeout: the round trip is broken when it passes). */
  timeoutMs?: number;
  /** Values to redact from every error (resolved secrets). */
  secrets?: readonly string[];
  /** The driver (tests inject a fake of oracledb's connection here); default: oracledb in thin mode. */
  driver?: OracleDriver;
}
