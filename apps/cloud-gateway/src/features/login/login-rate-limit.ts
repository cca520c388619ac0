// Signing in costs a write per request before anyone is known (an OAuthState row at the start, the
// state's conditional UPDATE at the callback), so both routes are rate-limited: per client address
// (TRUST_PROXY decides which address that is) and, at the start, per tenant — many addresses
// cannot flood one tenant either. Refusals are 429 with Retry-After, before anything is written.
import { clientAddress, rateLimit, type RateLimitSetting } from '@dtg/service-kit';
import type { RequestHandler } from 'express';
import type { RateLimiters } from '../../shared/rate-limiters';

export interface LoginRateLimits {
  perClient: RateLimitSetting;
  perTenant: RateLimitSetting;
}

export function loginRateLimit(limiters: RateLimiters, limits: LoginRateLimits): RequestHandler {
  const perClient = limiters('login-client', limits.perClient);
  const perTenant = limiters('login-tenant', limits.perTenant);
  return rateLimit([
    { limiter: perClient, key: clientAddress, scope: 'from your address' },
    { limiter: perTenant, key: (req) => (typeof req.query.tenant === 'string' ? req.query.tenant : undefined), scope: 'for this organisation' },
  ]);
}
