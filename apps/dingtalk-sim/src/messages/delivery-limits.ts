import { chinaDayIndex } from '../core/clock';
import type { ForbiddenEntry, Sender } from './task.model';

export interface LimitSettings {
  dailyCap: number;
  recipientsPerMinute: number;
}

/**
 * DingTalk's silent flow control (dingtalk-api.md §4.7): the send succeeds, over-limit recipients
 * just land in forbidden_list. Per sender and user: same content once per day (143106), at most
 * N messages per day (143105); per sender: recipients per minute (143103).
 */
export class DeliveryLimits {
  private readonly perUserDay = new Map<string, number>();
  private readonly contentDay = new Set<string>();
  private readonly perMinute = new Map<string, number>();

  /** Decides one recipient and, when allowed, counts the delivery. */
  admit(sender: Sender, userid: string, contentHash: string, nowMs: number, s: LimitSettings): ForbiddenEntry | undefined {
    const day = chinaDayIndex(nowMs);
    const contentKey = `${sender.key}|${day}|${userid}|${contentHash}`;
    if (this.contentDay.has(contentKey)) return { code: '143106', count: 1, userid };
    const userKey = `${sender.key}|${day}|${userid}`;
    const sentToday = this.perUserDay.get(userKey) ?? 0;
    if (sentToday >= s.dailyCap) return { code: '143105', count: s.dailyCap, userid };
    const minuteKey = `${sender.key}|${Math.floor(nowMs / 60_000)}`;
    const thisMinute = this.perMinute.get(minuteKey) ?? 0;
    if (thisMinute >= s.recipientsPerMinute) return { code: '143103', count: s.recipientsPerMinute, userid };
    this.perUserDay.set(userKey, sentToday + 1);
    if (thisMinute === 0) this.forgetOldMinutes(Math.floor(nowMs / 60_000));
    this.perMinute.set(minuteKey, thisMinute + 1);
    this.contentDay.add(contentKey);
    return undefined;
  }

  private forgetOldMinutes(currentMinute: number): void {
    for (const key of this.perMinute.keys()) {
      if (Number(key.slice(key.lastIndexOf('|') + 1)) < currentMinute) this.perMinute.delete(key);
    }
  }
}
