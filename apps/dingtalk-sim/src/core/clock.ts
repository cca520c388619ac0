/**
 * The simulator's notion of "now". It follows real time (so tasks progress while a test waits)
 * but can be frozen, moved forward or set, so token expiry and day boundaries are testable
 * without sleeping. Listeners run after every manual change so sim-time timers fire at once.
 */
export class SimClock {
  private baseSimMs: number;
  private baseRealMs: number;
  private isFrozen = false;
  private readonly listeners: Array<() => void> = [];

  constructor(startMs: number = Date.now()) {
    this.baseSimMs = startMs;
    this.baseRealMs = Date.now();
  }

  now(): number {
    return this.isFrozen ? this.baseSimMs : this.baseSimMs + (Date.now() - this.baseRealMs);
  }

  get frozen(): boolean {
    return this.isFrozen;
  }

  advance(ms: number): number {
    return this.set(this.now() + ms);
  }

  set(ms: number): number {
    this.baseSimMs = ms;
    this.baseRealMs = Date.now();
    this.notify();
    return ms;
  }

  freeze(frozen: boolean): void {
    this.baseSimMs = this.now();
    this.baseRealMs = Date.now();
    this.isFrozen = frozen;
    this.notify();
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  snapshot(): { nowMs: number; frozen: boolean; iso: string } {
    const nowMs = this.now();
    return { nowMs, frozen: this.isFrozen, iso: new Date(nowMs).toISOString() };
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

/** DingTalk's daily limits reset at midnight China time (UTC+8), not UTC. */
const CHINA_OFFSET_MS = 8 * 3600 * 1000;
export function chinaDayIndex(ms: number): number {
  return Math.floor((ms + CHINA_OFFSET_MS) / 86_400_000);
}
