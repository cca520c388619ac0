// Operator accounts and their console sessions. A session is a random token in an httpOnly,
// SameSite=Strict cookie; the database keeps only its SHA-256, so a copy of the database signs no
// one in. Each session carries its own CSRF token, which the page sends back on every change.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError, conflict, notFound, sha256Hex, unauthorized } from '@dtg/service-kit';
import type { Db } from '../../db/prisma';
import { newId } from '../../shared/ids';
import type { SecretBox } from '../../shared/secret-box';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords';
import { newTotpSecret, totpMatches, totpUri } from './totp';

export const OperatorRoleSchema = z.enum(['viewer', 'admin']);
export type OperatorRole = z.infer<typeof OperatorRoleSchema>;

export const CreateOperatorSchema = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9._@-]{1,63}$/i, 'letters, digits and . _ @ -, 2 to 64 characters'),
  password: z.string().min(12, 'at least 12 characters').max(200),
  role: OperatorRoleSchema,
});

export const SignInSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(200),
  /** the authenticator app's 6 digits, for an account with two-step sign-in on */
  totp: z
    .string()
    .regex(/^\d{6}$/, '6 digits')
    .optional(),
});

export const OperatorViewSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: OperatorRoleSchema,
  totp: z.boolean(),
  createdAt: z.date(),
  disabledAt: z.date().nullable(),
});
export type OperatorView = z.infer<typeof OperatorViewSchema>;

export interface OperatorSession {
  operatorId: string;
  username: string;
  role: OperatorRole;
  csrfToken: string;
}

/** How long a console sign-in lasts (no sliding renewal: operators sign in again after a working day). */
export const SESSION_TTL_MS = 12 * 3600_000;

const view = (row: { id: string; username: string; role: string; totpSecretEnc: string | null; createdAt: Date; disabledAt: Date | null }): OperatorView => ({
  id: row.id,
  username: row.username,
  role: OperatorRoleSchema.parse(row.role),
  totp: row.totpSecretEnc !== null,
  createdAt: row.createdAt,
  disabledAt: row.disabledAt,
});

export function operatorsService(deps: { db: Db; secrets: SecretBox; now?: () => number }) {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  return {
    async create(input: z.input<typeof CreateOperatorSchema>): Promise<OperatorView> {
      const parsed = CreateOperatorSchema.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AppError('validation_failed', `${issue?.path.join('.') ?? 'input'}: ${issue?.message ?? 'invalid'}`);
      }
      const { username, password, role } = parsed.data;
      if (await db.operator.findUnique({ where: { username } })) throw conflict(`operator ${username} exists`);
      return view(await db.operator.create({ data: { id: newId('op'), username, role, passwordHash: await hashPassword(password) } }));
    },

    async list(): Promise<OperatorView[]> {
      return (await db.operator.findMany({ orderBy: { username: 'asc' } })).map(view);
    },

    /** Disables an account and ends its sessions. */
    async disable(username: string): Promise<OperatorView> {
      const row = await db.operator.findUnique({ where: { username } });
      if (!row) throw notFound(`operator ${username} not found`);
      const [updated] = await db.$transaction([
        db.operator.update({ where: { id: row.id }, data: { disabledAt: new Date(now()) } }),
        db.operatorSession.deleteMany({ where: { operatorId: row.id } }),
      ]);
      return view(updated);
    },

    /** Two-step sign-in: a new TOTP secret, shown once as an otpauth:// URI for the authenticator app. */
    async enableTotp(username: string): Promise<{ username: string; otpauthUri: string; secret: string }> {
      const row = await db.operator.findUnique({ where: { username } });
      if (!row) throw notFound(`operator ${username} not found`);
      const secret = newTotpSecret();
      await db.operator.update({ where: { id: row.id }, data: { totpSecretEnc: deps.secrets.seal(secret, 'Operator.totpSecretEnc', row.id) } });
      return { username, otpauthUri: totpUri(secret, username), secret };
    },

    async disableTotp(username: string): Promise<OperatorView> {
      const row = await db.operator.findUnique({ where: { username } });
      if (!row) throw notFound(`operator ${username} not found`);
      return view(await db.operator.update({ where: { id: row.id }, data: { totpSecretEnc: null } }));
    },

    /** A new session for the right username, password (and TOTP code when on); the same refusal for any wrong one. */
    async signIn(username: string, password: string, totp?: string): Promise<{ token: string; expiresAt: Date; session: OperatorSession }> {
      const row = await db.operator.findUnique({ where: { username } });
      const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
      if (!row || !ok || row.disabledAt) throw unauthorized('wrong username or password');
      if (row.totpSecretEnc) {
        if (!totp) throw unauthorized('this account signs in with a TOTP code as well: give the 6 digits of the authenticator app');
        if (!totpMatches(deps.secrets.open(row.totpSecretEnc, 'Operator.totpSecretEnc', row.id), totp, now())) throw unauthorized('wrong TOTP code');
      }
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      const expiresAt = new Date(now() + SESSION_TTL_MS);
      await db.operatorSession.create({ data: { id: sha256Hex(token), operatorId: row.id, csrfToken, expiresAt } });
      // Expired sessions of anyone go with each sign-in: the table stays as small as the operators' team.
      await db.operatorSession.deleteMany({ where: { expiresAt: { lt: new Date(now()) } } });
      return { token, expiresAt, session: { operatorId: row.id, username: row.username, role: OperatorRoleSchema.parse(row.role), csrfToken } };
    },

    async session(token: string): Promise<OperatorSession | null> {
      const row = await db.operatorSession.findUnique({ where: { id: sha256Hex(token) }, include: { operator: true } });
      if (!row || row.expiresAt.getTime() <= now() || row.operator.disabledAt) return null;
      return { operatorId: row.operatorId, username: row.operator.username, role: OperatorRoleSchema.parse(row.operator.role), csrfToken: row.csrfToken };
    },

    async signOut(token: string): Promise<void> {
      await db.operatorSession.deleteMany({ where: { id: sha256Hex(token) } });
    },
  };
}

export type OperatorsService = ReturnType<typeof operatorsService>;
