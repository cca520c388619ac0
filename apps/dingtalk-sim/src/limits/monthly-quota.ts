// DingTalk's monthly API call quota per org (standard edition: 5,000 calls a month; dingtalk-api.md
// §5.1): token, login and contact APIs are not counted; once the month's calls are spent every
// counted call of the org is refused with 90020 / Forbidden.AccessDenied.ApiCountLimitForOrg until
// the month turns (China time). Off unless `monthlyCallQuota` is set, so demos and tests that do
// not ask for it never run out.
import type { OrgPrincipal, Principal } from '../auth/principal';
import { SimError } from '../core/sim-error';
import type { World } from '../world';

/** Contacts (users, departments, the new host's /contact/) and tokens; logins use user tokens, never counted. */
const UNCOUNTED = /^\/(topapi\/(v2\/)?(user|department)\/|v1\.0\/contact\/|user\/|department\/|gettoken|service\/get_corp_token|v1\.0\/oauth2\/)/;

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** `2026-12` in China time: DingTalk's month. */
export function chinaMonth(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 7);
}

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

const isOrg = (p: Principal | undefined): p is OrgPrincipal => p?.kind === 'app' || p?.kind === 'corp';

export function checkMonthlyQuota(world: World, principal: Principal | undefined, apiPath: string): void {
  const quota = world.config.monthlyCallQuota;
  if (quota === 0 || !isOrg(principal) || UNCOUNTED.test(apiPath)) return;
  world.monthlyCalls.take(principal.corpId, chinaMonth(world.clock.now()), quota);
}
