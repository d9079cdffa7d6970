/**
 * Bound parameters as the Statement Execution API takes them: named (`:name` in the statement),
 * each `{name, value, type}` with the value as text and a Databricks type name; a null is a
 * parameter without a value. The compiler writes every marker inside a CAST to its portable type,
 * so the type here matters only for raw SQL that uses a marker bare.
 * https://docs.databricks.com/api/workspace/statementexecution/executestatement
 */
export interface StatementParameter {
  name: string;
  value?: string;
  type?: string;
}

export class ParameterError extends Error {}

/**
 * The marker's name in the statement: the compiler writes a parameter named like a reserved word
 * (`table`, `select`), which Spark's grammar refuses after a colon, as `:ef_p_<name>`
 * (compiler/dialects/databricks.ts, databricksParamName); the value is bound under that name.
 */
function markerName(name: string, sql: string | undefined): string {
  if (sql === undefined) return name;
  const marker = (n: string) => new RegExp(`:${n}(?![A-Za-z0-9_])`).test(sql);
  return !marker(name) && marker(`ef_p_${name}`) ? `ef_p_${name}` : name;
}

export function toStatementParameters(
  params: readonly unknown[] | undefined,
  names: readonly string[] | undefined,
  sql?: string,
): StatementParameter[] | undefined {
  if (!params?.length) return undefined;
  if (!names || names.length !== params.length)
    throw new ParameterError(
      'Databricks binds parameters by name (`:name` markers): give a name for every parameter value',
    );
  return params.map((v, i) => {
    const name = names[i]!;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new ParameterError(
        `parameter name ${JSON.stringify(name)} is not a plain name (letters, digits, _)`,
      );
    return { name: markerName(name, sql), ...typed(v, name) };
  });
}

function typed(v: unknown, name: string): { value?: string; type: string } {
  if (v === null || v === undefined) return { type: 'STRING' };
  if (typeof v === 'boolean') return { value: String(v), type: 'BOOLEAN' };
  if (typeof v === 'bigint') return { value: v.toString(), type: 'BIGINT' };
  if (typeof v === 'number') {
    if (!Number.isFinite(v))
      return { value: Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity', type: 'DOUBLE' };
    return Number.isSafeInteger(v)
      ? { value: String(v), type: 'BIGINT' }
      : { value: String(v), type: 'DOUBLE' };
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new ParameterError(`parameter ${name} is an invalid date`);
    return { value: v.toISOString(), type: 'TIMESTAMP' };
  }
  if (typeof v === 'string') return { value: v, type: 'STRING' };
  throw new ParameterError(
    `parameter ${name}: a ${Array.isArray(v) ? 'list' : typeof v} cannot be bound on Databricks (text, numbers, booleans, dates)`,
  );
}
