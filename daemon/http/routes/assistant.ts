/**
 * The assistant's face: a plain-language request becomes a validated workflow. It only returns
 * the workflow; saving (PUT /v1/workflows/{name}) and running are separate, scoped actions.
 */
import type { Service } from '../../service/index.js';
import { ApiError } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { GenerateRequest } from '../schemas.js';
import { errors } from './common.js';

export type AssistantFace = Pick<Service, 'generateWorkflow'>;

export function assistantRoutes(service?: AssistantFace): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/v1/assistant/generate',
      scope: 'write',
      operationId: 'generateWorkflow',
      tag: 'assistant',
      summary: 'A plain-language request becomes a validated workflow (returned, never saved or run)',
      description:
        'Runs the assistant configured in the `assistant` block of the config (any OpenAI-compatible endpoint). ' +
        'The answer carries `workflow` (absent when the model gave none), `explanation`, `validation` ' +
        '({valid, diagnostics}), `rounds` (repair rounds used), `usage`, `latencyMs`, `model`, `promptVersion` ' +
        'and, when the model asks a clarifying question or says the data cannot answer, `question`. ' +
        'Without an assistant block: 503 ASSISTANT_NOT_CONFIGURED with a hint; when the model endpoint fails: 502.',
      body: GenerateRequest,
      responses: { 200: { description: 'the assistant result' }, ...errors(400, 401, 403, 501, 502, 503) },
      handler: async (c, { body }) => {
        if (!service)
          throw new ApiError('NOT_IMPLEMENTED', 'the assistant is not wired in this process', {
            hint: 'write the workflow (see GET /v1/components), check it with POST /v1/validate and save it with PUT /v1/workflows/{name}',
          });
        return c.json(
          await service.generateWorkflow({
            request: body.request,
            ...(body.connection ? { connection: body.connection } : {}),
            signal: c.req.raw.signal,
          }),
        );
      },
    }),
  ];
}
