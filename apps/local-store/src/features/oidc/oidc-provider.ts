// The store's OpenID Connect provider: panva's oidc-provider (certified), configured here and
// stored in Postgres. Issuer = LOCAL_PUBLIC_URL, so discovery is the store's own
// /.well-known/openid-configuration; every other endpoint lives under /oidc. The sign-in step
// (interactions) is the store's DingTalk login: oidc-interactions.routes.ts.
import { createHash, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Logger } from '@dtg/service-kit';
import Provider, {
  interactionPolicy as oidcInteractionPolicy,
  type Adapter,
  type AdapterPayload,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { Database } from '../../db/database';
import { SESSION_COOKIE } from '../session/session.middleware';
import { claimsOf, SCOPE_CLAIMS, type OidcAccounts } from './oidc-accounts';
import { PostgresAdapter } from './oidc-adapter';
import { LOCALE_COOKIE, pageLocale, refusedPage, securePage, signedOutPage, signOutPage } from './oidc-pages';
import type { OidcClients } from './oidc-clients';
import { SIGNING_ALG, type PrivateJwk } from './signing-keys';

/** The language of the provider's own pages: the console's choice (its cookie, unsigned, on this origin) or Accept-Language. */
const originOf = (uri: unknown): string[] => (typeof uri === 'string' && URL.canParse(uri) ? [new URL(uri).origin] : []);
const koaLocale = (ctx: KoaContextWithOIDC) => pageLocale(ctx.cookies.get(LOCALE_COOKIE, { signed: false }), ctx.get('accept-language'));

export const OIDC_PREFIX = '/oidc';

/** Lifetimes, in seconds. */
export const TTL = {
  AccessToken: 10 * 60,
  AuthorizationCode: 5 * 60,
  IdToken: 60 * 60,
  Interaction: 10 * 60,
  RefreshToken: 14 * 24 * 3600,
  Session: 14 * 24 * 3600,
  Grant: 14 * 24 * 3600,
};
export const CLOCK_TOLERANCE_S = 15;

export interface ProviderDeps {
  db: Database;
  issuer: string;
  keys: PrivateJwk[];
  /** Signs the provider's cookies; derived from the store's encryption key. */
  secretKey: Buffer;
  clients: OidcClients;
  accounts: OidcAccounts;
  trustProxy: boolean;
  logger: Logger;
  /** Ends the store session of the browser that signs out at the provider. */
  endStoreSession: (sessionId: string) => Promise<void>;
}

/** Client metadata as oidc-provider reads it, from the admin-managed oidc_clients table. */
function clientAdapter(clients: OidcClients): Adapter {
  const readOnly = async () => {
    throw new Error('clients are managed through /api/oidc/clients, not by the provider');
  };
  return {
    async find(id: string): Promise<AdapterPayload | undefined> {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
      const client = await clients.find(id);
      if (!client) return undefined;
      return {
        client_id: client.clientId,
        client_name: client.name,
        // The hash: compareClientSecret (below) hashes what the client presents.
        ...(client.secretHash ? { client_secret: client.secretHash } : {}),
        token_endpoint_auth_method: client.secretHash ? 'client_secret_basic' : 'none',
        redirect_uris: client.redirectUris,
        post_logout_redirect_uris: client.postLogoutRedirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: client.scopes.join(' '),
        first_party: client.firstParty,
      };
    },
    upsert: readOnly,
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    consume: readOnly,
    destroy: readOnly,
    revokeByGrantId: readOnly,
  };
}

/**
 * oidc-provider's prompts, plus one login check: a provider session whose person has left (their
 * account is gone) signs in again — and is refused there — instead of going on without an account.
 */
function interactionPolicy() {
  const policy = oidcInteractionPolicy.base();
  const login = policy.get('login');
  if (!login) throw new Error('oidc-provider has no login prompt');
  login.checks.add(
    new oidcInteractionPolicy.Check('account_gone', 'the signed-in person is no longer active', (ctx) =>
      ctx.oidc.session?.accountId && !ctx.oidc.account ? oidcInteractionPolicy.Check.REQUEST_PROMPT : oidcInteractionPolicy.Check.NO_NEED_TO_PROMPT,
    ),
    0,
  );
  return policy;
}

export function isFirstParty(client: { metadata(): Record<string, unknown> } | undefined): boolean {
  return client?.metadata()['first_party'] === true;
}

export function createProvider(deps: ProviderDeps): Provider {
  const { db, clients, accounts } = deps;
  const clientStore = clientAdapter(clients);
  const cookieKey = Buffer.from(hkdfSync('sha256', deps.secretKey, Buffer.alloc(0), 'dtg oidc cookie keys v1', 32)).toString('base64url');
  const configuration: Configuration = {
    adapter: (name: string) => (name === 'Client' ? clientStore : new PostgresAdapter(db.sql, name)),
    async findAccount(_ctx, sub) {
      const account = await accounts.find(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: () => ({ ...claimsOf(account), sub }) };
    },
    claims: Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([scope, claims]) => [scope, [...claims]])),
    scopes: ['openid', 'offline_access', 'profile', 'email', 'phone', 'dingtalk'],
    // The profile in the id_token too: most apps read the name from it and never call userinfo.
    conformIdTokenClaims: false,
    jwks: { keys: deps.keys as never },
    enabledJWA: { idTokenSigningAlgValues: [SIGNING_ALG], userinfoSigningAlgValues: [SIGNING_ALG] },
    extraClientMetadata: { properties: ['first_party'] },
    // Code flow only (no implicit or hybrid: tokens never travel in a URL).
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    cookies: {
      keys: [cookieKey],
      names: { session: 'dtg_oidc_session', interaction: 'dtg_oidc_interaction', resume: 'dtg_oidc_resume' },
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          // The confirmation's answer redirects to the app's post-logout URI (validated by the provider): a form target.
          await securePage(ctx.req, ctx.res, originOf(ctx.oidc.params?.['post_logout_redirect_uri']));
          ctx.type = 'html';
          ctx.body = signOutPage(koaLocale(ctx), form);
        },
        postLogoutSuccessSource: async (ctx) => {
          await securePage(ctx.req, ctx.res);
          ctx.type = 'html';
          ctx.body = signedOutPage(koaLocale(ctx));
        },
      },
      userinfo: { enabled: true },
    },
    interactions: { url: (_ctx, interaction) => `${OIDC_PREFIX}/interaction/${interaction.uid}`, policy: interactionPolicy() },
    routes: {
      authorization: `${OIDC_PREFIX}/auth`,
      token: `${OIDC_PREFIX}/token`,
      jwks: `${OIDC_PREFIX}/jwks`,
      userinfo: `${OIDC_PREFIX}/me`,
      end_session: `${OIDC_PREFIX}/session/end`,
      revocation: `${OIDC_PREFIX}/token/revocation`,
      introspection: `${OIDC_PREFIX}/token/introspection`,
      pushed_authorization_request: `${OIDC_PREFIX}/request`,
      code_verification: `${OIDC_PREFIX}/device`,
      device_authorization: `${OIDC_PREFIX}/device/auth`,
      backchannel_authentication: `${OIDC_PREFIX}/backchannel`,
      registration: `${OIDC_PREFIX}/reg`,
      challenge: `${OIDC_PREFIX}/challenge`,
    },
    ttl: { ...TTL },
    clockTolerance: CLOCK_TOLERANCE_S,
    // Every client may refresh; without offline_access the refresh token ends with the sign-in session.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // First-party clients are granted what they ask for (within their registered scopes): no consent screen.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? (oidc.client ? oidc.session?.grantIdFor(oidc.client.clientId) : undefined);
      if (grantId) return oidc.provider.Grant.find(grantId);
      if (!isFirstParty(oidc.client) || !oidc.session?.accountId || !oidc.client) return undefined;
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope([...(oidc.requestParamScopes ?? [])].join(' '));
      await grant.save();
      oidc.session.grantIdFor(oidc.client.clientId, grant.jti);
      return grant;
    },
    // A SPA may call the token and userinfo endpoints from the origins of its redirect URIs only.
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
    renderError: async (ctx, out) => {
      await securePage(ctx.req, ctx.res);
      ctx.type = 'html';
      ctx.body = refusedPage(koaLocale(ctx), String(out.error), String(out.error_description ?? ''));
    },
  };
  const provider = new Provider(deps.issuer, configuration);
  provider.proxy = deps.trustProxy;
  // Secrets are stored as SHA-256 (oidc-clients.ts): compare hashes, in constant time.
  provider.Client.prototype.compareClientSecret = function compareHashed(this: { clientSecret?: string }, actual: string) {
    const expected = Buffer.from(this.clientSecret ?? '', 'hex');
    const given = createHash('sha256').update(actual, 'utf8').digest();
    return Promise.resolve(expected.length === given.length && timingSafeEqual(expected, given));
  };
  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
    const sessionId = ctx.cookies.get(SESSION_COOKIE);
    if (!sessionId) return;
    ctx.cookies.set(SESSION_COOKIE, null, { path: '/' });
    deps.endStoreSession(sessionId).catch((error: unknown) => deps.logger.warn('the store session could not be ended at sign-out', { err: error }));
  });
  provider.on('server_error', (_ctx, error) => deps.logger.error('OpenID Connect provider error', { err: error }));
  return provider;
}
