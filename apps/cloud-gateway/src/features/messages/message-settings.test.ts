import { deliveryPollDelay, nextReadPollAt, type MessageSettings } from './message-settings';

const H = 3_600_000;
const settings: MessageSettings = {
  chunkSize: 100,
  dailyCap: { internal: 500, isv: 100 },
  receiptScheduleMs: [5_000, 30_000, 60_000],
  readPollScheduleMs: [0.5 * H, 2 * H, 6 * H, 20 * H],
  resultWindowMs: 23 * H,
  recallWindowMs: 24 * H,
  sendAttempts: 6,
  reconcileProbes: 8,
};

describe('poll schedules', () => {
  it('when a task keeps running, then delivery polls follow the schedule and its last step repeats', () => {
    expect([0, 1, 2, 3, 9].map((polls) => deliveryPollDelay(settings, polls))).toEqual([5_000, 30_000, 60_000, 60_000, 60_000]);
  });

  it('when a task is done, then read polls happen at the scheduled ages of the task and none after the last', () => {
    const sentAt = 1_000_000;
    expect(nextReadPollAt(settings, sentAt, sentAt + 10_000)).toBe(sentAt + 0.5 * H);
    expect(nextReadPollAt(settings, sentAt, sentAt + 0.5 * H)).toBe(sentAt + 2 * H);
    // A run that comes late (the cloud was down) still polls at the next age, not at every one it missed.
    expect(nextReadPollAt(settings, sentAt, sentAt + 7 * H)).toBe(sentAt + 20 * H);
    expect(nextReadPollAt(settings, sentAt, sentAt + 20 * H)).toBeNull();
  });
});
