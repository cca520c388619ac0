// Person lookups against the tenant's org, served briefly from memory. Every profile read fresh
// from DingTalk is published as `user.upserted` unless it equals the one this process last saw,
// so local stores learn about changes without being flooded by repeated lookups.
import type { UserProfile } from '@dtg/contracts';
import { notFound } from '@dtg/service-kit';
import type { SqlDatabase } from '../../db/prisma';
import type { DingTalk } from '../dingtalk/org-clients';
import type { Outbox } from '../outbox/outbox';
import type { TenantsService } from '../tenants/tenants.service';
import { toApiError } from './lookup-failure';
import { TtlCache } from './ttl-cache';
import { profileHash, toUserProfile } from '../dingtalk/user-profile.mapper';

export interface UsersDeps {
  sqldb: SqlDatabase;
  outbox: Outbox;
  dingtalk: DingTalk;
  tenants: TenantsService;
  now?: () => number;
  /** How long a profile is served without asking DingTalk again. Default 30 s. */
  cacheTtlMs?: number;
}

const MAX_CACHED = 10_000;

export function usersService(deps: UsersDeps) {
  const { sqldb, outbox, dingtalk, tenants } = deps;
  const now = deps.now ?? Date.now;
  const ttl = deps.cacheTtlMs ?? 30_000;
  const profiles = new TtlCache<{ profile: UserProfile; hash: string }>(ttl, MAX_CACHED, now);
  const unionIds = new TtlCache<string>(ttl, MAX_CACHED, now);
  const key = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;

  function remember(tenantId: string, profile: UserProfile): void {
    profiles.set(key(tenantId, profile.userid), { profile, hash: profileHash(profile) });
  }

  async function publishIfChanged(tenantId: string, profile: UserProfile): Promise<void> {
    if (profiles.last(key(tenantId, profile.userid))?.hash !== profileHash(profile)) {
      await sqldb.write(async (tx) => outbox.append(tx, tenantId, 'user.upserted', { users: [profile] }));
    }
    remember(tenantId, profile);
  }

  async function byUserid(tenantId: string, userid: string): Promise<UserProfile> {
    const cached = profiles.fresh(key(tenantId, userid));
    if (cached) return cached.profile;
    const org = await dingtalk.forTenant(await tenants.get(tenantId));
    const detail = await org.contacts.getUser(userid).catch((err: unknown) => {
      throw toApiError(err, `user ${userid}`);
    });
    const profile = toUserProfile(detail);
    await publishIfChanged(tenantId, profile);
    return profile;
  }

  async function byUnionId(tenantId: string, unionId: string): Promise<UserProfile> {
    let userid = unionIds.fresh(key(tenantId, unionId));
    if (!userid) {
      const org = await dingtalk.forTenant(await tenants.get(tenantId));
      const found = await org.contacts.getUserIdByUnionId(unionId).catch((err: unknown) => {
        throw toApiError(err, `unionId ${unionId}`);
      });
      // contact_type 1 is an external contact, not a member of the org.
      if (found.contact_type === 1) throw notFound(`unionId ${unionId} was not found in this organisation`);
      userid = found.userid;
      unionIds.set(key(tenantId, unionId), userid);
    }
    return byUserid(tenantId, userid);
  }

  return {
    byUserid,
    byUnionId,
    /** Records a profile another flow (login) already published, so a lookup right after does not repeat it. */
    remember,
  };
}

export type UsersService = ReturnType<typeof usersService>;
