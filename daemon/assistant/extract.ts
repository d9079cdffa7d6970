/**
 * Tolerant extraction of the model's final answer: the whole text as JSON (structured output),
 * else a ```json fence, else the first balanced `{…}` inside prose that parses.
 */

export interface Answer {
  workflow: unknown;
  explanation: string;
  question?: string;
}

export type Extracted =
  { ok: true; answer: Answer } | { ok: false; kind: 'prose' | 'malformed'; error: string };

function tryParse(text: string): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Every balanced `{…}` starting at each `{`, outermost first (strings and escapes respected). */
function* braceSpans(text: string, max = 20): Generator<string> {
  let found = 0;
  for (let start = text.indexOf('{'); start !== -1 && found < max; start = text.indexOf('{', start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) {
        found++;
        yield text.slice(start, i + 1);
        break;
      }
    }
  }
}

function toAnswer(value: unknown): Answer | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  if ('workflow' in o || 'question' in o) {
    const workflow = o.workflow ?? undefined;
    const explanation = typeof o.explanation === 'string' ? o.explanation : '';
    const question = typeof o.question === 'string' && o.question.trim() ? o.question : undefined;
    return { workflow, explanation, ...(question ? { question } : {}) };
  }
  // A bare workflow document.
  if ('nodes' in o || 'edgeflow' in o) return { workflow: o, explanation: '' };
  return undefined;
}

export function extractAnswer(content: string): Extracted {
  const text = content.trim();
  if (!text) return { ok: false, kind: 'prose', error: 'the answer was empty' };
  let firstError: string | undefined;
  const candidates: string[] = [text];
  for (const m of text.matchAll(/```(?:json|JSON)?\s*\n([\s\S]*?)```/g)) candidates.push(m[1]!);
  for (const c of candidates) {
    const { value, error } = tryParse(c.trim());
    if (error !== undefined) {
      if (c !== text) firstError ??= error;
      continue;
    }
    const a = toAnswer(value);
    if (a) return { ok: true, answer: a };
  }
  for (const span of braceSpans(text)) {
    const { value, error } = tryParse(span);
    if (error !== undefined) {
      firstError ??= error;
      continue;
    }
    const a = toAnswer(value);
    if (a) return { ok: true, answer: a };
  }
  if (text.includes('{') || firstError !== undefined)
    return {
      ok: false,
      kind: 'malformed',
      error: `no JSON object with a "workflow" could be read from the answer${firstError ? ` (${firstError})` : ''}`,
    };
  return { ok: false, kind: 'prose', error: 'the answer was prose, with no JSON object' };
}
