import { retryingConflicts } from './conflict-retry';

const failing = (code: string) => Object.assign(new Error(`failed with ${code}`), { code });

describe('retryingConflicts', () => {
  it.each(['40001', '40P01', '23505'])('when a run fails with %s, then it runs again', async (code) => {
    let runs = 0;
    const result = await retryingConflicts(async () => {
      runs += 1;
      if (runs < 3) throw failing(code);
      return 'done';
    });
    expect([result, runs]).toEqual(['done', 3]);
  });

  it.each(['23502', 'P2002'])('when a run fails otherwise (%s), then the error is thrown at once', async (code) => {
    let runs = 0;
    await expect(
      retryingConflicts(async () => {
        runs += 1;
        // A not-null violation changes nothing when run again; Prisma's codes no longer reach here (no ORM writes).
        throw failing(code);
      }),
    ).rejects.toThrow(`failed with ${code}`);
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
