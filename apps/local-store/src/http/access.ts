// Who may call a route, declared next to it in its registry spec: `security` documents the rule
// and `before` enforces it, from the same object, so the two cannot disagree.
import type { ApiRouteSpec } from '@dtg/service-kit';
import type { SessionService } from '../features/session/session.service';
import { requireAdmin, requireSession } from '../features/session/session.middleware';

export type AccessRule = Pick<ApiRouteSpec, 'security' | 'before'>;

export interface Access {
  public: AccessRule;
  session: AccessRule;
  admin: AccessRule;
  webhook: AccessRule;
}

export const SECURITY_SCHEMES = {
  session: { type: 'apiKey', in: 'cookie', name: 'dtg_session', description: 'Set by POST /api/session.' },
  adminToken: { type: 'http', scheme: 'bearer', description: 'LOCAL_ADMIN_TOKEN' },
  webhookSignature: { type: 'apiKey', in: 'header', name: 'webhook-signature', description: 'Standard Webhooks (with webhook-id and webhook-timestamp).' },
};

export function createAccess(sessions: SessionService, adminToken: string | undefined): Access {
  return {
    public: { security: [] },
    session: { security: ['session'], before: [requireSession(sessions)] },
    // Either one is enough (OpenAPI reads a list of security requirements as alternatives).
    admin: { security: ['adminToken', 'session'], before: [requireAdmin(sessions, adminToken)] },
    // Verified inside the handler: the signature covers the raw body, which only the handler sees.
    webhook: { security: ['webhookSignature'] },
  };
}
