import { newToken, randomAlnum } from '../core/ids';

export interface LoginGrant {
  clientId: string;
  personId: string;
  /** Set only when the login used the `openid corpid` scope. */
  corpId?: string;
}

interface Expiring extends LoginGrant {
  expiresAtMs: number;
}

/** OAuth authCodes (single use) and user refresh tokens. */
export class OAuthStore {
  private readonly codes = new Map<string, Expiring>();
  private readonly refreshTokens = new Map<string, Expiring>();
  /** Rotation deletes a used refresh token; the control plane still lists it (log scans look for it). */
  private readonly everyRefreshToken: string[] = [];
  private readonly inAppCodes = new Map<string, { corpId: string; userid: string; expiresAtMs: number }>();
  private readonly jsapiTickets = new Map<string, { ticket: string; expiresAtMs: number }>();

  issueCode(grant: LoginGrant, nowMs: number, lifetimeMs: number): string {
    const code = randomAlnum(32);
    this.codes.set(code, { ...grant, expiresAtMs: nowMs + lifetimeMs });
    return code;
  }

  /** Redeems a code once; any presentation burns it, as a code must never work twice. */
  consumeCode(code: string, clientId: string, nowMs: number): LoginGrant | undefined {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    if (!entry || entry.clientId !== clientId || entry.expiresAtMs <= nowMs) return undefined;
    return stripExpiry(entry);
  }

  /** In-app login (免登) code: 5 minutes, single use (dingtalk-api.md §2.5). */
  issueInAppCode(corpId: string, userid: string, nowMs: number): string {
    const code = randomAlnum(32);
    this.inAppCodes.set(code, { corpId, userid, expiresAtMs: nowMs + 300_000 });
    return code;
  }

  consumeInAppCode(code: string, corpId: string, nowMs: number): string | undefined {
    const entry = this.inAppCodes.get(code);
    this.inAppCodes.delete(code);
    return entry && entry.corpId === corpId && entry.expiresAtMs > nowMs ? entry.userid : undefined;
  }

  /**
   * An org's JSAPI ticket (dingtalk-api.md §2.6): 7200 s; asking again within that time gives the
   * same ticket, as DingTalk does for its tokens. `rotate` (control plane) replaces it early.
   */
  jsapiTicket(corpId: string, nowMs: number, rotate = false): { ticket: string; expiresInS: number } {
    let entry = this.jsapiTickets.get(corpId);
    if (!entry || rotate || entry.expiresAtMs <= nowMs) {
      entry = { ticket: randomAlnum(64), expiresAtMs: nowMs + 7_200_000 };
      this.jsapiTickets.set(corpId, entry);
    }
    return { ticket: entry.ticket, expiresInS: Math.ceil((entry.expiresAtMs - nowMs) / 1000) };
  }

  /** The ticket an org's signatures must use now, if one was issued (for tests checking a signature). */
  currentJsapiTicket(corpId: string, nowMs: number): string | undefined {
    const entry = this.jsapiTickets.get(corpId);
    return entry && entry.expiresAtMs > nowMs ? entry.ticket : undefined;
  }

  issueRefreshToken(grant: LoginGrant, nowMs: number, lifetimeMs: number): string {
    const token = newToken();
    this.refreshTokens.set(token, { ...grant, expiresAtMs: nowMs + lifetimeMs });
    this.everyRefreshToken.push(token);
    return token;
  }

  issuedRefreshTokens(): string[] {
    return [...this.everyRefreshToken];
  }

  useRefreshToken(token: string, clientId: string, nowMs: number, rotate: boolean): LoginGrant | undefined {
    const entry = this.refreshTokens.get(token);
    if (!entry || entry.clientId !== clientId || entry.expiresAtMs <= nowMs) return undefined;
    if (rotate) this.refreshTokens.delete(token);
    return stripExpiry(entry);
  }
}

function stripExpiry({ expiresAtMs: _expiresAtMs, ...grant }: Expiring): LoginGrant {
  return grant;
}
