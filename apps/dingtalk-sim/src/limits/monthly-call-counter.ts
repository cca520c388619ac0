// Counted API calls per org and China-time month (see monthly-quota.ts for what is counted).
import { SimError } from '../core/sim-error';

export class MonthlyCallCounter {
  private readonly counts = new Map<string, number>();

  /** Counts the call; refuses it when the org's month is already spent. */
  take(corpId: string, month: string, quota: number): void {
    const key = `${corpId}|${month}`;
    const used = this.counts.get(key) ?? 0;
    if (used >= quota) throw new SimError('monthly_quota', `the org's ${quota} API calls for ${month} are used up`);
    this.counts.set(key, used + 1);
  }

  used(corpId: string, month: string): number {
    return this.counts.get(`${corpId}|${month}`) ?? 0;
  }
}
