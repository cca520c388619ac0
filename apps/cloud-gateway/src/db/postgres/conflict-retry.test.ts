import { retryingConflicts } from './conflict-retry';

const failing = (code: string) => Object.assign(new Error(`failed with ${code}`), { code });

describe('retryingConflicts', () => {
  it.each(['40001', '40P01', '23505', 'P2002', 'P2034'])('when a run fails with %s, then it runs again', async (code) => {
    let runs = 0;
    const result = await retryingConflicts(async () => {
      runs += 1;
      if (runs < 3) throw failing(code);
      return 'done';
    });
    expect([result, runs]).toEqual(['done', 3]);
  });

  it('when a run fails otherwise, then the error is thrown at once', async () => {
    let runs = 0;
    await expect(
      retryingConflicts(async () => {
        runs += 1;
        throw failing('23502'); // not null violation: running again changes nothing
      }),
    ).rejects.toThrow('failed with 23502');
    expect(runs).toBe(1);
  });

  it('when every run conflicts, then it gives up after five and throws the last conflict', async () => {
    let runs = 0;
    await expect(
      retryingConflicts(async () => {
        runs += 1;
        throw failing('40001');
      }),
    ).rejects.toThrow('failed with 40001');
    expect(runs).toBe(5);
  });
});
