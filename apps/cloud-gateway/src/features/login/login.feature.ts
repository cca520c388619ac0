// Sign in with DingTalk as the composition root sees it: the service and the per-request strategies.
import type { CloudConfig } from '../../config';
import type { Db, Transact } from '../../db/prisma';
import type { DingTalk } from '../dingtalk/org-clients';
import type { Outbox } from '../outbox/outbox';
import type { TenantsService } from '../tenants/tenants.service';
import type { UsersService } from '../users/users.service';
import { loginStrategies } from './login-strategies';
import { loginService } from './login.service';

export interface LoginFeatureDeps {
  config: CloudConfig;
  db: Db;
  transaction: Transact;
  outbox: Outbox;
  dingtalk: DingTalk;
  tenants: TenantsService;
  users: UsersService;
  /** Injectable clock: state and ticket expiry, token minting. */
  now?: () => number;
}

export function createLogin(deps: LoginFeatureDeps) {
  const { config, dingtalk } = deps;
  const service = loginService({ ...deps, userTokenSecret: config.USER_TOKEN_SECRET, userTokenTtlMs: config.USER_TOKEN_TTL });
  return { service, strategies: loginStrategies({ config, dingtalk, login: service }) };
}

export type LoginFeature = ReturnType<typeof createLogin>;
