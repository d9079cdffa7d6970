/**
 * Virtual time for tests: timers run only when the test advances the clock, in time order, each
 * at its own instant, and `advance` waits for the work each one starts.
 */
import type { Clock, TimerHandle } from './clock.js';

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void | Promise<void>;
}

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: FakeTimer[] = [];

  constructor(start: Date | string) {
    this.t = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  setTimer(at: Date, fn: () => void | Promise<void>): TimerHandle {
    const timer: FakeTimer = { at: at.getTime(), seq: this.seq++, fn };
    this.timers.push(timer);
    return {
      cancel: () => {
        this.timers = this.timers.filter((x) => x !== timer);
      },
    };
  }

  /** Timers not yet run. */
  get pending(): number {
    return this.timers.length;
  }

  /** Runs every timer due up to `target` (earliest first), then leaves the clock at `target`. */
  async advanceTo(target: Date | string): Promise<void> {
    const end = new Date(target).getTime();
    for (;;) {
      let next: FakeTimer | undefined;
      for (const x of this.timers)
        if (x.at <= end && (!next || x.at < next.at || (x.at === next.at && x.seq < next.seq))) next = x;
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = Math.max(this.t, next.at);
      await next.fn();
      await settle();
    }
    this.t = Math.max(this.t, end);
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(new Date(this.t + ms));
  }
}

/** Lets promise chains and `setImmediate` continuations started by a timer finish. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
