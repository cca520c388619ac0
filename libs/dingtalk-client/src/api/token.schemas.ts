import { z } from 'zod';

/** Every token endpoint, old or new, is normalised to this shape. `expireIn` is in seconds. */
export const AccessTokenSchema = z.object({ accessToken: z.string().min(1), expireIn: z.number().int().positive() });
export type AccessToken = z.infer<typeof AccessTokenSchema>;

export const LegacyAccessTokenSchema = z
  .object({ access_token: z.string().min(1), expires_in: z.number().int().positive() })
  .transform((t): AccessToken => ({ accessToken: t.access_token, expireIn: t.expires_in }));

export const LegacySuiteTokenSchema = z
  .object({ suite_access_token: z.string().min(1), expires_in: z.number().int().positive() })
  .transform((t): AccessToken => ({ accessToken: t.suite_access_token, expireIn: t.expires_in }));

export const UserAccessTokenSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** Seconds. */
  expireIn: z.number().int().positive(),
  /** Only meaningful when the login used scope `openid corpid`. */
  corpId: z.string().optional(),
});
export type UserAccessToken = z.infer<typeof UserAccessTokenSchema>;
