// Operator accounts and their console sessions. A session is a random token in an httpOnly,
// SameSite=Strict cookie; the database keeps only its SHA-256, so a copy of the database signs no
// one in. Each session carries its own CSRF token, which the page sends back on every change.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError, conflict, notFound, sha256Hex, unauthorized } from '@dtg/service-kit';
import { at, type Sql, type SqlDatabase, type SqlParam } from '../../db/sql';
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

/** An Operator row as direct SQL reads it: DateTime columns as epoch ms. */
interface OperatorRow {
  id: string;
  username: string;
  passwordHash: string;
  role: string;
  totpSecretEnc: string | null;
  createdAt: number;
  disabledAt: number | null;
}

const OPERATOR_COLUMNS = `id, username, "passwordHash", role, "totpSecretEnc", "createdAt", "disabledAt"`;

const view = (row: OperatorRow): OperatorView => ({
  id: row.id,
  username: row.username,
  role: OperatorRoleSchema.parse(row.role),
  totp: row.totpSecretEnc !== null,
  createdAt: new Date(row.createdAt),
  disabledAt: at(row.disabledAt),
});

const byUsername = (sql: Sql, username: string) => sql.get<OperatorRow>(`SELECT ${OPERATOR_COLUMNS} FROM "Operator" WHERE username = ?`, username);

export function operatorsService(deps: { sqldb: SqlDatabase; secrets: SecretBox; now?: () => number }) {
  const { sqldb } = deps;
  const now = deps.now ?? Date.now;
  const find = (username: string) => sqldb.read((sql) => byUsername(sql, username));
  const mustFind = async (username: string): Promise<OperatorRow> => {
    const row = await find(username);
    if (!row) throw notFound(`operator ${username} not found`);
    return row;
  };
  /** Sets columns of one operator and answers its row; 404 when it is gone. */
  const updateOperator = async (row: OperatorRow, set: string, ...params: SqlParam[]): Promise<OperatorView> => {
    const updated = await sqldb.write((tx) =>
      tx.get<OperatorRow>(`UPDATE "Operator" SET ${set} WHERE id = ? RETURNING ${OPERATOR_COLUMNS}`, ...params, row.id),
    );
    if (!updated) throw notFound(`operator ${row.username} not found`);
    return view(updated);
  };
  return {
    async create(input: z.input<typeof CreateOperatorSchema>): Promise<OperatorView> {
      const parsed = CreateOperatorSchema.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AppError('validation_failed', `${issue?.path.join('.') ?? 'input'}: ${issue?.message ?? 'invalid'}`);
      }
      const { username, password, role } = parsed.data;
      if (await find(username)) throw conflict(`operator ${username} exists`);
      const passwordHash = await hashPassword(password);
      const id = newId('op');
      const created = await sqldb.write(async (tx) => {
        // Checked again inside the write: a concurrent create of the same name answers 409, not a unique violation.
        if (await byUsername(tx, username)) return undefined;
        return await tx.get<OperatorRow>(
          `INSERT INTO "Operator" (id, username, "passwordHash", role, "createdAt") VALUES (?, ?, ?, ?, ?) RETURNING ${OPERATOR_COLUMNS}`,
          id,
          username,
          passwordHash,
          role,
          new Date(now()),
        );
      });
      if (!created) throw conflict(`operator ${username} exists`);
      return view(created);
    },

    async list(): Promise<OperatorView[]> {
      return (await sqldb.read((sql) => sql.all<OperatorRow>(`SELECT ${OPERATOR_COLUMNS} FROM "Operator" ORDER BY username ASC`))).map(view);
    },

    /** Disables an account and ends its sessions. */
    async disable(username: string): Promise<OperatorView> {
      const row = await mustFind(username);
      const updated = await sqldb.write(async (tx) => {
        const disabled = await tx.get<OperatorRow>(
          `UPDATE "Operator" SET "disabledAt" = ? WHERE id = ? RETURNING ${OPERATOR_COLUMNS}`,
          new Date(now()),
          row.id,
        );
        if (disabled) await tx.run(`DELETE FROM "OperatorSession" WHERE "operatorId" = ?`, row.id);
        return disabled;
      });
      if (!updated) throw notFound(`operator ${username} not found`);
      return view(updated);
    },

    /** Two-step sign-in: a new TOTP secret, shown once as an otpauth:// URI for the authenticator app. */
    async enableTotp(username: string): Promise<{ username: string; otpauthUri: string; secret: string }> {
      const row = await mustFind(username);
      const secret = newTotpSecret();
      await updateOperator(row, `"totpSecretEnc" = ?`, deps.secrets.seal(secret, 'Operator.totpSecretEnc', row.id));
      return { username, otpauthUri: totpUri(secret, username), secret };
    },

    async disableTotp(username: string): Promise<OperatorView> {
      return await updateOperator(await mustFind(username), `"totpSecretEnc" = NULL`);
    },

    /** A new session for the right username, password (and TOTP code when on); the same refusal for any wrong one. */
    async signIn(username: string, password: string, totp?: string): Promise<{ token: string; expiresAt: Date; session: OperatorSession }> {
      const row = await find(username);
      const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
      if (!row || !ok || row.disabledAt !== null) throw unauthorized('wrong username or password');
      if (row.totpSecretEnc) {
        if (!totp) throw unauthorized('this account signs in with a TOTP code as well: give the 6 digits of the authenticator app');
        if (!totpMatches(deps.secrets.open(row.totpSecretEnc, 'Operator.totpSecretEnc', row.id), totp, now())) throw unauthorized('wrong TOTP code');
      }
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      const signedInAt = now();
      const expiresAt = new Date(signedInAt + SESSION_TTL_MS);
      await sqldb.write(async (tx) => {
        await tx.run(
          `INSERT INTO "OperatorSession" (id, "operatorId", "csrfToken", "createdAt", "expiresAt") VALUES (?, ?, ?, ?, ?)`,
          sha256Hex(token),
          row.id,
          csrfToken,
          new Date(signedInAt),
          expiresAt,
        );
        // Expired sessions of anyone go with each sign-in: the table stays as small as the operators' team.
        await tx.run(`DELETE FROM "OperatorSession" WHERE "expiresAt" < ?`, new Date(now()));
      });
      return { token, expiresAt, session: { operatorId: row.id, username: row.username, role: OperatorRoleSchema.parse(row.role), csrfToken } };
    },

    async session(token: string): Promise<OperatorSession | null> {
      const row = await sqldb.read((sql) =>
        sql.get<{ operatorId: string; csrfToken: string; expiresAt: number; username: string; role: string; disabledAt: number | null }>(
          `SELECT s."operatorId", s."csrfToken", s."expiresAt", o.username, o.role, o."disabledAt"
             FROM "OperatorSession" s JOIN "Operator" o ON o.id = s."operatorId"
            WHERE s.id = ?`,
          sha256Hex(token),
        ),
      );
      if (!row || row.expiresAt <= now() || row.disabledAt !== null) return null;
      return { operatorId: row.operatorId, username: row.username, role: OperatorRoleSchema.parse(row.role), csrfToken: row.csrfToken };
    },

    async signOut(token: string): Promise<void> {
      await sqldb.write((tx) => tx.run(`DELETE FROM "OperatorSession" WHERE id = ?`, sha256Hex(token)));
    },
  };
}

export type OperatorsService = ReturnType<typeof operatorsService>;
