/**
 * Where lineage events go (config `lineage: { file, url }`): appended as JSON lines to a file,
 * POSTed to an OpenLineage endpoint (Marquez: http://host:5000/api/v1/lineage), or both. A sink
 * that fails is logged and never fails the run: lineage is a report about the work, not the work.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from './logger.js';
import type { WorkflowAnalysis } from '../../compiler/analyze.js';
import {
  lineageEvent,
  runDatasets,
  type LineageEventType,
  type LineageRun,
  type LineageRunEvent,
} from './lineage.js';

export interface LineageConfig {
  file?: string;
  url?: string;
}

export interface LineageSink {
  /** Queues the event; returns at once. Events of one sink are delivered in order. */
  emit(event: LineageRunEvent): void;
  /** Resolves when every queued event was delivered (or given up on). */
  flush(): Promise<void>;
}

export const NOOP_LINEAGE: LineageSink = { emit: () => undefined, flush: async () => undefined };

export function createLineageSink(
  config: LineageConfig | undefined,
  opts: { baseDir: string; logger?: Logger; timeoutMs?: number },
): LineageSink {
  if (!config?.file && !config?.url) return NOOP_LINEAGE;
  const file = config.file ? path.resolve(opts.baseDir, config.file) : undefined;
  const endpoint = config.url ? endpointOf(config.url) : undefined;
  const timeoutMs = opts.timeoutMs ?? 5000;
  let chain: Promise<void> = Promise.resolve();
  const deliver = async (event: LineageRunEvent) => {
    const line = JSON.stringify(event);
    if (file) {
      try {
        await mkdir(path.dirname(file), { recursive: true });
        await appendFile(file, `${line}\n`, { mode: 0o600 });
      } catch (e) {
        opts.logger?.warn(
          { err: { code: (e as NodeJS.ErrnoException).code }, file, eventType: event.eventType },
          'cannot append the lineage event to its file; check that the directory is writable',
        );
      }
    }
    if (endpoint) {
      try {
        const r = await fetch(endpoint.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...endpoint.headers },
          body: line,
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        await r.body?.cancel();
      } catch (e) {
        // The URL may carry credentials (user:password@host): only its origin is logged.
        opts.logger?.warn(
          {
            endpoint: endpoint.origin,
            reason: (e as Error).message.split(config.url!).join(endpoint.origin),
            eventType: event.eventType,
          },
          'cannot post the lineage event; check lineage.url and that the endpoint is up',
        );
      }
    }
  };
  return {
    emit(event) {
      chain = chain.then(() => deliver(event));
    },
    flush: () => chain,
  };
}

/**
 * fetch refuses URLs with user:password@; those become a Basic Authorization header, and only
 * the origin is ever logged.
 */
function endpointOf(text: string): { url: string; origin: string; headers: Record<string, string> } {
  try {
    const u = new URL(text);
    const headers: Record<string, string> = {};
    if (u.username || u.password) {
      const user = decodeURIComponent(u.username);
      const pass = decodeURIComponent(u.password);
      headers['authorization'] = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
      u.username = '';
      u.password = '';
    }
    return { url: u.toString(), origin: `${u.protocol}//${u.host}`, headers };
  } catch {
    return { url: text, origin: '(not a URL)', headers: {} };
  }
}

/** What the executor calls at a run's start and end. */
export interface LineageReporter {
  runEvent(
    type: LineageEventType,
    run: LineageRun,
    analysis: WorkflowAnalysis,
    opts?: { at?: Date; error?: string },
  ): void;
}

export function lineageReporter(sink: LineageSink, logger?: Logger): LineageReporter {
  return {
    runEvent(type, run, analysis, opts = {}) {
      try {
        sink.emit(lineageEvent(type, run, runDatasets(analysis), opts));
      } catch (e) {
        logger?.warn({ runId: run.runId, reason: (e as Error).message }, 'cannot build the lineage event');
      }
    },
  };
}
