import type { QueryLabel } from '../connector.js';

/** PostgreSQL keeps the first NAMEDATALEN - 1 bytes of application_name. */
const MAX_BYTES = 63;

/**
 * The label as an application_name, visible in pg_stat_activity and the server log:
 * `edgeflow run=<id> wf=<workflow> step=<step> by=<origin>`, the run first because it is what an
 * operator looks for. PostgreSQL accepts printable ASCII only (anything else becomes `?` on the
 * server), so other characters are replaced here, which also keeps the byte cut exact.
 */
export function applicationName(label?: QueryLabel): string {
  const parts = ['edgeflow'];
  if (label?.run) parts.push(`run=${label.run}`);
  if (label?.workflow) parts.push(`wf=${label.workflow}`);
  if (label?.step) parts.push(`step=${label.step}`);
  if (label?.origin) parts.push(`by=${label.origin}`);
  return parts
    .join(' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, MAX_BYTES);
}
