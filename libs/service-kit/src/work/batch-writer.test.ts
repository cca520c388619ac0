import { BatchWriter } from './batch-writer';

const HOUR = 3_600_000;

describe('BatchWriter', () => {
  it('writes at once when `at` items wait, and flush() writes the rest in order', async () => {
    const written: number[][] = [];
    const writer = new BatchWriter<number>(async (batch) => void written.push(batch), { at: 3, everyMs: HOUR, onError: () => undefined });
    for (const n of [1, 2, 3, 4]) writer.add(n);
    await writer.flush();
    expect(written).toEqual([[1, 2, 3], [4]]);
  });

  it('writes a partial batch after `everyMs` without being asked', async () => {
    let resolve!: (batch: string[]) => void;
    const written = new Promise<string[]>((r) => (resolve = r));
    const writer = new BatchWriter<string>(async (batch) => resolve(batch), { at: 100, everyMs: 1, onError: () => undefined });
    writer.add('a');
    writer.add('b');
    expect(await written).toEqual(['a', 'b']);
  });

  it('hands a failed write to onError with its size; flush() still resolves and the next batch is written', async () => {
    const errors: Array<[string, number]> = [];
    const written: string[][] = [];
    let calls = 0;
    const writer = new BatchWriter<string>(
      async (batch) => {
        calls += 1;
        if (calls === 1) throw new Error('disk full');
        written.push(batch);
      },
      { at: 100, everyMs: HOUR, onError: (err, count) => errors.push([(err as Error).message, count]) },
    );
    writer.add('lost');
    writer.add('lost too');
    await writer.flush();
    writer.add('kept');
    await writer.flush();
    expect(errors).toEqual([['disk full', 2]]);
    expect(written).toEqual([['kept']]);
  });
});
