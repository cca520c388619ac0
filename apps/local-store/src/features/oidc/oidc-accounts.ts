// People as the provider sees them: a random `sub` per person and tenant (never the DingTalk userid,
// which an app could use to address people in DingTalk), and the claims each scope opens. A person
// who is no longer active (left the org, removed by a sync) has no account: the provider then
// refuses them sign-in, refresh and userinfo alike.
import { randomBytes } from 'node:crypto';
import type { UserProfile } from '@dtg/contracts';
import type { Database } from '../../db/database';
import type { Sql } from '../../db/sql';
import { usersRepository } from '../directory/users.repository';

/** Which claims each scope releases (oidc-provider's `claims` setting). */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'picture'],
  email: ['email'],
  phone: ['phone_number'],
  dingtalk: ['userid', 'unionid', 'corp_id', 'department_ids', 'org_admin'],
} as const;

export interface OidcAccount {
  sub: string;
  user: UserProfile;
  corpId: string | undefined;
}

/** The claims of a person; the provider keeps only those the granted scopes name. */
export function claimsOf({ sub, user, corpId }: OidcAccount): Record<string, unknown> {
  return {
    sub,
    name: user.name,
    ...(user.avatar ? { picture: user.avatar } : {}),
    ...(user.email ? { email: user.email } : {}),
    ...(user.mobile ? { phone_number: user.mobile } : {}),
    userid: user.userid,
    ...(user.unionId ? { unionid: user.unionId } : {}),
    ...(corpId ? { corp_id: corpId } : {}),
    department_ids: user.deptIds,
    org_admin: user.admin === true,
  };
}

export function createOidcAccounts(db: Database, tenantId: string) {
  const corpIdOf = async (): Promise<string | undefined> => {
    const [row] = await db.sql.query<{ corp_id: string | null }>('SELECT corp_id FROM tenant_info WHERE tenant_id = $1', [tenantId]);
    return row?.corp_id ?? undefined;
  };

  return {
    /** The person's `sub`, made on their first sign-in through the provider. */
    async subjectOf(userid: string, sql: Sql = db.sql): Promise<string> {
      await sql.query('INSERT INTO oidc_subjects (tenant_id, userid, sub) VALUES ($1, $2, $3) ON CONFLICT (tenant_id, userid) DO NOTHING', [
        tenantId,
        userid,
        randomBytes(16).toString('base64url'),
      ]);
      const [row] = await sql.query<{ sub: string }>('SELECT sub FROM oidc_subjects WHERE tenant_id = $1 AND userid = $2', [tenantId, userid]);
      if (!row) throw new Error('the subject was not stored');
      return row.sub;
    },

    /** An active person with this `sub`; undefined once they left. */
    async find(sub: string): Promise<OidcAccount | undefined> {
      const [row] = await db.sql.query<{ userid: string }>('SELECT userid FROM oidc_subjects WHERE tenant_id = $1 AND sub = $2', [tenantId, sub]);
      if (!row) return undefined;
      const user = await usersRepository.find(db.sql, tenantId, row.userid);
      if (!user?.active) return undefined;
      return { sub, user, corpId: await corpIdOf() };
    },
  };
}

export type OidcAccounts = ReturnType<typeof createOidcAccounts>;
