// The knobs of the work-notification pipeline, read once from the config.
import type { CloudConfig } from '../../config';

export interface MessageSettings {
  /** Userids per asyncsend_v2 call. */
  chunkSize: number;
  /** Per-user daily notification cap by tenant mode (DingTalk: 500 internal, 100 ISV). */
  dailyCap: { internal: number; isv: number };
  /** Waits before each delivery poll of a sent task; the last one repeats. */
  receiptScheduleMs: number[];
  /** Task ages at which unread recipients are polled for read receipts, ascending. */
  readPollScheduleMs: number[];
  /** No task query after sentAt + this (DingTalk answers for 24 h). */
  resultWindowMs: number;
  recallWindowMs: number;
  /** Consecutive dispatch runs a definitely rejected chunk is tried in before it is failed. */
  sendAttempts: number;
  /** Task ids probed to find the task of a send whose outcome is unknown (0 = never). */
  reconcileProbes: number;
}

export function messageSettings(config: CloudConfig): MessageSettings {
  return {
    chunkSize: config.MESSAGE_CHUNK_SIZE,
    dailyCap: { internal: config.MESSAGE_DAILY_CAP_INTERNAL, isv: config.MESSAGE_DAILY_CAP_ISV },
    receiptScheduleMs: config.MESSAGE_RECEIPT_SCHEDULE,
    readPollScheduleMs: [...config.MESSAGE_READ_POLL_SCHEDULE].sort((a, b) => a - b),
    resultWindowMs: config.MESSAGE_RESULT_WINDOW,
    recallWindowMs: config.MESSAGE_RECALL_WINDOW,
    sendAttempts: config.MESSAGE_SEND_ATTEMPTS,
    reconcileProbes: config.MESSAGE_RECONCILE_PROBES,
  };
}

/** Wait before the (polls+1)-th delivery poll of a sent task. */
export function deliveryPollDelay(settings: MessageSettings, polls: number): number {
  const schedule = settings.receiptScheduleMs;
  return schedule[Math.min(polls, schedule.length - 1)] ?? 1_000;
}

/**
 * When to poll a finished task's unread recipients next: at the first scheduled age still ahead,
 * or null when none is left. Polls by age, not by interval, so a day costs exactly the schedule's
 * length in calls however late a run happens.
 */
export function nextReadPollAt(settings: MessageSettings, sentAtMs: number, nowMs: number): number | null {
  const age = settings.readPollScheduleMs.find((a) => sentAtMs + a > nowMs);
  return age === undefined ? null : sentAtMs + age;
}
