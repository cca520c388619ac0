// Who may do what. API keys carry the scopes chosen when they were issued. User tokens carry the
// person's role, read from DingTalk at login (org admin or member), and get that role's scopes.
// Above scopes sit rights only org admins (and API keys) hold: managing everyone's messages and
// sending beyond the tenant's member policy. A refusal names what is missing (missing_permission).
import { z } from 'zod';
import { missingPermission, type AppError } from '@dtg/service-kit';

export const SCOPES = ['messages:send', 'messages:read', 'directory:read', 'directory:sync', 'events:read'] as const;
export const ScopeSchema = z.enum(SCOPES);
export type Scope = z.infer<typeof ScopeSchema>;

export const RoleSchema = z.enum(['admin', 'member']);
export type Role = z.infer<typeof RoleSchema>;

/** Browsers never pull events: those scopes stay with the tenant's servers (API keys). */
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  admin: ['messages:send', 'messages:read', 'directory:read', 'directory:sync'],
  member: ['messages:send', 'messages:read', 'directory:read'],
};

export type Principal =
  | { kind: 'api_key'; tenantId: string; keyId: string; scopes: readonly Scope[] }
  | { kind: 'user'; tenantId: string; userid: string; role: Role; scopes: readonly Scope[] };

/** Space-separated, as stored on ApiKey.scopes (the OAuth way of writing a scope list). */
export function parseScopes(stored: string): Scope[] {
  return stored.split(' ').filter((s): s is Scope => ScopeSchema.safeParse(s).success);
}

export function scopeRefusal(principal: Principal, scope: Scope): AppError | undefined {
  if (principal.scopes.includes(scope)) return undefined;
  const who = principal.kind === 'api_key' ? 'This API key was not issued' : `A user token of an org ${principal.role} does not carry`;
  return missingPermission(scope, `${who} the ${scope} scope`);
}

/** API keys and org admins act on every message of the tenant; members only on their own. */
export function manageRefusal(principal: Principal, createdBy: string | null): AppError | undefined {
  if (principal.kind === 'api_key' || principal.role === 'admin' || createdBy === principal.userid) return undefined;
  return missingPermission('messages:manage', 'Members may read and recall only the messages they sent; this one was sent by someone else');
}
