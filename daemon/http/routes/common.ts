import type { Diagnostic } from '../../../compiler/diagnostics.js';
import { ApiError } from '../errors.js';
import { ErrorResponse, InvalidWorkflow } from '../schemas.js';
import type { ResponseSpec } from '../route.js';

const ERROR_TEXT: Record<number, string> = {
  400: 'bad request: not JSON, wrong types or unknown keys (details.issues says where)',
  401: 'no valid bearer token',
  403: 'the token lacks the scope this needs (details.needed)',
  404: 'not found',
  409: 'conflict with the current state',
  413: 'request body too large',
  422: 'the workflow is invalid (details.diagnostics)',
  501: 'not implemented yet',
  502: 'the warehouse answered with an error',
  503: 'a connection or the daemon is not available',
};

/** The documented error answers of a route. */
export function errors(...statuses: number[]): Record<number, ResponseSpec> {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: ERROR_TEXT[s] ?? 'error', schema: s === 422 ? InvalidWorkflow : ErrorResponse },
    ]),
  );
}

/** 422 for a workflow the compiler rejects: the first error in the message, all in details. */
export function invalidWorkflow(diagnostics: Diagnostic[], extra: object = {}): ApiError {
  const errs = diagnostics.filter((d) => d.severity === 'error');
  const first = errs[0];
  const where = first ? [first.nodeId && `node ${first.nodeId}`, first.path].filter(Boolean).join(', ') : '';
  return new ApiError(
    'INVALID_WORKFLOW',
    first
      ? `the workflow is invalid: ${first.message}${where ? ` (${where})` : ''}${errs.length > 1 ? `, and ${errs.length - 1} more error(s)` : ''}; details.diagnostics lists them`
      : 'the workflow is invalid; details.diagnostics says why',
    { ...extra, diagnostics },
  );
}
