import type { OrgPrincipal } from '../auth/principal';

/**
 * What a real first deployment trips over, all open for the demo and switched on through `/_sim/access`:
 * - permissions an app (AppKey) or a suite (SuiteKey) has not been granted in the developer console;
 * - the app's server IP allow-list (empty: every address, as for a new app);
 * - an ISV install's contact visibility (通讯录权限范围): the departments the org admin let the suite see.
 */
export class AccessPolicy {
  private readonly denied = new Map<string, Set<string>>();
  private readonly allowlists = new Map<string, string[]>();
  private readonly contactScopes = new Map<string, number[]>();

  /** The AppKey of an internal app, the SuiteKey of an ISV install: where permissions are granted. */
  static appIdOf(principal: OrgPrincipal): string {
    return principal.kind === 'app' ? principal.appKey : principal.suiteKey;
  }

  setDenied(appId: string, permissions: string[]): void {
    if (permissions.length === 0) this.denied.delete(appId);
    else this.denied.set(appId, new Set(permissions));
  }

  isDenied(appId: string, permission: string): boolean {
    return this.denied.get(appId)?.has(permission) ?? false;
  }

  setIpAllowlist(appId: string, ips: string[] | null): void {
    if (ips === null || ips.length === 0) this.allowlists.delete(appId);
    else this.allowlists.set(appId, ips);
  }

  /** Whether a caller at `ip` may use the app's token (an empty list lets everyone). */
  ipAllowed(appId: string, ip: string): boolean {
    const list = this.allowlists.get(appId);
    return list === undefined || list.includes(ip.replace(/^::ffff:/, ''));
  }

  setContactScope(suiteKey: string, corpId: string, deptIds: number[] | null): void {
    if (deptIds === null) this.contactScopes.delete(`${suiteKey}:${corpId}`);
    else this.contactScopes.set(`${suiteKey}:${corpId}`, deptIds);
  }

  /** The departments (each with its subtree) an ISV install may read; undefined = the whole org. */
  contactScope(suiteKey: string, corpId: string): number[] | undefined {
    return this.contactScopes.get(`${suiteKey}:${corpId}`);
  }

  describe(): { app: string; deniedPermissions: string[]; ipAllowlist: string[] }[] {
    const apps = new Set([...this.denied.keys(), ...this.allowlists.keys()]);
    return [...apps].sort().map((app) => ({ app, deniedPermissions: [...(this.denied.get(app) ?? [])].sort(), ipAllowlist: this.allowlists.get(app) ?? [] }));
  }

  listContactScopes(): { suiteKey: string; corpId: string; deptIds: number[] }[] {
    return [...this.contactScopes.entries()].map(([key, deptIds]) => {
      const [suiteKey = '', corpId = ''] = key.split(':');
      return { suiteKey, corpId, deptIds };
    });
  }
}
