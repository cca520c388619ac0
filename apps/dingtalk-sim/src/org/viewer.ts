import type { OrgPrincipal } from '../auth/principal';
import type { World } from '../world';

/** Who is reading the directory: which org, whether an ISV, and its developer account's unionIds. */
export interface Viewer {
  corpId: string;
  isv: boolean;
  unionIdPrefix: string;
}

export function viewerOf(world: World, principal: OrgPrincipal): Viewer {
  if (principal.kind === 'app') {
    return { corpId: principal.corpId, isv: false, unionIdPrefix: world.registry.app(principal.appKey)?.unionIdPrefix ?? '' };
  }
  return { corpId: principal.corpId, isv: true, unionIdPrefix: world.registry.suite(principal.suiteKey)?.unionIdPrefix ?? '' };
}

/** unionId is stable per developer account and differs between accounts (dingtalk-api.md §0.2). */
export function unionIdFor(viewer: { unionIdPrefix: string }, personId: string): string {
  return `${viewer.unionIdPrefix}${personId}`;
}

export function personIdFromUnionId(viewer: { unionIdPrefix: string }, unionId: string): string | undefined {
  return unionId.startsWith(viewer.unionIdPrefix) ? unionId.slice(viewer.unionIdPrefix.length) : undefined;
}
