// Re-sealing the secrets at rest. At every start the cloud seals what the first releases left
// behind — v1 values (no key id, no associated data) and the plaintext callback token — in today's
// format. `admin keys rotate` re-seals every value that is not under the current ENCRYPTION_KEY, so
// the previous key (ENCRYPTION_KEY_PREVIOUS) can be dropped afterwards. One write transaction: a
// rotation that cannot open some value changes nothing.
import type { Sql, SqlDatabase } from '../../db/prisma';
import { SEALED_COLUMNS, type SealedColumn, type SecretBox } from '../../shared/secret-box';

export interface ResealReport {
  /** The key everything re-sealed now is under. */
  keyId: string;
  resealed: Partial<Record<SealedColumn, number>>;
  total: number;
  /** Values still under another key or format afterwards (0 after a rotation). */
  remaining: number;
}

type Which = 'legacy' | 'not-current';

async function sealedValues(sql: Sql, name: SealedColumn): Promise<{ id: string; value: string }[]> {
  const { table, column, id } = SEALED_COLUMNS[name];
  return await sql.all<{ id: string; value: string }>(`SELECT "${id}" AS id, "${column}" AS value FROM "${table}" WHERE "${column}" IS NOT NULL`);
}

async function resealColumn(sql: Sql, box: SecretBox, name: SealedColumn, which: Which): Promise<number> {
  const { table, column, id } = SEALED_COLUMNS[name];
  const stale = (await sealedValues(sql, name)).filter((row) => (which === 'legacy' ? row.value.startsWith('v1.') : !box.isCurrent(row.value)));
  for (const row of stale) {
    await sql.run(`UPDATE "${table}" SET "${column}" = ? WHERE "${id}" = ?`, box.seal(box.open(row.value, name, row.id), name, row.id), row.id);
  }
  return stale.length;
}

/** Releases before 2026-12 kept the callback token in plaintext (Tenant.callbackToken). */
async function sealPlaintextCallbackTokens(sql: Sql, box: SecretBox): Promise<number> {
  const rows = await sql.all<{ id: string; token: string }>('SELECT id, "callbackToken" AS token FROM "Tenant" WHERE "callbackToken" IS NOT NULL');
  for (const row of rows) {
    await sql.run(
      'UPDATE "Tenant" SET "callbackTokenEnc" = ?, "callbackToken" = NULL WHERE id = ?',
      box.seal(row.token, 'Tenant.callbackTokenEnc', row.id),
      row.id,
    );
  }
  return rows.length;
}

/** Ids of keys that sealed values at rest but are neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS. */
export function foreignKeyIds(sqldb: SqlDatabase, box: SecretBox): Promise<string[]> {
  return sqldb.read(async (sql) => {
    const ids: (string | undefined)[] = [];
    for (const name of Object.keys(SEALED_COLUMNS) as SealedColumn[]) ids.push(...(await sealedValues(sql, name)).map((row) => box.foreignKeyId(row.value)));
    return [...new Set(ids.filter((id): id is string => id !== undefined))];
  });
}

export function reseal(sqldb: SqlDatabase, box: SecretBox, which: Which): Promise<ResealReport> {
  return sqldb.write(async (sql) => {
    const resealed: Partial<Record<SealedColumn, number>> = {};
    if (which === 'legacy') {
      const plaintext = await sealPlaintextCallbackTokens(sql, box);
      if (plaintext > 0) resealed['Tenant.callbackTokenEnc'] = plaintext;
    }
    for (const name of Object.keys(SEALED_COLUMNS) as SealedColumn[]) {
      const count = await resealColumn(sql, box, name, which);
      if (count > 0) resealed[name] = (resealed[name] ?? 0) + count;
    }
    let remaining = 0;
    for (const name of Object.keys(SEALED_COLUMNS) as SealedColumn[])
      remaining += (await sealedValues(sql, name)).filter((row) => !box.isCurrent(row.value)).length;
    const total = Object.values(resealed).reduce((n, count) => n + count, 0);
    return { keyId: box.keyId, resealed, total, remaining };
  });
}
