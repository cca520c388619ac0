import type { World } from '../world';

/** An app that users can log in to: an internal app (AppKey) or an ISV suite (SuiteKey). */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  name: string;
  isv: boolean;
  unionIdPrefix: string;
  redirectUriPatterns: string[];
}

export function findOAuthClient(world: World, clientId: string): OAuthClient | undefined {
  const app = world.registry.app(clientId);
  if (app) {
    return {
      clientId,
      clientSecret: app.appSecret,
      name: app.appName,
      isv: false,
      unionIdPrefix: app.unionIdPrefix,
      redirectUriPatterns: app.redirectUriPatterns,
    };
  }
  const suite = world.registry.suite(clientId);
  if (suite) {
    return {
      clientId,
      clientSecret: suite.suiteSecret,
      name: suite.appName,
      isv: true,
      unionIdPrefix: suite.unionIdPrefix,
      redirectUriPatterns: suite.redirectUriPatterns,
    };
  }
  return undefined;
}

/**
 * Whether redirect_uri is registered. Patterns are URL prefixes where `*` stands for any port,
 * e.g. `http://localhost:*`. Userinfo in the URL is refused so `http://localhost:1@evil` can't pass.
 */
export function redirectAllowed(client: OAuthClient, redirectUri: string): boolean {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '' || !['http:', 'https:'].includes(url.protocol)) return false;
  const normalized = `${url.protocol}//${url.host}${url.pathname}`;
  return client.redirectUriPatterns.some((pattern) => patternRegex(pattern).test(normalized));
}

function patternRegex(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('\\d+')}(?:/.*)?$`);
}
