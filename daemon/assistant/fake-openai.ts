/**
 * Test support: a local fake of an OpenAI-compatible chat endpoint on 127.0.0.1, scripted per test
 * with a queue of answers (messages, tool calls, HTTP errors, hangs, broken bodies). It records
 * every request (body and headers) so a test can read the whole conversation.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeStep =
  | { content: string }
  | { toolCalls: Array<{ name: string; arguments: unknown }>; content?: string }
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { hang: true }
  | { raw: string };

export interface FakeRequest {
  body: {
    model: string;
    messages: Array<{ role: string; content?: string | null; tool_calls?: unknown[]; tool_call_id?: string }>;
    tools?: Array<{ function: { name: string } }>;
    response_format?: unknown;
    tool_choice?: unknown;
  };
  headers: IncomingMessage['headers'];
  at: number;
}

export interface FakeOpenAI {
  baseURL: string;
  requests: FakeRequest[];
  /** Adds steps to the queue; an empty queue answers 500 "script exhausted". */
  script(...steps: FakeStep[]): void;
  close(): Promise<void>;
}

/** A workflow answer as the model would write it. */
export function answer(workflow: unknown, explanation = 'ok', question: string | null = null): FakeStep {
  return { content: JSON.stringify({ workflow, explanation, question }) };
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const queue: FakeStep[] = [];
  const requests: FakeRequest[] = [];
  const hanging = new Set<IncomingMessage>();
  let n = 0;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      requests.push({
        body: JSON.parse(text || '{}') as FakeRequest['body'],
        headers: req.headers,
        at: Date.now(),
      });
      const step = queue.shift();
      if (!step) {
        res.writeHead(500, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { message: 'script exhausted' } }));
      }
      if ('hang' in step) {
        hanging.add(req);
        return;
      }
      if ('raw' in step) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(step.raw);
      }
      if ('status' in step) {
        res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
        return res.end(JSON.stringify(step.body ?? { error: { message: `HTTP ${step.status}` } }));
      }
      const message =
        'toolCalls' in step
          ? {
              role: 'assistant',
              content: step.content ?? null,
              tool_calls: step.toolCalls.map((c) => ({
                id: `call_${++n}`,
                type: 'function',
                function: {
                  name: c.name,
                  arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
                },
              })),
            }
          : { role: 'assistant', content: step.content };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: `chatcmpl_${++n}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: 'fake-model',
          choices: [{ index: 0, message, finish_reason: 'toolCalls' in step ? 'tool_calls' : 'stop' }],
          usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...steps) => queue.push(...steps),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
