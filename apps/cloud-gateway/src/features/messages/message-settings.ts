// The knobs of the work-notification pipeline, read once from the config.
import type { CloudConfig } from '../../config';

export interface MessageSettings {
  /** Userids per asyncsend_v2 call. */
  chunkSize: number;
  /** Per-user daily notification cap by tenant mode (DingTalk: 500 internal, 100 ISV). */
  dailyCap: { internal: number; isv: number };
  /** Waits before each progress poll of a running task; the last one repeats. */
  receiptScheduleMs: number[];
  /** Cap of the interval between read-receipt polls once a task is done. */
  readPollMaxIntervalMs: number;
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
    readPollMaxIntervalMs: config.MESSAGE_READ_POLL_MAX_INTERVAL,
    resultWindowMs: config.MESSAGE_RESULT_WINDOW,
    recallWindowMs: config.MESSAGE_RECALL_WINDOW,
    sendAttempts: config.MESSAGE_SEND_ATTEMPTS,
    reconcileProbes: config.MESSAGE_RECONCILE_PROBES,
  };
}

/** Wait before the (polls+1)-th progress poll of a running task. */
export function progressPollDelay(settings: MessageSettings, polls: number): number {
  const schedule = settings.receiptScheduleMs;
  return schedule[Math.min(polls, schedule.length - 1)] ?? 1_000;
}

/**
 * Wait before the next read-receipt poll of a finished task: as long as the message is old, so
 * polls thin out geometrically (1 min, 2 min, 4 min…) — between the last progress step and the cap.
 */
export function readPollDelay(settings: MessageSettings, ageMs: number): number {
  const floor = settings.receiptScheduleMs.at(-1) ?? 1_000;
  return Math.min(settings.readPollMaxIntervalMs, Math.max(floor, ageMs));
}
