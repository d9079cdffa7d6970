import { describe, expect, it } from 'vitest';
import { createLogger, runLogger, stepLogger } from './logger.js';

const CANARY = 'canary-73b1c9-log-secret';

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (s: string) => void lines.push(s) } };
}

describe('JSON logs', () => {
  it('writes one JSON object a line, with run and step ids on a run logger', () => {
    const { lines, destination } = capture();
    const log = createLogger({ destination, level: 'info' });
    stepLogger(runLogger(log, 'r123', 'store_revenue'), 'materialize_rev').info({ rows: 5 }, 'step done');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'info',
      runId: 'r123',
      workflow: 'store_revenue',
      stepId: 'materialize_rev',
      rows: 5,
      msg: 'step done',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('never writes a secret: redacted fields, and known secret values scrubbed anywhere', () => {
    const { lines, destination } = capture();
    const log = createLogger({ destination, secrets: [CANARY, 'p"w\\d!'] });
    log.info({ req: { headers: { authorization: `Bearer ${CANARY}` } } }, 'request');
    log.info({ headers: { authorization: 'Bearer ef_abc' }, authorization: 'Bearer ef_abc' }, 'x');
    log.info({ connection: { url: `postgres://u:${CANARY}@h/db`, password: CANARY, apiKey: 'sk-1' } }, 'c');
    log.warn({ err: new Error(`connect failed for postgres://u:${CANARY}@h/db`) }, 'driver error');
    log.error(`message with the secret ${CANARY} in it and a quoted p"w\\d! one`);
    runLogger(log, 'r1').info({ detail: { deep: { deeper: CANARY } } }, 'nested');
    const text = lines.join('');
    expect(lines).toHaveLength(6);
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain('ef_abc');
    expect(text).not.toContain('sk-1');
    expect(text).not.toContain('p\\"w\\\\d!');
    expect(text).toContain('[redacted]');
    for (const l of lines) JSON.parse(l);
  });
});
