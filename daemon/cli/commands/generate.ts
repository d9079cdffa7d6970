import { writeFileSync } from 'node:fs';
import { toJson, UsageError, type Io } from '../io.js';
import { formatForTerminal, summary } from '../format.js';
import { withService, type CommonFlags } from '../service.js';

/**
 * `edgeflow generate "REQUEST"`: the assistant turns the request into a validated workflow. It is
 * printed (or written to --out), never saved or run. Exit 0 with a valid workflow, 1 without.
 */
export async function generateCommand(
  request: string | undefined,
  flags: CommonFlags & { out?: string },
  io: Io,
): Promise<number> {
  if (!request?.trim())
    throw new UsageError('generate needs a REQUEST, e.g. edgeflow generate "revenue per store"');
  // Ctrl-C stops the conversation with the endpoint (the request in flight is aborted).
  const ctl = new AbortController();
  const onInterrupt = () => ctl.abort(new Error('interrupted'));
  process.once('SIGINT', onInterrupt);
  let r;
  try {
    r = await withService(flags.config, (s) =>
      s.generateWorkflow({
        request,
        signal: ctl.signal,
        ...(flags.connection ? { connection: flags.connection } : {}),
      }),
    );
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  const ok = r.workflow !== undefined && r.validation.valid;
  if (flags.out && r.workflow !== undefined)
    writeFileSync(flags.out, `${JSON.stringify(r.workflow, null, 2)}\n`);
  if (flags.json) io.out(toJson(r));
  else {
    if (r.explanation) io.err(r.explanation);
    if (r.question) io.err(`question: ${r.question}`);
    for (const d of r.validation.diagnostics) io.err(formatForTerminal(d));
    if (r.workflow !== undefined && !flags.out) io.out(JSON.stringify(r.workflow, null, 2));
    io.err(
      `${ok ? '✓ valid workflow' : r.workflow !== undefined ? '✗ invalid workflow' : '✗ no workflow'}` +
        `${flags.out && r.workflow !== undefined ? ` written to ${flags.out}` : ''}` +
        `${r.workflow !== undefined ? `, ${summary(r.validation.diagnostics)}` : ''}; ${r.rounds} repair round(s), ` +
        `${r.usage.totalTokens} tokens, ${r.latencyMs} ms, ${r.model} (not saved: edgeflow run FILE runs it)`,
    );
  }
  return ok ? 0 : 1;
}
