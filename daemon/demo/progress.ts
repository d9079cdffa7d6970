/**
 * Progress for long work, on a terminal only (DESIGN.md §1.5): one line per step that ticks its
 * elapsed time while the step runs and ends with what it made. Piped output and logs get nothing
 * from here (the caller logs a summary line instead), so they stay readable and diffable.
 */
import type { DemoProgress } from './seed.js';

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

const TICK_MS = 100;
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A progress display on `stream` when it is a terminal; undefined otherwise. */
export function terminalProgress(
  stream: ProgressStream = process.stderr,
  opts: { width?: number } = {},
): DemoProgress | undefined {
  if (!stream.isTTY) return undefined;
  const width = opts.width ?? 24;
  let timer: NodeJS.Timeout | undefined;
  let started = 0;
  let frame = 0;
  const line = (mark: string, label: string, detail: string, ms: number) =>
    `\r\x1b[2K  ${mark} ${label.padEnd(width)} ${detail.padStart(16)}  ${(ms / 1000).toFixed(1).padStart(5)} s`;
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  return {
    start(label) {
      stop();
      started = performance.now();
      const draw = () =>
        stream.write(line(FRAMES[frame++ % FRAMES.length]!, label, '', performance.now() - started));
      draw();
      timer = setInterval(draw, TICK_MS);
      // A progress line must never keep the process alive.
      timer.unref();
    },
    done(label, detail) {
      stop();
      stream.write(`${line('✓', label, detail, performance.now() - started)}\n`);
    },
    fail(label, message) {
      stop();
      stream.write(`${line('✗', label, 'failed', performance.now() - started)}\n    ${message}\n`);
    },
  };
}
