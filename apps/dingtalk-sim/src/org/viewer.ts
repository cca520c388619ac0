import type { OrgPrincipal } from '../auth/principal';
import type { World } from '../world';

/** Who is reading the directory: which org, whether an ISV, and its developer account's unionIds. */
export interface Viewer {
  corpId: string;
  isv: boolean;
  unionIdPrefix: string;
  /** ISV installs limited by the org admin: the departments readable (each scoped one and its subtree). */
  scope?: ReadonlySet<number>;
}

export function viewerOf(world: World, principal: OrgPrincipal): Viewer {
  if (principal.kind === 'app') {
    return { corpId: principal.corpId, isv: false, unionIdPrefix: world.registry.app(principal.appKey)?.unionIdPrefix ?? '' };
  }
  const viewer: Viewer = { corpId: principal.corpId, isv: true, unionIdPrefix: world.registry.suite(principal.suiteKey)?.unionIdPrefix ?? '' };
  const scoped = world.access.contactScope(principal.suiteKey, principal.corpId);
  return scoped ? { ...viewer, scope: new Set(scoped.flatMap((deptId) => world.orgs.subtree(principal.corpId, deptId))) } : viewer;
}

/** unionId is stable per developer account and differs between accounts (dingtalk-api.md §0.2). */
export function unionIdFor(viewer: { unionIdPrefix: string }, personId: string): string {
  return `${viewer.unionIdPrefix}${personId}`;
}

export function personIdFromUnionId(viewer: { unionIdPrefix: string }, unionId: string): string | undefined {
  return unionId.startsWith(viewer.unionIdPrefix) ? unionId.slice(viewer.unionIdPrefix.length) : undefined;
}
