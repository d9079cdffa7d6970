/**
 * run_workflow's wait: follows a run until it ends, telling the client how far it is (MCP progress
 * notifications, steps done / total, when the request carried a progressToken), and turning the
 * client's cancellation of the request into a cancel of the run — which the executor carries down
 * to the warehouse query. A client that merely disconnects stops the following, not the run.
 */
import type { RunView } from '../daemon/service/index.js';
import type { McpService } from './service-face.js';
import type { ToolExtra } from './tool-registry.js';

const POLL_MS = 100;

/** The reason of a request cancelled because its HTTP client went away (mcp/http.ts). */
export const CLIENT_GONE = 'the client disconnected';
const ENDED = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);
const STEP_DONE = new Set(['succeeded', 'failed', 'cancelled', 'skipped']);

export interface FollowedRun {
  run: RunView;
  finished: boolean;
  note?: string;
}

export async function followRun(
  svc: McpService,
  id: string,
  extra: ToolExtra,
  timeoutMs: number,
): Promise<FollowedRun> {
  const token = extra._meta?.progressToken;
  const until = Date.now() + timeoutMs;
  let reported = -1;
  let cancelled = false;
  const onAbort = () => {
    if (cancelled) return;
    cancelled = true;
    // A dropped connection is not a decision to cancel: the run is durable and keeps going.
    if (extra.signal.reason === CLIENT_GONE) return;
    try {
      svc.cancelRun(id);
    } catch {
      // The run ended meanwhile (or vanished): nothing to cancel.
    }
  };
  extra.signal.addEventListener('abort', onAbort, { once: true });
  if (extra.signal.aborted) onAbort();
  try {
    for (;;) {
      const run = svc.getRun(id);
      const total = run.steps.length;
      const done = run.steps.filter((s) => STEP_DONE.has(s.status)).length;
      if (token !== undefined && done > reported && total > 0) {
        reported = done;
        await extra
          .sendNotification({
            method: 'notifications/progress',
            params: {
              progressToken: token,
              progress: done,
              total,
              message: `${done} of ${total} steps done (run ${run.status})`,
            },
          })
          .catch(() => undefined);
      }
      if (ENDED.has(run.status)) return { run, finished: true };
      if (extra.signal.aborted && extra.signal.reason === CLIENT_GONE)
        return { run, finished: false, note: 'the client went away; the run keeps going' };
      if (Date.now() >= until)
        return {
          run,
          finished: false,
          note: `still ${run.status} after ${Math.round(timeoutMs / 1000)} s; follow it with get_run (it keeps running)`,
        };
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    extra.signal.removeEventListener('abort', onAbort);
  }
}
