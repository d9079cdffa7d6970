import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from './clock.js';

const waitFor = (fired: () => boolean, ms: number) =>
  new Promise<void>((resolve, reject) => {
    const start = Date.now();
    const poll = () =>
      fired() ? resolve() : Date.now() - start > ms ? reject(new Error('timeout')) : setTimeout(poll, 2);
    poll();
  });

describe('systemClock (real timers)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('fires at, never before, the wall-clock instant, also when the sleep is split', async () => {
    const clock = systemClock({ maxSleepMs: 7 });
    const target = new Date(Date.now() + 40);
    let firedAt = 0;
    clock.setTimer(target, () => void (firedAt = Date.now()));
    await waitFor(() => firedAt > 0, 1000);
    expect(firedAt).toBeGreaterThanOrEqual(target.getTime());
    expect(firedAt - target.getTime()).toBeLessThan(50);
  });

  it('follows a wall-clock jump (a suspended machine, an NTP step) within one short sleep', async () => {
    const clock = systemClock({ maxSleepMs: 10 });
    const realNow = Date.now.bind(Date);
    let jump = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + jump);
    let fired = false;
    clock.setTimer(new Date(Date.now() + 3_600_000), () => void (fired = true));
    jump = 3_600_000; // an hour passes on the wall clock while monotonic time does not
    await waitFor(() => fired, 500);
    expect(fired).toBe(true);
  });

  it('a cancelled timer does not fire; the offset shifts now()', async () => {
    const clock = systemClock({ offsetMs: 60_000 });
    expect(clock.now().getTime() - Date.now()).toBeGreaterThanOrEqual(59_990);
    let fired = false;
    clock.setTimer(new Date(clock.now().getTime() + 5), () => void (fired = true)).cancel();
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).toBe(false);
  });
});
