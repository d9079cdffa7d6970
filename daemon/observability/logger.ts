/**
 * Structured JSON logs (pino, one object a line, on stderr). A run gets a child logger carrying
 * `runId` and `workflow`; a step's adds `stepId`. Secrets never reach a line, twice over: pino
 * redacts the fields that hold them (auth headers, the config's secret keys), and every line is
 * scrubbed of the resolved secret values the daemon knows before it is written.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { SECRET_KEYS } from '../config/schema.js';
import { Redactor } from '../secrets/redactor.js';

export type { Logger } from 'pino';

const SENSITIVE = ['authorization', 'cookie', 'token', 'secrets', ...SECRET_KEYS];

/** Redacted wherever they appear at the top level, one level down, or in request headers. */
export const REDACT_PATHS = [
  ...SENSITIVE.flatMap((k) => [k, `*.${k}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'connections.*.url',
  'connections.*.password',
  'connections.*.privateKey',
  'connections.*.keyFile',
  'config.connections.*.url',
  'config.connections.*.password',
];

export interface LoggerOptions {
  /** pino level (default: $EDGEFLOW_LOG_LEVEL, else info). */
  level?: string;
  /** Resolved secret values to scrub from every line (shorter than 4 characters: ignored). */
  secrets?: readonly string[];
  /** The daemon's redactor (daemon/secrets/redactor.ts): every line goes through it. */
  redactor?: Redactor;
  /** Where lines go (default stderr). */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const dest = opts.destination ?? pino.destination({ fd: 2, sync: true });
  const redactor = opts.redactor ?? new Redactor(opts.secrets ?? []);
  return pino(
    {
      level: opts.level ?? process.env['EDGEFLOW_LOG_LEVEL'] ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    // Through the redactor even when it knows nothing yet: the admin token is added later.
    opts.redactor || redactor.active ? { write: (line: string) => dest.write(redactor.text(line)) } : dest,
  );
}

/** A logger for one run: every line carries its id (and the workflow's name). */
export function runLogger(parent: Logger, runId: string, workflow?: string): Logger {
  return parent.child({ runId, ...(workflow ? { workflow } : {}) });
}

/** A logger for one step of a run. */
export function stepLogger(run: Logger, stepId: string): Logger {
  return run.child({ stepId });
}
