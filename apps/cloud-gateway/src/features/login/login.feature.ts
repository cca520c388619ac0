// Sign in with DingTalk as the composition root sees it: the service and the per-request strategies.
import type { CloudConfig } from '../../config';
import { loginStrategies } from './login-strategies';
import { loginService, type LoginDeps } from './login.service';

/** The service's deps, but its token secret and lifetime come from the config. */
export interface LoginFeatureDeps extends Omit<LoginDeps, 'userTokenSecret' | 'userTokenTtlMs'> {
  config: CloudConfig;
}

export function createLogin(deps: LoginFeatureDeps) {
  const { config, dingtalk } = deps;
  const service = loginService({ ...deps, userTokenSecret: config.USER_TOKEN_SECRET, userTokenTtlMs: config.USER_TOKEN_TTL });
  return { service, strategies: loginStrategies({ config, dingtalk, login: service }) };
}

export type LoginFeature = ReturnType<typeof createLogin>;
