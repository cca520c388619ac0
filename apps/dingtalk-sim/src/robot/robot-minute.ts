/** Robot recipients per robot per sim minute, for DingTalk's flow control of 1:1 sends. */
export class RobotMinuteCounter {
  private minute = -1;
  private readonly counts = new Map<string, number>();

  /** Counts one recipient; false when this robot already reached the limit this minute. */
  admit(robot: string, nowMs: number, perMinute: number): boolean {
    const minute = Math.floor(nowMs / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.counts.clear();
    }
    const count = this.counts.get(robot) ?? 0;
    if (count >= perMinute) return false;
    this.counts.set(robot, count + 1);
    return true;
  }
}
