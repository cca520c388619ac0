// Apps that sign people in through the local store's OpenID Connect provider (relying parties),
// registered by org admins (console, store-admin CLI). A confidential client (a server-side app)
// gets a secret, shown once; a public one (a SPA, a native app) has none and must use PKCE.
import { z } from 'zod';

/** What a client may ask for; `openid` always. `dingtalk` adds userid, unionid, corp_id, department_ids and org_admin. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'phone', 'dingtalk', 'offline_access'] as const;
export const OidcScopeSchema = z.enum(OIDC_SCOPES);
export type OidcScope = z.infer<typeof OidcScopeSchema>;

// http only for loopback (development); a fragment is never allowed in a redirect URI (RFC 6749 §3.1.2).
const RedirectUriSchema = z
  .string()
  .max(2048)
  .refine((uri) => URL.canParse(uri), 'must be an absolute URL')
  .refine((uri) => !URL.canParse(uri) || !new URL(uri).hash, 'must not have a fragment')
  .refine((uri) => {
    if (!URL.canParse(uri)) return true;
    const { protocol, hostname } = new URL(uri);
    return protocol === 'https:' || (protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(hostname));
  }, 'must be https (http only for localhost or 127.0.0.1)');

const uniqueUris = (max: number) =>
  z
    .array(RedirectUriSchema)
    .max(max)
    .refine((uris) => new Set(uris).size === uris.length, 'must not repeat a URI');

export const CreateOidcClientRequestSchema = z.strictObject({
  /** Shown on the consent screen and in lists ("Expense reports"). */
  name: z.string().trim().min(1).max(100),
  redirectUris: uniqueUris(10).refine((uris) => uris.length > 0, 'must list at least one URI'),
  postLogoutRedirectUris: uniqueUris(10).default([]),
  scopes: z
    .array(OidcScopeSchema)
    .max(OIDC_SCOPES.length)
    .refine((scopes) => new Set(scopes).size === scopes.length, 'must not repeat a scope')
    .refine((scopes) => scopes.includes('openid'), 'must include openid')
    .default(['openid', 'profile']),
  /** A public client (SPA, native app): no secret, PKCE required. */
  public: z.boolean().default(false),
  /** The organisation's own app: people are not asked for consent. */
  firstParty: z.boolean().default(false),
});
export type CreateOidcClientRequest = z.infer<typeof CreateOidcClientRequestSchema>;

export const OidcClientSchema = z.object({
  clientId: z.string(),
  name: z.string(),
  public: z.boolean(),
  redirectUris: z.array(z.string()),
  postLogoutRedirectUris: z.array(z.string()),
  scopes: z.array(OidcScopeSchema),
  firstParty: z.boolean(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
});
export type OidcClient = z.infer<typeof OidcClientSchema>;

/** The answer to registering a client: the only time a confidential client's secret is shown. */
export const RegisteredOidcClientSchema = z.object({ client: OidcClientSchema, clientSecret: z.string().optional() });
export type RegisteredOidcClient = z.infer<typeof RegisteredOidcClientSchema>;

export const OidcClientListSchema = z.object({ items: z.array(OidcClientSchema) });

export const OidcClientParamsSchema = z.object({
  clientId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'is not a client id'),
});
