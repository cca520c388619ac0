// Sign in with DingTalk, the business half: which tenant and returnTo may start a login, and what a
// successful DingTalk identity becomes — an org member (membership enforced with the tenant's own
// app/corp token), a one-time ticket, a cloud user token and the events, all in one transaction.
import type { LoginTicket, UserProfile } from '@dtg/contracts';
import { isDingTalkNotFound, type ClientSecretPair, type UserProfile as DingTalkMe } from '@dtg/dingtalk-client';
import { AppError, sealWithTicket } from '@dtg/service-kit';
import type { SqlDatabase } from '../../db/prisma';
import { mintUserToken } from '../auth/user-tokens';
import type { DingTalk } from '../dingtalk/org-clients';
import type { Outbox } from '../outbox/outbox';
import type { TenantsService } from '../tenants/tenants.service';
import { toUserProfile } from '../dingtalk/user-profile.mapper';
import type { UsersService } from '../users/users.service';
import { loginTicketsRepository } from './login-tickets.repository';
import { oauthStates } from './oauth-states.repository';
import { newSecret, secretKey } from './secure-token';

export const TICKET_TTL_MS = 60_000;

/** A login that cannot go on for a reason the user should see (sent to returnTo as `error=<code>`). */
export class LoginRefusedError extends Error {
  constructor(
    readonly code: 'not_in_org' | 'tenant_suspended',
    message: string,
  ) {
    super(message);
    this.name = 'LoginRefusedError';
  }
}

export interface LoginStart {
  tenantId: string;
  returnTo: string;
  /** SHA-256 of the nonce cookie set in the browser that starts the login. */
  nonceHash: string;
  /** The local store's browser binding, passed on in the ticket's data. */
  binding?: string;
  /** The tenant's OAuth client: its AppKey (a suite's SuiteKey) and secret. */
  client: ClientSecretPair;
  scope: 'openid' | 'openid corpid';
  corpId?: string;
}

export interface LoginDeps {
  sqldb: SqlDatabase;
  outbox: Outbox;
  dingtalk: DingTalk;
  tenants: TenantsService;
  users: UsersService;
  userTokenSecret: string;
  userTokenTtlMs: number;
  /** Injectable clock: state and ticket expiry, token minting. */
  now?: () => number;
}

export function loginService(deps: LoginDeps) {
  const { sqldb, outbox, dingtalk, tenants, users } = deps;
  const now = deps.now ?? Date.now;
  const states = oauthStates(sqldb, now);

  async function memberOf(tenantId: string, me: DingTalkMe): Promise<UserProfile> {
    const tenant = await tenants.get(tenantId);
    if (tenant.status !== 'active') throw new LoginRefusedError('tenant_suspended', `tenant ${tenantId} is suspended`);
    const org = await dingtalk.forTenant(tenant);
    const notInOrg = () => new LoginRefusedError('not_in_org', `unionId ${me.unionId} is not a member of ${tenant.corpId}`);
    const found = await org.contacts.getUserIdByUnionId(me.unionId).catch((err: unknown) => {
      throw isDingTalkNotFound(err) ? notInOrg() : err;
    });
    // contact_type 1 = an external contact of the org, not a member.
    if (found.contact_type === 1) throw notInOrg();
    return toUserProfile(await org.contacts.getUser(found.userid));
  }

  return {
    states,

    /** Checks that a login may start for this tenant and returnTo (exact match on the allowlist). */
    async start(tenantId: string, returnTo: string, browser: { nonceHash: string; binding?: string }): Promise<LoginStart> {
      const tenant = await tenants.get(tenantId).catch((err: unknown) => {
        throw err instanceof AppError && err.code === 'not_found' ? new AppError('bad_request', `unknown tenant "${tenantId}"`) : err;
      });
      if (tenant.status !== 'active') throw new AppError('forbidden', 'this tenant is suspended');
      if (!tenant.returnUrls.includes(returnTo)) {
        throw new AppError('bad_request', 'returnTo is not one of the tenant’s registered return URLs', {
          fields: [{ path: 'query.returnTo', message: 'must exactly match a URL registered for the tenant' }],
        });
      }
      const client = await dingtalk.oauthClient(tenant);
      const isv = tenant.mode === 'isv';
      return { tenantId, returnTo, ...browser, client, scope: isv ? 'openid corpid' : 'openid', ...(isv ? { corpId: tenant.corpId } : {}) };
    },

    /**
     * The OAuth client of the tenant a callback's state was issued for, read without spending the
     * state (the strategy spends it). Undefined for a state we never issued, or whose tenant is gone.
     */
    async callbackClient(state: string): Promise<ClientSecretPair | undefined> {
      const tenantId = await states.tenantOf(state);
      if (tenantId === undefined) return undefined;
      const tenant = await tenants.get(tenantId).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'not_found') return undefined;
        throw err;
      });
      return tenant && dingtalk.oauthClient(tenant);
    },

    /** The DingTalk identity is an org member: issue the ticket, the cloud token and the events. */
    async signIn(tenantId: string, me: DingTalkMe, binding?: string): Promise<{ ticket: string }> {
      const user = await memberOf(tenantId, me);
      const at = now();
      const ticket = newSecret();
      const expiresAt = new Date(at + TICKET_TTL_MS);
      // The role is DingTalk's org-admin flag as of this login; the token's scopes follow from it.
      const role = user.admin === true ? 'admin' : 'member';
      const cloud = mintUserToken(deps.userTokenSecret, { tenantId, userid: user.userid, role }, deps.userTokenTtlMs, at);
      // The event is kept in the outbox and pushed: it names the ticket by hash and carries the token
      // sealed with the ticket, so only the browser that holds the ticket gets a usable token.
      const login = {
        ticketHash: secretKey(ticket),
        ttlMs: TICKET_TTL_MS,
        ...(binding ? { binding } : {}),
        cloudTokenId: cloud.tokenId,
        sealedCloudToken: sealWithTicket(ticket, cloud.token),
        cloudTokenExpiresAt: cloud.expiresAt.toISOString(),
      };
      const { corpId } = await tenants.get(tenantId);
      const data = { user, login, corpId };
      await sqldb.write(async (tx) => {
        const event = await outbox.append(tx, tenantId, 'user.authenticated', data);
        if (!event) throw new Error('user.authenticated was not appended');
        await outbox.append(tx, tenantId, 'user.upserted', { users: [user] });
        await loginTicketsRepository.create(tx, { secret: ticket, tenantId, userid: user.userid, eventId: event.id, expiresAt }, at);
      });
      users.remember(tenantId, user);
      return { ticket };
    },

    findTicket(tenantId: string, ticket: string): Promise<LoginTicket | null> {
      return sqldb.read((sql) => loginTicketsRepository.find(sql, tenantId, ticket, now()));
    },
  };
}

export type LoginService = ReturnType<typeof loginService>;
