/**
 * What the connection's role can do beyond the tables it was granted. A `BEGIN READ ONLY`
 * transaction stops writes to tables, not functions that reach the server itself: as a superuser
 * a preview's SELECT reads any server file (`pg_read_file`), writes one from an
 * existing large object (`lo_export`), reloads the configuration and ends other sessions — and a
 * REPLICATION role creates slots that outlive the rollback. Only the role stops that (README,
 * "Warehouse roles"), so the connector says, once, which of these powers its role has.
 */
import type { RolePosture } from '../connector.js';

/** Predefined roles a token holder could abuse through the role, and what each lets it do. */
const RISKY_ROLES: Record<string, string> = {
  pg_read_server_files:
    'reads any file the server can with COPY … FROM (and pg_read_file/lo_import where granted)',
  pg_write_server_files: 'writes any file the server can with COPY … TO (and lo_export where granted)',
  pg_execute_server_program: "runs shell commands as the server's OS user with COPY … PROGRAM",
  pg_signal_backend:
    "cancels or ends any non-superuser session (pg_terminate_backend), other applications' included",
  pg_read_all_settings: 'reads every setting, data_directory, config_file and hba_file included',
  pg_read_all_stats: "reads the query text of every session (pg_stat_activity), other applications' included",
  pg_read_all_data: 'reads every table, whatever was granted',
  pg_write_all_data: 'writes every table, whatever was granted',
};

/**
 * Functions that reach past the tables. PostgreSQL grants the pg_* and lo_* ones to superusers
 * only; the dblink extension, once installed, grants its functions to PUBLIC.
 */
const RISKY_FUNCTIONS: Record<string, string> = {
  pg_read_file: 'reads server files',
  pg_read_binary_file: 'reads server files',
  pg_ls_dir: 'lists server directories',
  pg_stat_file: 'reads server file metadata',
  lo_import: 'reads server files into large objects',
  lo_export: 'writes server files from large objects',
  pg_reload_conf: "reloads the server's configuration",
  dblink: 'opens connections to other servers (this one included) from a SELECT',
  dblink_exec: 'runs any statement on another connection from a SELECT, outside the read-only transaction',
};

/** One query: the role's attributes, its memberships in RISKY_ROLES, the RISKY_FUNCTIONS it may call. */
export const POSTURE_SQL = `SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolcreaterole AS createrole,
  r.rolbypassrls AS bypassrls, r.rolreplication AS replication,
  ARRAY(SELECT g.rolname::text FROM pg_catalog.pg_roles g
        WHERE g.rolname = ANY ($1::text[]) AND pg_catalog.pg_has_role(r.oid, g.oid, 'MEMBER')
        ORDER BY 1) AS member_of,
  ARRAY(SELECT DISTINCT p.proname::text FROM pg_catalog.pg_proc p
        WHERE p.proname = ANY ($2::text[]) AND pg_catalog.has_function_privilege(r.oid, p.oid, 'EXECUTE')
        ORDER BY 1) AS functions
FROM pg_catalog.pg_roles r WHERE r.rolname = current_user`;

export const POSTURE_PARAMS: readonly unknown[] = [Object.keys(RISKY_ROLES), Object.keys(RISKY_FUNCTIONS)];

export interface PostureRow {
  role: string;
  superuser: boolean;
  createrole: boolean;
  bypassrls: boolean;
  replication: boolean;
  member_of: string[];
  functions: string[];
}

/** The warnings of one role: empty for a role with no power beyond its grants. */
export function postureOf(row: PostureRow): RolePosture {
  const role = row.role;
  if (row.superuser)
    return {
      role,
      warnings: [
        'is a superuser: a preview reads any file the server can (pg_read_file), writes server files (lo_export), reloads the configuration (pg_reload_conf) and ends any session (pg_terminate_backend)',
      ],
    };
  const warnings: string[] = [];
  for (const g of row.member_of)
    warnings.push(`is a member of ${g}: ${RISKY_ROLES[g] ?? 'a predefined role'}`);
  if (row.createrole)
    warnings.push(
      'has CREATEROLE: creates roles and, before PostgreSQL 16, grants itself any predefined role',
    );
  if (row.replication)
    warnings.push(
      "has REPLICATION: streams the whole cluster's data, and a preview creates replication slots that survive its rollback and hold WAL on disk",
    );
  if (row.bypassrls) warnings.push('has BYPASSRLS: reads the rows row-level security hides');
  const functions = row.functions.filter((f) => f in RISKY_FUNCTIONS);
  if (functions.length)
    warnings.push(`may call ${functions.map((f) => `${f} (${RISKY_FUNCTIONS[f]})`).join(', ')}`);
  return { role, warnings };
}
