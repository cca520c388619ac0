import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors/app-error';
import type { RateLimiter } from './rate-limiter';

export interface RateLimitRule {
  limiter: RateLimiter;
  /** The key this request counts against (`undefined`: this rule does not apply to it). */
  key: (req: Request) => string | undefined;
  /** For the refusal: "from your address", "for this tenant". */
  scope: string;
}

/** The client's address as Express sees it: the socket's, or the one a trusted proxy forwarded (TRUST_PROXY). */
export const clientAddress = (req: Request): string | undefined => req.ip ?? req.socket.remoteAddress;

/**
 * Counts the request against every rule in order and refuses the first one over budget: 429
 * problem+json with Retry-After (whole seconds, at least 1). Nothing after it runs, so a refused
 * request writes nothing and calls nobody.
 */
export function rateLimit(rules: RateLimitRule[]): RequestHandler {
  return async (req, _res, next) => {
    try {
      for (const rule of rules) {
        const key = rule.key(req);
        if (key === undefined) continue;
        const decision = await rule.limiter.consume(key);
        if (!decision.allowed) {
          const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
          throw new AppError('rate_limited', `Too many requests ${rule.scope}; retry in ${seconds} s.`, { headers: { 'Retry-After': String(seconds) } });
        }
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}
