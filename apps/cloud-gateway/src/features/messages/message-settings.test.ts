import { progressPollDelay, readPollDelay, type MessageSettings } from './message-settings';

const settings: MessageSettings = {
  chunkSize: 100,
  dailyCap: { internal: 500, isv: 100 },
  receiptScheduleMs: [1_000, 2_000, 5_000, 15_000, 60_000],
  readPollMaxIntervalMs: 7_200_000,
  resultWindowMs: 23 * 3_600_000,
  recallWindowMs: 24 * 3_600_000,
  sendAttempts: 6,
  reconcileProbes: 8,
};

describe('poll schedules', () => {
  it('when a task keeps running, then progress polls follow the schedule and its last step repeats', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((polls) => progressPollDelay(settings, polls))).toEqual([1_000, 2_000, 5_000, 15_000, 60_000, 60_000, 60_000]);
  });

  it('when a task is done, then read polls wait as long as the message is old, between the last progress step and the cap', () => {
    expect(readPollDelay(settings, 10_000)).toBe(60_000);
    expect(readPollDelay(settings, 600_000)).toBe(600_000);
    expect(readPollDelay(settings, 20 * 3_600_000)).toBe(7_200_000);
  });
});
