/** An enterprise-internal app, or one org's install of a third-party suite. */
export type AppCredentials =
  | { mode: 'internal'; appKey: string; appSecret: string; corpId?: string; agentId?: number }
  | { mode: 'isv'; suiteKey: string; suiteSecret: string; corpId: string; agentId?: number };

export interface SuiteCredentials {
  suiteKey: string;
  suiteSecret: string;
}

/** The keys of an app, suite or corp identity: the token broker stores tokens under them (a TokenStore implementation sees them) and the rate limiter keeps one bucket per key and path. */
export const tokenKeys = {
  app: (appKey: string) => `app:${appKey}`,
  suite: (suiteKey: string) => `suite:${suiteKey}`,
  corp: (suiteKey: string, corpId: string) => `corp:${suiteKey}:${corpId}`,
  /** An org's JSAPI ticket, next to the token (`tokenKey`) it is fetched with. */
  jsapi: (tokenKey: string) => `jsapi:${tokenKey}`,
};
