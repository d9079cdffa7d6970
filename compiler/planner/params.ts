import { childPath, type Diagnostic } from '../diagnostics.js';
import type { ParamValue } from '../sql/writer.js';
import { didYouMean } from '../suggest.js';
import type { Workflow } from '../workflow/model.js';
import { checkParamValue } from '../workflow/parse.js';

/**
 * The value of each param for one compile: the given value, else the declared default. A param
 * with neither has no entry (reported as MISSING_PARAM only if the SQL actually uses it).
 */
export function resolveParams(
  wf: Workflow,
  given: Readonly<Record<string, unknown>> = {},
): { values: Map<string, ParamValue>; diagnostics: Diagnostic[] } {
  const values = new Map<string, ParamValue>();
  const diagnostics: Diagnostic[] = [];
  for (const [name, value] of Object.entries(given)) {
    const decl = Object.hasOwn(wf.params, name) ? wf.params[name] : undefined;
    if (!decl) {
      diagnostics.push({
        severity: 'error',
        code: 'UNKNOWN_PARAM',
        path: '$.params',
        message: `parameter "${name}" is not declared by workflow ${wf.name}`,
        hint: didYouMean(name, Object.keys(wf.params), 'declared params'),
      });
      continue;
    }
    const problem = value === null ? undefined : checkParamValue(decl.type, value);
    if (problem) {
      diagnostics.push({
        severity: 'error',
        code: 'INVALID_PARAM',
        path: childPath('$.params', name),
        message: `:${name} ${problem}`,
      });
      continue;
    }
    values.set(name, value as ParamValue);
  }
  for (const [name, decl] of Object.entries(wf.params)) {
    if (!values.has(name) && decl.default !== undefined) values.set(name, decl.default);
  }
  return { values, diagnostics };
}

export function missingParam(wf: Workflow, name: string): Diagnostic {
  return {
    severity: 'error',
    code: 'MISSING_PARAM',
    path: childPath('$.params', name),
    message: `parameter :${name} has no value and no default`,
    hint: `pass it (--param ${name}=…, or "params" in the run request) or give it a "default"`,
  };
}
