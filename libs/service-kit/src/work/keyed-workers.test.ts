import { KeyedWorkers } from './keyed-workers';
import type { Signal } from './signal';

const HOUR = 3_600_000;

/** KeyedWorkers with its two questions answered by the test. */
function keyedWorkers(
  due: () => Promise<string[]>,
  work: (key: string, signal: Signal) => Promise<boolean>,
  onError: (err: unknown) => void = () => undefined,
) {
  return new (class extends KeyedWorkers {
    protected due = due;
    protected work = work;
  })({ pollIntervalMs: HOUR, onError });
}

describe('KeyedWorkers', () => {
  it('runs one worker per key with due work, wakes it on a kick, and drain() waits until all have ended', async () => {
    const due = new Map<string, number>([
      ['a', 2],
      ['b', 1],
    ]);
    const started: string[] = [];
    const done: string[] = [];
    let aWaits!: () => void;
    const aWaiting = new Promise<void>((resolve) => (aWaits = resolve));
    const work = async (key: string, signal: Signal) => {
      started.push(key);
      // Takes one item per wake-up; the first is taken at once.
      for (;;) {
        const left = due.get(key) ?? 0;
        if (left === 0) break;
        due.set(key, left - 1);
        if (left === 1) continue;
        if (key === 'a') aWaits();
        await signal.wait();
      }
      done.push(key);
      return false;
    };
    const workers = keyedWorkers(async () => [...due].filter(([, n]) => n > 0).map(([k]) => k), work);
    workers.start();
    await aWaiting;
    workers.kick(); // a pass while 'a' runs: no second worker for it, and the kick wakes it
    await workers.drain();
    expect(started.sort()).toEqual(['a', 'b']);
    expect(done.sort()).toEqual(['a', 'b']);
    expect([...due.values()]).toEqual([0, 0]);
    await workers.stop();
  });

  it('hands a failed worker to onError and starts it again on the next pass', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const workers = keyedWorkers(
      async () => (runs < 2 ? ['k'] : []),
      async () => {
        runs += 1;
        if (runs === 1) throw new Error('boom');
        return false;
      },
      (err) => errors.push(err),
    );
    workers.start();
    await workers.drain();
    await workers.drain();
    expect(runs).toBe(2);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
    await workers.stop();
  });
});
