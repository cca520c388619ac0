// Who may call the local store's /api: service tokens (the customer's own services), the
// LOCAL_ADMIN_TOKEN, or the console's session. Every route needs one of these scopes.
import { z } from 'zod';

export const SCOPES = ['directory:read', 'messages:send', 'messages:read', 'subscriptions:manage'] as const;
export const ScopeSchema = z.enum(SCOPES);
export type Scope = z.infer<typeof ScopeSchema>;

/** Tokens never last longer than this (a token that must outlive it is re-issued). */
const MAX_TOKEN_LIFETIME_MS = 5 * 365 * 24 * 3_600_000;

export const CreateServiceTokenRequestSchema = z.strictObject({
  /** What the token is for, shown in lists ("billing backend"). */
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(ScopeSchema)
    .min(1)
    .max(SCOPES.length)
    .refine((scopes) => new Set(scopes).size === scopes.length, 'must not repeat a scope'),
  /** When the token stops working; omit for a token that lasts until revoked. */
  expiresAt: z.iso
    .datetime({ offset: true })
    .refine((at) => Date.parse(at) > Date.now(), 'must be in the future')
    .refine((at) => Date.parse(at) <= Date.now() + MAX_TOKEN_LIFETIME_MS, 'must be at most 5 years ahead')
    .optional(),
});
export type CreateServiceTokenRequest = z.infer<typeof CreateServiceTokenRequestSchema>;

export const ServiceTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The secret's first characters, to tell tokens apart. */
  prefix: z.string(),
  scopes: z.array(ScopeSchema),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  /** Recorded at most once a minute. */
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type ServiceToken = z.infer<typeof ServiceTokenSchema>;

/** The answer to issuing a token: the only time the secret is shown. */
export const IssuedServiceTokenSchema = z.object({ token: ServiceTokenSchema, secret: z.string() });
export type IssuedServiceToken = z.infer<typeof IssuedServiceTokenSchema>;

export const ServiceTokenListSchema = z.object({ items: z.array(ServiceTokenSchema) });
export type ServiceTokenList = z.infer<typeof ServiceTokenListSchema>;

export const ServiceTokenParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'is not a token id'),
});
