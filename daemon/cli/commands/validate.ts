import { toJson, type Io } from '../io.js';
import { formatForTerminal, summary } from '../format.js';
import { withService, workflowRequest, type CommonFlags } from '../service.js';

export async function validateCommand(file: string, flags: CommonFlags, io: Io): Promise<number> {
  const r = await withService(flags.config, (s) => s.validate(workflowRequest(file, flags)));
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
