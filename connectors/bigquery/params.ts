/**
 * JS values to BigQuery query parameters (the REST `QueryParameter` shape), typed here rather than
 * by the client's guesswork so the mapping is one documented table:
 *
 * | JS value                      | parameter type                                        |
 * | ----------------------------- | ----------------------------------------------------- |
 * | integer number (safe)         | INT64                                                 |
 * | other number (incl. NaN, ±∞)  | FLOAT64                                               |
 * | bigint                        | INT64                                                 |
 * | string                        | STRING (also `'2024-01-31'`: see below)               |
 * | boolean                       | BOOL                                                  |
 * | Date                          | TIMESTAMP (the instant, UTC)                          |
 * | Uint8Array / Buffer           | BYTES                                                 |
 * | array of the above            | ARRAY<element type> (empty: ARRAY<STRING>)            |
 * | null / undefined              | NULL of type STRING                                   |
 *
 * A date is passed as a `YYYY-MM-DD` string: BigQuery coerces a STRING *parameter* to DATE,
 * DATETIME or TIMESTAMP where the expression needs one, exactly like a string literal.
 * https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_rules#parameter_coercion
 */

export interface QueryParameterType {
  type: string;
  arrayType?: QueryParameterType;
}

export interface QueryParameterValue {
  value?: string;
  arrayValues?: QueryParameterValue[];
}

export interface QueryParameter {
  name?: string;
  parameterType: QueryParameterType;
  parameterValue: QueryParameterValue;
}

export class ParameterError extends Error {
  override name = 'ParameterError';
}

/**
 * Named parameters (`@name`, what the compiler writes) when names are given, positional (`?`)
 * otherwise. https://cloud.google.com/bigquery/docs/parameterized-queries
 */
export function toQueryParameters(
  params: readonly unknown[],
  names: readonly string[] | undefined,
): { parameterMode: 'NAMED' | 'POSITIONAL'; queryParameters: QueryParameter[] } {
  if (names && names.length !== params.length)
    throw new ParameterError(
      `${params.length} parameter values but ${names.length} names: pass one name per value (BigQuery binds @name)`,
    );
  const queryParameters = params.map((value, i) => {
    const label = names ? `@${names[i]}` : `parameter ${i + 1}`;
    const p = toParameter(value, label);
    return names ? { name: names[i]!, ...p } : p;
  });
  return { parameterMode: names ? 'NAMED' : 'POSITIONAL', queryParameters };
}

function toParameter(value: unknown, label: string): Omit<QueryParameter, 'name'> {
  if (Array.isArray(value)) {
    const items = value.map((v) => scalar(v, label));
    const kinds = new Set(items.filter((x) => x.value !== undefined).map((x) => x.type));
    // Integers and fractions in one array: FLOAT64 holds both.
    if (kinds.has('INT64') && kinds.has('FLOAT64')) kinds.delete('INT64');
    if (kinds.size > 1)
      throw new ParameterError(`${label}: an array parameter needs elements of one type, got ${[...kinds]}`);
    const type = [...kinds][0] ?? 'STRING';
    return {
      parameterType: { type: 'ARRAY', arrayType: { type } },
      parameterValue: {
        arrayValues: items.map((x) => (x.value === undefined ? {} : { value: x.value })),
      },
    };
  }
  const { type, value: text } = scalar(value, label);
  return { parameterType: { type }, parameterValue: text === undefined ? {} : { value: text } };
}

function scalar(value: unknown, label: string): { type: string; value?: string } {
  if (value === null || value === undefined) return { type: 'STRING' }; // no value = NULL
  switch (typeof value) {
    case 'boolean':
      return { type: 'BOOL', value: String(value) };
    case 'bigint':
      return { type: 'INT64', value: String(value) };
    case 'string':
      return { type: 'STRING', value };
    case 'number':
      return Number.isSafeInteger(value)
        ? { type: 'INT64', value: String(value) }
        : { type: 'FLOAT64', value: String(value) }; // 'NaN', 'Infinity' and '-Infinity' are accepted
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ParameterError(`${label} is an invalid Date`);
    return { type: 'TIMESTAMP', value: value.toISOString() };
  }
  if (value instanceof Uint8Array) return { type: 'BYTES', value: Buffer.from(value).toString('base64') };
  if (Array.isArray(value))
    throw new ParameterError(`${label}: arrays of arrays cannot be bound (BigQuery has no ARRAY<ARRAY>)`);
  throw new ParameterError(
    `${label}: a ${typeof value === 'object' ? 'plain object' : typeof value} cannot be bound; ` +
      'pass its JSON text and use PARSE_JSON(@name) in the SQL',
  );
}
