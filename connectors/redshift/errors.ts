/**
 * Error classes on Redshift: PostgreSQL's SQLSTATEs (connectors/postgres/errors.ts), plus what
 * Redshift reports in its own words. A serializable isolation violation (error 1023, under
 * SQLSTATE XX000) and a conflict with a concurrent transaction pass when tried again;
 * https://docs.aws.amazon.com/redshift/latest/dg/c_serial_isolation.html
 */
import { ConnectorError, type ErrorClass } from '../connector.js';
import { classifyPostgres } from '../postgres/errors.js';

const TRANSIENT_MESSAGES =
  /serializable isolation violation|conflict with concurrent transaction|\b1023\b.*isolation|connection limit .* exceeded|cluster is (?:currently )?(?:resizing|paused|unavailable)|workgroup is (?:currently )?unavailable/i;

export function transientByMessage(message: string): boolean {
  return TRANSIENT_MESSAGES.test(message);
}

export function classifyRedshift(error: unknown): ErrorClass {
  const c = classifyPostgres(error);
  if (c !== 'permanent') return c;
  const message = String((error as { message?: unknown } | null)?.message ?? error ?? '');
  return transientByMessage(message) ? 'transient' : 'permanent';
}

/** The PostgreSQL connector's error as Redshift's: its connector name, and Redshift's classes. */
export function asRedshiftError(e: unknown): unknown {
  if (!(e instanceof ConnectorError)) return e;
  const errorClass =
    e.errorClass === 'permanent' && transientByMessage(e.message) ? 'transient' : e.errorClass;
  const out = new ConnectorError(e.message, errorClass, { ...e.details, connector: 'redshift' });
  out.stack = `${out.name}: ${out.message}`;
  return out;
}
