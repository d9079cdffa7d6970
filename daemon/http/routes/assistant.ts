/** The assistant arrives with its own issue; until then its route says so plainly. */
import { ApiError } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { GenerateRequest } from '../schemas.js';
import { errors } from './common.js';

export function assistantRoutes(): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/v1/assistant/generate',
      scope: 'write',
      operationId: 'generateWorkflow',
      tag: 'assistant',
      summary: 'A plain-language request becomes a validated workflow (not implemented yet: 501)',
      description:
        'Reserved by the contract; this version answers 501 NOT_IMPLEMENTED. The request body is validated all the same.',
      body: GenerateRequest,
      responses: errors(400, 401, 403, 501),
      handler: () => {
        throw new ApiError('NOT_IMPLEMENTED', 'the assistant is not part of this version of edgeflow yet', {
          hint: 'write the workflow (see GET /v1/components and the Workflow schema in /v1/openapi.json), check it with POST /v1/validate and save it with PUT /v1/workflows/{name}',
        });
      },
    }),
  ];
}
