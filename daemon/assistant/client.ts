/**
 * The chat client built from the config's `assistant` block. Its secrets (`apiKey`, and `baseURL`
 * when written as a reference) are resolved here only, and every error the assistant raises is
 * passed through `redact`, so the key never reaches an answer, a log line or an error message.
 */
import OpenAI from 'openai';
import { redact, resolveSecret, SecretError } from '../../connectors/secrets.js';
import type { LoadedConfig } from '../config/load.js';
import { ServiceError } from '../service/errors.js';

export interface ConfiguredAssistant {
  client: OpenAI;
  model: string;
  /** Removes the resolved secrets from a text. */
  redact: (text: string) => string;
}

/** Undefined when the config has no `assistant` block. */
export function assistantFromConfig(
  loaded: LoadedConfig,
  opts: { env?: NodeJS.ProcessEnv } = {},
): ConfiguredAssistant | undefined {
  const a = loaded.config.assistant;
  if (!a) return undefined;
  const secrets: string[] = [];
  const resolve = (field: string, value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    try {
      const v = resolveSecret(value, { env: opts.env ?? process.env, baseDir: loaded.baseDir });
      if (v) secrets.push(v);
      return v;
    } catch (e) {
      if (!(e instanceof SecretError)) throw e;
      throw new ServiceError('ASSISTANT_NOT_CONFIGURED', `assistant: ${field}: ${e.message}`, {
        hint: /environment variable/.test(e.message)
          ? "set it in the daemon's environment"
          : 'check that the file exists and that the daemon may read it',
      });
    }
  };
  const apiKey = resolve('apiKey', a.apiKey);
  const baseURL = resolve('baseURL', a.baseURL);
  // Only the key is a secret; a baseURL is kept for redaction only when it carries credentials.
  const keep = secrets.filter((s) => s === apiKey || /\/\/[^/]*@/.test(s));
  const client = new OpenAI({
    // Local servers (Ollama, llama.cpp, vLLM) take any key; the SDK wants one.
    apiKey: apiKey || 'none',
    baseURL: baseURL || 'https://api.openai.com/v1',
    maxRetries: 0,
  });
  return { client, model: a.model, redact: (text) => redact(text, keep) };
}
