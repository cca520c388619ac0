import { keyedSerializer } from './keyed-serializer';

/** A task the test finishes by hand: `started` resolves when it begins, `finish()` settles it. */
function heldTask(log: string[], name: string, fail = false) {
  let begin!: () => void;
  const started = new Promise<void>((resolve) => (begin = resolve));
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const run = async () => {
    log.push(`start ${name}`);
    begin();
    await finished;
    log.push(`end ${name}`);
    if (fail) throw new Error(name);
    return name;
  };
  return { run, started, finish };
}

describe('keyed serializer', () => {
  it('when tasks share a key, then each starts after the previous settled (even a failed one), in call order', async () => {
    const serialize = keyedSerializer();
    const log: string[] = [];
    const [a1, a2, b1] = [heldTask(log, 'a1', true), heldTask(log, 'a2'), heldTask(log, 'b1')];
    const all = Promise.allSettled([serialize('a', a1.run), serialize('a', a2.run), serialize('b', b1.run)]);
    // Another key runs beside a1; a2 waits for a1 even though b1 ends first.
    await Promise.all([a1.started, b1.started]);
    b1.finish();
    a1.finish();
    await a2.started;
    a2.finish();
    const results = await all;
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
  });
});
