import { keyedSerializer } from './keyed-serializer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('keyed serializer', () => {
  it('when tasks share a key, then each starts after the previous settled (even a failed one), in call order', async () => {
    const serialize = keyedSerializer();
    const log: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await sleep(ms);
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([serialize('a', task('a1', 30, true)), serialize('a', task('a2', 5)), serialize('b', task('b1', 10))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
  });
});
