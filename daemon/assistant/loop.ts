/** The tool-calling loop behind `generateWorkflow` (see index.ts for the contract). */
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { promptVersion, renderPrompt } from '../../prompts/index.js';
import { ServiceError } from '../service/errors.js';
import { componentCatalog, tablesContext } from './context.js';
import { complete, rejectsStructuredOutput } from './endpoint.js';
import { extractAnswer } from './extract.js';
import type { AssistantDeps, AssistantResult, AssistantUsage, GenerateRequest } from './index.js';
import { runTool, TOOLS, withConnection } from './tools.js';

export const DEFAULT_MAX_REPAIR_ROUNDS = 3;
export const DEFAULT_MAX_TOOL_CALLS = 24;

/** The versions of the prompts the assistant uses, for reports. */
export function assistantPromptVersion(): string {
  return ['assistant/system', 'assistant/repair', 'assistant/nudge']
    .map((n) => promptVersion(n as 'assistant/system'))
    .join('+');
}

/** The JSON schema of the final answer, for endpoints that take `response_format: json_schema`. */
export const ANSWER_SCHEMA = {
  type: 'object',
  properties: {
    workflow: { type: ['object', 'null'], description: 'the edgeflow workflow document, or null' },
    explanation: { type: 'string' },
    question: { type: ['string', 'null'] },
  },
  required: ['workflow', 'explanation', 'question'],
  additionalProperties: false,
} as const;

export async function generateWorkflow(deps: AssistantDeps, req: GenerateRequest): Promise<AssistantResult> {
  const started = performance.now();
  const { service } = deps;
  const maxRepairRounds = req.maxRepairRounds ?? DEFAULT_MAX_REPAIR_ROUNDS;
  const maxToolCalls = req.maxToolCalls ?? DEFAULT_MAX_TOOL_CALLS;
  if (!req.request.trim()) throw new ServiceError('INVALID_REQUEST', 'the request is empty');
  const connections = service.connections();
  const connection =
    req.connection ?? (connections.length === 1 ? connections[0]!.name : undefined) ?? 'local';
  const conn = connections.find((c) => c.name === connection);
  if (!conn)
    throw new ServiceError('UNKNOWN_CONNECTION', `unknown connection "${connection}"`, {
      hint: `the connections are ${connections.map((c) => c.name).join(', ') || 'none'}`,
    });

  const system = renderPrompt('assistant/system', {
    connection,
    dialect: conn.dialect,
    components: componentCatalog(service.components()),
    tables: await tablesContext(service, connection, req.request, deps.context ?? {}),
  });
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: system },
    { role: 'user', content: req.request },
  ];
  const usage: AssistantUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  let structured = deps.structuredOutput ?? true;
  let rounds = 0;
  let toolCalls = 0;
  let nudged = false;
  let overBudget = 0;
  let last: { workflow: unknown; explanation: string; validation: AssistantResult['validation'] } | undefined;
  // Every request to the model is bounded, whatever the model does.
  const maxRequests = maxToolCalls + maxRepairRounds + 4;

  const finish = (
    r: Omit<AssistantResult, 'rounds' | 'toolCalls' | 'usage' | 'latencyMs' | 'model' | 'promptVersion'>,
  ): AssistantResult => ({
    ...r,
    rounds,
    toolCalls,
    usage,
    latencyMs: Math.round(performance.now() - started),
    model: deps.model,
    promptVersion: assistantPromptVersion(),
  });
  const noWorkflow = (explanation: string, question?: string): AssistantResult =>
    last
      ? finish({
          ...last,
          explanation: `${last.explanation}\n\n${explanation}`.trim(),
          ...(question ? { question } : {}),
        })
      : finish({
          explanation,
          validation: { valid: false, diagnostics: [] },
          ...(question ? { question } : {}),
        });

  for (let request = 0; ; request++) {
    if (request >= maxRequests)
      return noWorkflow(
        `The assistant stopped after ${request} requests to the model without a final answer.`,
      );
    const toolsOpen = toolCalls < maxToolCalls;
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: deps.model,
      messages,
      tools: TOOLS,
      tool_choice: toolsOpen ? 'auto' : 'none',
      ...(structured
        ? {
            response_format: {
              type: 'json_schema' as const,
              json_schema: { name: 'edgeflow_answer', strict: false, schema: ANSWER_SCHEMA },
            },
          }
        : {}),
    };
    let completion;
    try {
      completion = await complete(deps.client, body, {
        ...deps.endpoint,
        ...(req.signal ? { signal: req.signal } : {}),
      });
    } catch (e) {
      if (structured && rejectsStructuredOutput(e)) {
        // The endpoint does not take JSON schema: ask again without it, and extract from the text.
        structured = false;
        request--;
        continue;
      }
      throw e;
    }
    if (completion.usage) {
      usage.promptTokens += completion.usage.prompt_tokens ?? 0;
      usage.completionTokens += completion.usage.completion_tokens ?? 0;
      usage.totalTokens += completion.usage.total_tokens ?? 0;
    }
    const msg = completion.choices?.[0]?.message;
    const calls = (msg?.tool_calls ?? []).filter((c) => c.type === 'function');
    if (msg && calls.length > 0) {
      messages.push({ role: 'assistant', content: msg.content ?? null, tool_calls: calls });
      if (!toolsOpen && ++overBudget > 1)
        return noWorkflow(
          `The assistant stopped: the model kept calling tools after its limit of ${maxToolCalls} tool calls.`,
        );
      for (const call of calls) {
        let content: string;
        if (toolCalls >= maxToolCalls) {
          content = JSON.stringify({
            error: {
              code: 'TOOL_BUDGET_EXHAUSTED',
              message: `the limit of ${maxToolCalls} tool calls is reached; nothing was done`,
              hint: 'give your final answer now, as the JSON object',
            },
          });
        } else {
          toolCalls++;
          deps.onEvent?.({ type: 'tool', name: call.function.name });
          content = await runTool(service, connection, call.function.name, call.function.arguments);
        }
        messages.push({ role: 'tool', tool_call_id: call.id, content });
      }
      continue;
    }

    const content = msg?.content ?? msg?.refusal ?? '';
    messages.push({ role: 'assistant', content });
    const extracted = extractAnswer(content);
    if (!extracted.ok) {
      if (!nudged) {
        nudged = true;
        messages.push({
          role: 'user',
          content: renderPrompt('assistant/nudge', {
            problem:
              extracted.kind === 'prose'
                ? 'Your answer had no JSON object.'
                : `Your answer could not be read: ${extracted.error}.`,
          }),
        });
        continue;
      }
      return noWorkflow(
        extracted.kind === 'prose' && content.trim()
          ? content.trim()
          : `The model gave no readable workflow (${extracted.error}).`,
      );
    }
    const answer = extracted.answer;
    if (answer.workflow === undefined || answer.workflow === null) {
      return finish({
        explanation: answer.explanation || answer.question || 'The model gave no workflow.',
        validation: { valid: false, diagnostics: [] },
        ...(answer.question ? { question: answer.question } : {}),
      });
    }
    const workflow = withConnection(answer.workflow, connection);
    const v = await service.validate({ workflow, connection });
    last = {
      workflow,
      explanation: answer.explanation,
      validation: { valid: v.valid, diagnostics: v.diagnostics },
    };
    if (v.valid || rounds >= maxRepairRounds)
      return finish({ ...last, ...(answer.question ? { question: answer.question } : {}) });
    rounds++;
    deps.onEvent?.({ type: 'repair', round: rounds });
    messages.push({
      role: 'user',
      content: renderPrompt('assistant/repair', {
        round: String(rounds),
        max_rounds: String(maxRepairRounds),
        diagnostics: JSON.stringify(v.diagnostics, null, 2),
      }),
    });
  }
}
