import { toJson, type Io } from '../io.js';
import { formatForTerminal, summary } from '../format.js';
import { withServiceOrDaemon, workflowRequest, type CommonFlags } from '../service.js';
import type { ValidateResult } from '../../service/index.js';

export async function validateCommand(file: string, flags: CommonFlags, io: Io): Promise<number> {
  const req = workflowRequest(file, flags);
  const r = await withServiceOrDaemon(
    flags.config,
    req,
    io,
    (s) => s.validate(req),
    async (d) => (await d.request<ValidateResult>('POST', '/v1/validate', { body: req })).json,
  );
  if (flags.json) io.out(toJson(r));
  else {
    if (r.offlineReason) io.err(`note: validating without a live catalog (${r.offlineReason})`);
    for (const d of r.diagnostics) io.err(formatForTerminal(d));
    io.out(
      `${r.valid ? '✓ valid' : '✗ invalid'}: ${file} for ${r.dialect} (${r.catalog} catalog), ${summary(r.diagnostics)}`,
    );
  }
  return r.valid ? 0 : 1;
}
