/** Who a token speaks for. Org principals (app / corp) are the ones that can read a directory. */
export type Principal =
  | { kind: 'app'; appKey: string; corpId: string; agentId: number }
  | { kind: 'corp'; suiteKey: string; corpId: string; agentId: number }
  | { kind: 'suite'; suiteKey: string }
  | { kind: 'user'; clientId: string; personId: string; corpId?: string };

export type OrgPrincipal = Extract<Principal, { kind: 'app' | 'corp' }>;
export type TokenKind = Principal['kind'];

/** Rate-limit and request-log key: the app, or the suite per authorising org. */
export function clientKeyOf(p: Principal): string {
  switch (p.kind) {
    case 'app':
      return p.appKey;
    case 'corp':
      return `${p.suiteKey}:${p.corpId}`;
    case 'suite':
      return p.suiteKey;
    case 'user':
      return `${p.clientId}:user`;
  }
}
