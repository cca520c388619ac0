import type { Principal } from '../auth/principal';
import { SimError } from '../core/sim-error';
import type { World } from '../world';
import { AccessPolicy } from './access-policy';
import { permissionFor } from './api-permissions';

// DingTalk's own wording (the console link is where an admin applies for the permission).
const APPLY_URL = 'https://open.dingtalk.com/document/orgapp-server/add-api-permission';

/**
 * Runs after the token is known and before the API does anything: the caller's IP against the
 * app's allow-list, then the permission the API needs against what the app was granted.
 */
export function checkAccess(world: World, principal: Principal | undefined, apiPath: string, remoteAddress: string): void {
  if (principal?.kind !== 'app' && principal?.kind !== 'corp') return;
  const appId = AccessPolicy.appIdOf(principal);
  if (!world.access.ipAllowed(appId, remoteAddress)) {
    throw new SimError(
      'ip_not_allowed',
      `访问ip不在白名单之中，请参考FAQ：https://open.dingtalk.com/document/faq/ip-whitelist, request ip=${remoteAddress.replace(/^::ffff:/, '')}`,
    );
  }
  const permission = permissionFor(apiPath);
  if (permission !== undefined && world.access.isDenied(appId, permission)) {
    throw new SimError('permission_denied', `没有调用该接口的权限，接口权限申请参考：${APPLY_URL}, requiredScopes:[${permission}]`, {
      requiredScopes: [permission],
    });
  }
}
