// The provider as the rest of the store sees it: built on first use (its keys come from the
// database), rebuilt when the signing keys rotate. Everything it stores is in Postgres, so a
// rebuilt provider carries on with the same sessions, grants and tokens.
import type { Logger } from '@dtg/service-kit';
import type Provider from 'oidc-provider';
import type { Database } from '../../db/database';
import type { SecretBox } from '../../shared/secret-box';
import { createOidcAccounts, type OidcAccounts } from './oidc-accounts';
import { oidcPayloadsRepository } from './oidc-adapter';
import { createOidcClients, type OidcClients } from './oidc-clients';
import { CLOCK_TOLERANCE_S, createProvider, TTL } from './oidc-provider';
import { loadSigningKeys, type PrivateJwk } from './signing-keys';

const CHECK_KEYS_EVERY_MS = 3600_000;

export interface OidcSettings {
  /** LOCAL_PUBLIC_URL: the issuer. Without it there is no provider (an issuer must not depend on a request's Host). */
  issuer: string | undefined;
  trustProxy: boolean;
}

export interface OidcService {
  readonly enabled: boolean;
  readonly issuer: string;
  clients: OidcClients;
  accounts: OidcAccounts;
  provider(): Promise<Provider>;
  /** A new signing key now (the old one stays published until its id_tokens expire). */
  rotateKeys(): Promise<string[]>;
  start(): void;
  stop(): void;
}

export interface OidcDeps {
  db: Database;
  tenantId: string;
  box: SecretBox;
  secretKey: Buffer;
  settings: OidcSettings;
  logger: Logger;
  endStoreSession: (sessionId: string) => Promise<void>;
}

export function createOidcService(deps: OidcDeps): OidcService {
  const { db, logger } = deps;
  const clients = createOidcClients(db.sql, deps.tenantId);
  const accounts = createOidcAccounts(db, deps.tenantId);
  const issuer = deps.settings.issuer ?? '';
  const keyOptions = { pool: db.pool, box: deps.box, logger, retiredKeyTtlMs: (TTL.IdToken + CLOCK_TOLERANCE_S) * 1000 };
  let built: Promise<{ provider: Provider; kids: string }> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const kidsOf = (keys: PrivateJwk[]) => keys.map((key) => key.kid).join(',');
  const build = (keys: PrivateJwk[]) => ({
    provider: createProvider({
      db,
      issuer,
      keys,
      secretKey: deps.secretKey,
      clients,
      accounts,
      trustProxy: deps.settings.trustProxy,
      logger,
      endStoreSession: deps.endStoreSession,
    }),
    kids: kidsOf(keys),
  });
  const current = () => {
    built ??= loadSigningKeys(keyOptions).then(build);
    // A failed build (database down) is retried by the next request.
    built.catch(() => (built = undefined));
    return built;
  };
  const refresh = async (rotate: boolean) => {
    const keys = await loadSigningKeys(keyOptions, rotate);
    if (!built || (await built).kids !== kidsOf(keys)) built = Promise.resolve(build(keys));
    return keys.map((key) => key.kid);
  };

  return {
    enabled: deps.settings.issuer !== undefined,
    issuer,
    clients,
    accounts,
    provider: async () => (await current()).provider,
    rotateKeys: () => refresh(true),
    start() {
      if (!deps.settings.issuer || timer) return;
      // Due rotations and retired keys, plus expired tokens and interactions swept.
      timer = setInterval(() => {
        refresh(false)
          .then(() => oidcPayloadsRepository.deleteExpired(db.sql))
          .catch((error: unknown) => logger.warn('OpenID Connect key check failed', { err: error }));
      }, CHECK_KEYS_EVERY_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
