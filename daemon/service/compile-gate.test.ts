import { describe, expect, it } from 'vitest';
import { CompileGate } from './compile-gate.js';

/** A promise and the function that settles it, for work the test finishes when it wants. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('CompileGate', () => {
  it('never runs more than its limit at once, and starts the waiters first come, first served', async () => {
    const gate = new CompileGate(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const finish = Array.from({ length: 6 }, () => deferred());
    const all = finish.map((f, i) =>
      gate.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await f.promise;
        running--;
        return i;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    expect([gate.active, gate.queued]).toEqual([2, 4]);
    // Finishing out of order hands the slots on in arrival order.
    finish[1]!.resolve();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    finish[0]!.resolve();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const f of finish) f.resolve();
    expect(await Promise.all(all)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect([gate.active, gate.queued]).toEqual([0, 0]);
  });

  it('gives the slot back when the work throws', async () => {
    const gate = new CompileGate(1);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(() => 'next')).resolves.toBe('next');
    expect(gate.active).toBe(0);
  });

  it('lets a waiter leave the queue when its signal aborts, without running its work', async () => {
    const gate = new CompileGate(1);
    const first = deferred();
    const holding = gate.run(() => first.promise);
    const ac = new AbortController();
    let ran = false;
    const leaving = gate.run(async () => {
      ran = true;
    }, ac.signal);
    const behind = gate.run(() => 'behind');
    await settle();
    expect(gate.queued).toBe(2);
    ac.abort(new Error('the client went away'));
    await expect(leaving).rejects.toThrow('the client went away');
    expect(gate.queued).toBe(1);
    first.resolve();
    await holding;
    // The slot went to the one still waiting; the aborted work never ran.
    expect(await behind).toBe('behind');
    expect(ran).toBe(false);
    expect([gate.active, gate.queued]).toEqual([0, 0]);
  });

  it('refuses at once a signal already aborted, even with a slot free', async () => {
    const gate = new CompileGate(1);
    const ac = new AbortController();
    ac.abort(new Error('already gone'));
    await expect(gate.run(() => 'never', ac.signal)).rejects.toThrow('already gone');
    expect(gate.active).toBe(0);
  });

  it('an abort after the slot was given changes nothing', async () => {
    const gate = new CompileGate(1);
    const ac = new AbortController();
    const work = deferred();
    const running = gate.run(async () => {
      await work.promise;
      return 'done';
    }, ac.signal);
    await settle();
    ac.abort();
    work.resolve();
    expect(await running).toBe('done');
    expect(gate.active).toBe(0);
  });
});
