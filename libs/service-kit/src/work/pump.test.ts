import { Pump } from './pump';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Pump', () => {
  const HOUR = 3_600_000;

  it('folds kicks during a pass into one more pass, so none is lost and none doubles the work', async () => {
    const gates: Array<{ promise: Promise<void>; resolve: () => void }> = [];
    const secondPassStarted = deferred();
    const pump = new Pump(
      () => {
        const gate = deferred();
        gates.push(gate);
        if (gates.length === 2) secondPassStarted.resolve();
        return gate.promise;
      },
      { pollIntervalMs: HOUR, onError: () => undefined },
    );
    pump.start(); // the first pass starts at once
    expect(gates).toHaveLength(1);
    pump.kick();
    pump.kick();
    pump.kick();
    expect(gates).toHaveLength(1); // one pass at a time
    gates[0]!.resolve();
    await secondPassStarted.promise;
    expect(gates).toHaveLength(2); // exactly one more for the three kicks
    gates[1]!.resolve();
    await pump.idle();
    expect(gates).toHaveLength(2);
    pump.stop();
  });

  it('idle() waits for the pass in progress and the one owed after it', async () => {
    const done: number[] = [];
    const first = deferred();
    let passes = 0;
    const pump = new Pump(
      async () => {
        passes += 1;
        if (passes === 1) await first.promise;
        done.push(passes);
      },
      { pollIntervalMs: HOUR, onError: () => undefined },
    );
    pump.start();
    pump.kick();
    const idle = pump.idle().then(() => [...done]);
    first.resolve();
    expect(await idle).toEqual([1, 2]);
    pump.stop();
  });

  it('hands a failing pass to onError and keeps going; after stop() a kick does nothing', async () => {
    const errors: unknown[] = [];
    let passes = 0;
    const pump = new Pump(
      async () => {
        passes += 1;
        throw new Error(`pass ${passes}`);
      },
      { pollIntervalMs: HOUR, onError: (err) => errors.push(err) },
    );
    pump.start();
    await pump.idle();
    pump.kick();
    await pump.idle();
    expect(errors.map((e) => (e as Error).message)).toEqual(['pass 1', 'pass 2']);
    pump.stop();
    pump.kick();
    await pump.idle();
    expect(passes).toBe(2);
  });
});
