import type { RequestHandler, Response } from 'express';
import { hostOf } from '../core/host';
import { locals } from '../core/http-locals';
import { resetConnection, sendApiError, sendGatewayFailure, sendIpBan, sendOapiError } from '../core/replies';
import { SimError, type SimErrorReason } from '../core/sim-error';
import type { World } from '../world';
import type { FaultRule } from './faults';

const FAULT_ERRORS: Partial<Record<FaultRule['kind'], [SimErrorReason, string]>> = {
  busy: ['system_busy', 'system busy, please retry'],
  qps: ['qps_limited', 'app exceeded its QPS limit on this api'],
  'monthly-quota': ['monthly_quota', 'monthly api call quota of this org is used up'],
};

/** Hold the request, then drop the connection without an answer. */
function holdThenDrop(res: Response, ms: number): void {
  setTimeout(() => res.socket?.destroy(), ms).unref();
}

/**
 * Per-IP bans and injected faults, in front of every DingTalk API (not the login page, not the
 * control plane). 'timeout' and 'reset' run the handler with probability 0.5 — the effect happens
 * but the answer never arrives — so "unknown outcome" handling is tested for real.
 */
export function trafficGuard(world: World): RequestHandler {
  return (req, res, next) => {
    const host = hostOf(req.path);
    if (host !== 'api' && host !== 'oapi') return next();
    const ip = req.socket.remoteAddress ?? '';
    const now = world.clock.now();
    const bannedUntil = world.ipBans.get(ip);
    if (bannedUntil !== undefined && bannedUntil > now) return sendIpBan(res, Math.ceil((bannedUntil - now) / 60_000));
    const fault = world.faults.draw(req.path);
    if (!fault) return next();
    const entry = locals(res).logEntry;
    if (entry) entry.fault = fault.kind;
    switch (fault.kind) {
      case 'invalidate-token':
        locals(res).revokeUsedToken = true;
        return next();
      case 'timeout':
        holdThenDrop(res, fault.holdMs ?? world.config.timeoutHoldMs);
        if (!world.faults.chance(0.5)) return;
        locals(res).swallow = true;
        return next();
      case 'reset':
        if (!world.faults.chance(0.5)) return resetConnection(res);
        locals(res).swallow = true;
        locals(res).resetInsteadOfAnswer = true;
        // Should the handler never answer, the connection still ends.
        holdThenDrop(res, world.config.timeoutHoldMs);
        return next();
      case '5xx':
        return sendGatewayFailure(res, host);
      case 'ip-ban':
        world.ipBans.set(ip, now + world.config.ipBanMs);
        return sendIpBan(res, Math.ceil(world.config.ipBanMs / 60_000));
      default: {
        const [reason, message] = FAULT_ERRORS[fault.kind] ?? ['system_busy', 'system busy'];
        const err = new SimError(reason, message);
        return host === 'oapi' ? sendOapiError(res, err) : sendApiError(res, err);
      }
    }
  };
}
