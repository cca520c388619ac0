import { newToken } from '../core/ids';
import type { Principal } from './principal';

export interface TokenRecord {
  token: string;
  principal: Principal;
  expiresAtMs: number;
  revoked: boolean;
}

export type TokenLookup = { status: 'ok'; record: TokenRecord } | { status: 'expired' } | { status: 'unknown' };

/** Access tokens of every kind, with expiry measured on the sim clock. */
export class TokenStore {
  private readonly byToken = new Map<string, TokenRecord>();
  private readonly appTokenByKey = new Map<string, string>();

  /**
   * Internal-app tokens: while valid, re-fetching returns THE SAME token with its expiry extended
   * (dingtalk-api.md §1.3); after expiry a new one.
   */
  issueReusable(principal: Extract<Principal, { kind: 'app' }>, nowMs: number, lifetimeMs: number): TokenRecord {
    const existing = this.byToken.get(this.appTokenByKey.get(principal.appKey) ?? '');
    if (existing && !existing.revoked && existing.expiresAtMs > nowMs) {
      existing.expiresAtMs = nowMs + lifetimeMs;
      return existing;
    }
    const record = this.issue(principal, nowMs, lifetimeMs);
    this.appTokenByKey.set(principal.appKey, record.token);
    return record;
  }

  /** A fresh token per call; earlier ones stay valid until their own expiry. */
  issue(principal: Principal, nowMs: number, lifetimeMs: number): TokenRecord {
    const record: TokenRecord = { token: newToken(), principal, expiresAtMs: nowMs + lifetimeMs, revoked: false };
    this.byToken.set(record.token, record);
    return record;
  }

  lookup(token: string, nowMs: number): TokenLookup {
    const record = this.byToken.get(token);
    if (!record || record.revoked) return { status: 'unknown' };
    if (record.expiresAtMs <= nowMs) return { status: 'expired' };
    return { status: 'ok', record };
  }

  /** Every token issued since the last reset, revoked and expired ones included. */
  all(): TokenRecord[] {
    return [...this.byToken.values()];
  }

  revoke(token: string): boolean {
    const record = this.byToken.get(token);
    if (!record) return false;
    record.revoked = true;
    return true;
  }

  /** Revokes every token matching the predicate (e.g. all corp tokens of an uninstalled org). */
  revokeWhere(predicate: (p: Principal) => boolean): number {
    let count = 0;
    for (const record of this.byToken.values()) {
      if (!record.revoked && predicate(record.principal)) {
        record.revoked = true;
        count++;
      }
    }
    return count;
  }
}
