// Re-sealing the secrets at rest. At every start the cloud seals what the first releases left
// behind — v1 values (no key id, no associated data) and the plaintext callback token — in today's
// format. `admin keys rotate` re-seals every value that is not under the current ENCRYPTION_KEY, so
// the previous key (ENCRYPTION_KEY_PREVIOUS) can be dropped afterwards. One write transaction: a
// rotation that cannot open some value changes nothing.
import type { Sql, SqliteConnection } from '../../db/prisma';
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

function sealedValues(sql: Sql, name: SealedColumn): { id: string; value: string }[] {
  const { table, column, id } = SEALED_COLUMNS[name];
  return sql.all<{ id: string; value: string }>(`SELECT "${id}" AS id, "${column}" AS value FROM "${table}" WHERE "${column}" IS NOT NULL`);
}

function resealColumn(sql: Sql, box: SecretBox, name: SealedColumn, which: Which): number {
  const { table, column, id } = SEALED_COLUMNS[name];
  const stale = sealedValues(sql, name).filter((row) => (which === 'legacy' ? row.value.startsWith('v1.') : !box.isCurrent(row.value)));
  for (const row of stale) {
    sql.run(`UPDATE "${table}" SET "${column}" = ? WHERE "${id}" = ?`, box.seal(box.open(row.value, name, row.id), name, row.id), row.id);
  }
  return stale.length;
}

/** Releases before 2026-12 kept the callback token in plaintext (Tenant.callbackToken). */
function sealPlaintextCallbackTokens(sql: Sql, box: SecretBox): number {
  const rows = sql.all<{ id: string; token: string }>('SELECT id, callbackToken AS token FROM Tenant WHERE callbackToken IS NOT NULL');
  for (const row of rows) {
    sql.run('UPDATE Tenant SET callbackTokenEnc = ?, callbackToken = NULL WHERE id = ?', box.seal(row.token, 'Tenant.callbackTokenEnc', row.id), row.id);
  }
  return rows.length;
}

/** Ids of keys that sealed values at rest but are neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS. */
export function foreignKeyIds(sqlite: SqliteConnection, box: SecretBox): Promise<string[]> {
  return sqlite.read((sql) => {
    const ids = (Object.keys(SEALED_COLUMNS) as SealedColumn[]).flatMap((name) => sealedValues(sql, name).map((row) => box.foreignKeyId(row.value)));
    return [...new Set(ids.filter((id): id is string => id !== undefined))];
  });
}

export function reseal(sqlite: SqliteConnection, box: SecretBox, which: Which): Promise<ResealReport> {
  return sqlite.write((sql) => {
    const resealed: Partial<Record<SealedColumn, number>> = {};
    if (which === 'legacy') {
      const plaintext = sealPlaintextCallbackTokens(sql, box);
      if (plaintext > 0) resealed['Tenant.callbackTokenEnc'] = plaintext;
    }
    for (const name of Object.keys(SEALED_COLUMNS) as SealedColumn[]) {
      const count = resealColumn(sql, box, name, which);
      if (count > 0) resealed[name] = (resealed[name] ?? 0) + count;
    }
    const remaining = (Object.keys(SEALED_COLUMNS) as SealedColumn[]).reduce(
      (n, name) => n + sealedValues(sql, name).filter((row) => !box.isCurrent(row.value)).length,
      0,
    );
    const total = Object.values(resealed).reduce((n, count) => n + count, 0);
    return { keyId: box.keyId, resealed, total, remaining };
  });
}
